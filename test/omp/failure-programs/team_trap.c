/* A team thread traps (integer division by zero) inside a region while the others wait at a
 * barrier: the job must end with the trap, not hang. */
#include <omp.h>
#include <stdio.h>

volatile int zero = 0;

int main(void) {
  int r = 0;
#pragma omp parallel num_threads(3)
  {
    if (omp_get_thread_num() == 2) r = 10 / zero;
#pragma omp barrier
  }
  printf("not reached %d\n", r);
  return 0;
}
