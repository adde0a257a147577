/* exit() called by a team thread ends the whole job with that status. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
#pragma omp parallel num_threads(2)
  {
    if (omp_get_thread_num() == 1) exit(7);
#pragma omp barrier
  }
  printf("not reached\n");
  return 0;
}
