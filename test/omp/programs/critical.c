/* Critical sections, unnamed and named, protect read-modify-write sequences that would lose
 * updates if two threads ran them at once. */
#include <omp.h>
#include "check.h"

static volatile long counter_a, counter_b;

int main(void) {
  int team = 0;
#pragma omp parallel
  {
#pragma omp single
    team = omp_get_num_threads();
    for (int i = 0; i < 2000; i++) {
#pragma omp critical
      {
        long v = counter_a;
        counter_a = v + 1;
      }
#pragma omp critical(other)
      {
        long v = counter_b;
        counter_b = v + 2;
      }
    }
  }
  CHECK(counter_a == 2000L * team, "unnamed %ld", counter_a);
  CHECK(counter_b == 4000L * team, "named %ld", counter_b);
  printf("critical ok\n");
  return 0;
}
