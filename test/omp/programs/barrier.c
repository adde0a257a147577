/* Barriers: in each phase every thread writes its slot, waits at a barrier, then checks every
 * other thread's slot of the same phase; a barrier that let a thread through early fails. */
#include <omp.h>
#include "check.h"

static volatile int slot[MAX_T];

int main(void) {
  int phases = 200;
#pragma omp parallel
  {
    int id = omp_get_thread_num();
    int n = omp_get_num_threads();
    for (int p = 1; p <= phases; p++) {
      slot[id] = p;
#pragma omp barrier
      for (int t = 0; t < n; t++) CHECK(slot[t] == p, "phase %d: thread %d saw %d from %d", p, id, slot[t], t);
#pragma omp barrier
    }
  }
  printf("barrier ok\n");
  return 0;
}
