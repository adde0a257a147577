/* Dynamic, guided and runtime schedules, signed, unsigned and 64-bit, and a chain of nowait
 * loops longer than the runtime's dispatch buffers: every iteration runs exactly once. */
#include <omp.h>
#include <stdint.h>
#include "check.h"

#define N 2000
static int hits[N];

static void reset(void) {
  for (int i = 0; i < N; i++) hits[i] = 0;
}
static void expect_once(const char *what) {
  for (int i = 0; i < N; i++) CHECK(hits[i] == 1, "%s: iteration %d ran %d times", what, i, hits[i]);
}

int main(void) {
  reset();
#pragma omp parallel for schedule(dynamic)
  for (int i = 0; i < N; i++) {
#pragma omp atomic
    hits[i]++;
  }
  expect_once("dynamic");

  reset();
#pragma omp parallel for schedule(dynamic, 13)
  for (unsigned i = N; i > 0; i--) {
#pragma omp atomic
    hits[i - 1]++;
  }
  expect_once("dynamic,13 unsigned downwards");

  reset();
#pragma omp parallel for schedule(guided)
  for (int64_t i = -5000000000LL; i < -5000000000LL + N; i++) {
#pragma omp atomic
    hits[i + 5000000000LL]++;
  }
  expect_once("guided int64");

  reset();
#pragma omp parallel for schedule(guided, 7)
  for (uint64_t i = 0; i < N; i++) {
#pragma omp atomic
    hits[i]++;
  }
  expect_once("guided,7 uint64");

  omp_sched_t kinds[3] = {omp_sched_static, omp_sched_dynamic, omp_sched_guided};
  for (int k = 0; k < 3; k++) {
    omp_set_schedule(kinds[k], 3);
    omp_sched_t got;
    int chunk;
    omp_get_schedule(&got, &chunk);
    CHECK(got == kinds[k] && chunk == 3, "get_schedule %d %d", (int)got, chunk);
    reset();
#pragma omp parallel for schedule(runtime)
    for (int i = 0; i < N; i += 1) {
#pragma omp atomic
      hits[i]++;
    }
    expect_once("runtime");
  }

  reset();
#pragma omp parallel
  {
    for (int part = 0; part < 20; part++) {
#pragma omp for schedule(dynamic, 3) nowait
      for (int i = part * (N / 20); i < (part + 1) * (N / 20); i++) {
#pragma omp atomic
        hits[i]++;
      }
    }
  }
  expect_once("20 nowait loops");

  long long sum = 0;
#pragma omp parallel for schedule(dynamic, 4) reduction(+ : sum)
  for (int i = 0; i < N; i++) sum += i;
  CHECK(sum == (long long)N * (N - 1) / 2, "sum %lld", sum);
  printf("for_dynamic ok\n");
  return 0;
}
