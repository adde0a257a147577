/* single (once per encounter, with and without nowait, with copyprivate), master and masked. */
#include <omp.h>
#include "check.h"

int main(void) {
  int singles = 0, masters = 0, masked = 0, team = 0, bad_copy = 0;
#pragma omp parallel reduction(+ : bad_copy)
  {
    for (int i = 0; i < 100; i++) {
      /* Atomic here too: the thread that runs the next `single nowait` may still be in its own
       * increment when another thread gets to this one (a plain ++ against an atomic one is a
       * data race, and lost increments showed up once team threads stopped sleeping). */
#pragma omp single
      {
#pragma omp atomic
        singles++;
      }
#pragma omp single nowait
      {
#pragma omp atomic
        singles++;
      }
    }
#pragma omp master
    {
      masters++;
      team = omp_get_num_threads();
    }
#pragma omp masked filter(1)
    masked++;
#pragma omp barrier
    int value = -1;
#pragma omp single copyprivate(value)
    value = 42 + omp_get_thread_num() * 0;
    if (value != 42) bad_copy++;
  }
  CHECK(singles == 200, "singles %d", singles);
  CHECK(masters == 1, "masters %d", masters);
  CHECK(masked == (team > 1 ? 1 : 0), "masked %d", masked);
  CHECK(bad_copy == 0, "copyprivate missed by %d threads", bad_copy);
  printf("single_master ok\n");
  return 0;
}
