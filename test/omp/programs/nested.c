/* Nested parallel regions run their inner team with one thread (max-active-levels 1, as the
 * native run is configured too): levels, ancestors and team sizes say so. */
#include <omp.h>
#include "check.h"

int main(void) {
  int outer = 0, inner_total = 0;
#pragma omp parallel reduction(+ : inner_total)
  {
    int outer_id = omp_get_thread_num();
#pragma omp master
    outer = omp_get_num_threads();
#pragma omp parallel reduction(+ : inner_total)
    {
      CHECK(omp_get_num_threads() == 1 && omp_get_thread_num() == 0, "inner team");
      CHECK(omp_get_level() == 2, "inner level %d", omp_get_level());
      CHECK(omp_get_ancestor_thread_num(1) == outer_id, "ancestor");
      CHECK(omp_get_team_size(2) == 1, "team size at level 2");
      inner_total += 1;
    }
  }
  CHECK(inner_total == outer, "inner regions %d, outer threads %d", inner_total, outer);
  printf("nested ok\n");
  return 0;
}
