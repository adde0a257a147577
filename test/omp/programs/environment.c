/* The OpenMP environment variables as the program sees them: OMP_SCHEDULE through
 * omp_get_schedule and schedule(runtime) loops, OMP_NUM_THREADS through omp_get_max_threads
 * and the default team. Prints what it sees, so runs with different environments differ. */
#include <omp.h>
#include "check.h"

int main(void) {
  omp_sched_t kind;
  int chunk;
  omp_get_schedule(&kind, &chunk);
  int hits[500] = {0};
  int team = 0;
#pragma omp parallel
  {
#pragma omp single
    team = omp_get_num_threads();
#pragma omp for schedule(runtime)
    for (int i = 0; i < 500; i++) hits[i]++;
  }
  for (int i = 0; i < 500; i++) CHECK(hits[i] == 1, "iteration %d ran %d times", i, hits[i]);
  CHECK(team == omp_get_max_threads(), "team %d, max %d", team, omp_get_max_threads());
  printf("schedule kind %d chunk %d, max threads %d\n", (int)(kind & ~omp_sched_monotonic), chunk,
         omp_get_max_threads());
  printf("environment ok\n");
  return 0;
}
