/* Thread counts: the num_threads clause, if(false) serialising a region, omp_set_num_threads,
 * and the default (OMP_NUM_THREADS natively, the job's threads under granny). */
#include <omp.h>
#include "check.h"

static int team_size(void) {
  int n = 0;
#pragma omp parallel
  {
#pragma omp master
    n = omp_get_num_threads();
  }
  return n;
}

int main(void) {
  int initial = omp_get_max_threads();
  CHECK(team_size() == initial, "default team %d vs max %d", team_size(), initial);

  int n = 0;
#pragma omp parallel num_threads(3)
  {
#pragma omp master
    n = omp_get_num_threads();
  }
  CHECK(n == 3, "num_threads(3) gave %d", n);

  int big = 1;
#pragma omp parallel if (big == 0)
  {
#pragma omp master
    n = omp_get_num_threads();
    CHECK(omp_get_level() == 1 && !omp_in_parallel(), "if(0) region level");
  }
  CHECK(n == 1, "if(false) gave %d", n);

  omp_set_num_threads(2);
  CHECK(omp_get_max_threads() == 2, "set_num_threads");
  CHECK(team_size() == 2, "after omp_set_num_threads(2): %d", team_size());
  omp_set_num_threads(5);
  CHECK(team_size() == 5, "after omp_set_num_threads(5): %d", team_size());
  CHECK(omp_get_thread_limit() >= 5, "thread limit");
  CHECK(omp_get_num_procs() >= 1, "num procs");

  /* Team sizes that change from region to region, so that threads left out of one region are
   * in the next (a late one once joined a region that was not its own, and the job hung). */
  long long total = 0, expected = 0;
  for (int r = 0; r < 400; r++) {
    int size = 1 + (r * 7) % 5;
    expected += size;
#pragma omp parallel num_threads(size) reduction(+ : total)
    total += 1;
  }
  CHECK(total == expected, "varying team sizes: %lld members, expected %lld", total, expected);
  printf("num_threads ok\n");
  return 0;
}
