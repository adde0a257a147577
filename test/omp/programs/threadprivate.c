/* threadprivate variables: one copy per thread that keeps its value from one region to the
 * next (same team size), copyin from the master, and per-thread static storage in functions. */
#include <omp.h>
#include "check.h"

static int tp = 100;
#pragma omp threadprivate(tp)
static double tpd[4];
#pragma omp threadprivate(tpd)

static int bump(void) {
  static int calls;
#pragma omp threadprivate(calls)
  return ++calls;
}

int main(void) {
  int bad = 0;
#pragma omp parallel reduction(+ : bad)
  {
    if (tp != 100) bad++;
    tp = 1000 + omp_get_thread_num();
    for (int i = 0; i < 4; i++) tpd[i] = omp_get_thread_num() * 10.0 + i;
  }
  CHECK(bad == 0, "initial value seen wrong by %d threads", bad);
#pragma omp parallel reduction(+ : bad)
  {
    if (tp != 1000 + omp_get_thread_num()) bad++;
    for (int i = 0; i < 4; i++)
      if (tpd[i] != omp_get_thread_num() * 10.0 + i) bad++;
    for (int i = 0; i < 5; i++) bump();
    if (bump() != 6) bad++;
  }
  CHECK(bad == 0, "values did not persist in %d places", bad);
  tp = 7;
#pragma omp parallel copyin(tp) reduction(+ : bad)
  {
    if (tp != 7) bad++;
  }
  CHECK(bad == 0, "copyin missed by %d threads", bad);
  printf("threadprivate ok\n");
  return 0;
}
