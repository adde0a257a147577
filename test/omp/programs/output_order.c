/* Output from many threads keeps the order in which it was written: threads take turns (through
 * an atomic counter) to print and flush a line, so the expected output is fully determined. */
#include <omp.h>
#include "check.h"

static int turn;

int main(void) {
#pragma omp parallel
  {
    int id = omp_get_thread_num();
    int n = omp_get_num_threads();
    for (int stage = 0; stage < 8; stage++) {
      int now;
      do {
#pragma omp atomic read
        now = turn;
      } while (now != stage * n + id);
      printf("stage %d thread %d\n", stage, id);
      fflush(stdout);
      fprintf(stderr, "stage %d thread %d\n", stage, id);
#pragma omp atomic update
      turn++;
    }
  }
  printf("output_order ok\n");
  return 0;
}
