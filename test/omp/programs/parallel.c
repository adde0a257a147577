/* Fork/join and the team queries: every thread of a region runs it once with a distinct
 * thread number, the queries agree inside and outside regions, and the wall clock advances. */
#include <omp.h>
#include "check.h"

int main(void) {
  int expected = omp_get_max_threads();
  CHECK(expected >= 1, "max threads %d", expected);
  CHECK(omp_get_num_threads() == 1, "serial part has %d threads", omp_get_num_threads());
  CHECK(omp_get_thread_num() == 0 && !omp_in_parallel() && omp_get_level() == 0, "serial state");
  int seen[MAX_T] = {0};
  int team = 0;
  double t0 = omp_get_wtime();
  for (int round = 0; round < 50; round++) {
#pragma omp parallel shared(seen, team)
    {
      int id = omp_get_thread_num();
      int n = omp_get_num_threads();
#pragma omp atomic
      seen[id]++;
      if (id == 0) team = n;
      CHECK(omp_get_level() == 1, "level %d", omp_get_level());
      CHECK(omp_get_active_level() == (n > 1), "active level");
      CHECK(omp_in_parallel() == (n > 1), "in_parallel");
      CHECK(omp_get_max_threads() == expected, "max threads inside %d", omp_get_max_threads());
      CHECK(omp_get_ancestor_thread_num(1) == id && omp_get_team_size(1) == n, "ancestor");
    }
  }
  double t1 = omp_get_wtime();
  CHECK(team == expected, "team of %d, expected %d", team, expected);
  for (int i = 0; i < MAX_T; i++) CHECK(seen[i] == (i < team ? 50 : 0), "thread %d ran %d times", i, seen[i]);
  CHECK(t1 >= t0 && omp_get_wtick() > 0, "clock");
  int shared_sum = 0;
  int private_x = 5;
#pragma omp parallel firstprivate(private_x) reduction(+ : shared_sum)
  {
    private_x += omp_get_thread_num();
    shared_sum += private_x;
  }
  CHECK(shared_sum == 5 * team + team * (team - 1) / 2, "firstprivate sum %d", shared_sum);
  CHECK(omp_get_num_teams() == 1 && omp_get_team_num() == 0, "teams");
  CHECK(omp_is_initial_device() && omp_get_cancellation() == 0, "device/cancellation");

  /* A 3 MiB local array in every team thread fits the default stack (libomp's is 4 MiB), and no
   * thread's stack reaches another's. */
  int intact = 0;
#pragma omp parallel reduction(+ : intact)
  {
    int t = omp_get_thread_num();
    volatile char mine[4096];
    for (int i = 0; i < (int)sizeof mine; i++) mine[i] = (char)t;
#pragma omp barrier
    if (t > 0) {
      volatile char big[3 << 20];
      for (int i = 0; i < (int)sizeof big; i += 64) big[i] = (char)(i >> 6);
      for (int i = 0; i < (int)sizeof big; i += 64) intact -= big[i] != (char)(i >> 6);
    }
#pragma omp barrier
    int same = 1;
    for (int i = 0; i < (int)sizeof mine; i++) same &= mine[i] == (char)t;
    intact += same;
  }
  CHECK(intact == team, "%d of %d threads kept their stacks with a 3 MiB array on each", intact, team);
  printf("parallel ok\n");
  return 0;
}
