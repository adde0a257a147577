/* omp_lock_t and omp_nest_lock_t: mutual exclusion, test_lock, and nesting by the owner. */
#include <omp.h>
#include "check.h"

static volatile long counter;

static void nested_add(omp_nest_lock_t *l, int depth) {
  omp_set_nest_lock(l);
  if (depth > 0) nested_add(l, depth - 1);
  else counter = counter + 1;
  omp_unset_nest_lock(l);
}

int main(void) {
  omp_lock_t lock;
  omp_init_lock(&lock);
  int team = 0;
#pragma omp parallel
  {
#pragma omp single
    team = omp_get_num_threads();
    for (int i = 0; i < 1000; i++) {
      omp_set_lock(&lock);
      long v = counter;
      counter = v + 1;
      omp_unset_lock(&lock);
    }
  }
  CHECK(counter == 1000L * team, "simple lock %ld", counter);

  CHECK(omp_test_lock(&lock) == 1, "test_lock on a free lock");
  int other_got_it = 0;
#pragma omp parallel num_threads(2)
  {
    if (omp_get_thread_num() == 1) other_got_it = omp_test_lock(&lock);
  }
  CHECK(other_got_it == 0, "test_lock succeeded on a held lock");
  omp_unset_lock(&lock);
  omp_destroy_lock(&lock);

  omp_nest_lock_t nest;
  omp_init_nest_lock(&nest);
  counter = 0;
#pragma omp parallel
  for (int i = 0; i < 200; i++) nested_add(&nest, 3);
  CHECK(counter == 200L * team, "nest lock %ld", counter);
  CHECK(omp_test_nest_lock(&nest) == 1 && omp_test_nest_lock(&nest) == 2, "test_nest_lock counts");
  omp_unset_nest_lock(&nest);
  omp_unset_nest_lock(&nest);
  omp_destroy_nest_lock(&nest);
  printf("locks ok\n");
  return 0;
}
