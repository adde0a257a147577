/* Statically scheduled loops (default, chunked, collapse) over signed, unsigned and 64-bit
 * induction variables with positive and negative steps: every iteration runs exactly once and
 * lastprivate takes the sequentially last value. */
#include <omp.h>
#include <stdint.h>
#include "check.h"

#define N 1003
static int hits[N];

static void reset(void) {
  for (int i = 0; i < N; i++) hits[i] = 0;
}
static void expect_once(const char *what) {
  for (int i = 0; i < N; i++) CHECK(hits[i] == 1, "%s: iteration %d ran %d times", what, i, hits[i]);
}

int main(void) {
  reset();
#pragma omp parallel for
  for (int i = 0; i < N; i++) hits[i]++;
  expect_once("static");

  reset();
#pragma omp parallel for schedule(static, 7)
  for (int i = N - 1; i >= 0; i--) hits[i]++;
  expect_once("static,7 downwards");

  reset();
#pragma omp parallel for schedule(static, 1)
  for (unsigned u = 0; u < N; u += 1) hits[u]++;
  expect_once("unsigned static,1");

  reset();
#pragma omp parallel for schedule(static)
  for (int64_t k = 3000000000LL; k < 3000000000LL + N; k++) hits[k - 3000000000LL]++;
  expect_once("int64 static");

  reset();
#pragma omp parallel for schedule(static, 5)
  for (uint64_t k = 0; k < 2 * N; k += 2) hits[k / 2]++;
  expect_once("uint64 step 2");

  reset();
#pragma omp parallel for collapse(2)
  for (int i = 0; i < 17; i++)
    for (int j = 0; j < 59; j++) hits[i * 59 + j]++;
  for (int i = 0; i < N; i++) CHECK(hits[i] == (i < 17 * 59), "collapse %d", i);

  int last = -1;
#pragma omp parallel for lastprivate(last) schedule(static, 3)
  for (int i = 0; i < N; i += 4) last = i;
  CHECK(last == 1000, "lastprivate %d", last);

  /* Fewer iterations than threads. */
  reset();
#pragma omp parallel for
  for (int i = 0; i < 2; i++) hits[i]++;
  CHECK(hits[0] == 1 && hits[1] == 1 && hits[2] == 0, "short loop");

  /* Worksharing inside an existing region, with nowait. */
  reset();
#pragma omp parallel
  {
#pragma omp for nowait
    for (int i = 0; i < N / 2; i++) hits[i]++;
#pragma omp for
    for (int i = N / 2; i < N; i++) hits[i]++;
  }
  expect_once("for nowait");
  printf("for_static ok\n");
  return 0;
}
