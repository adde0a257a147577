// The cold start of an OpenMP job: the wall time of its first N parallel regions (a worksharing
// loop with a reduction in each), counted from the first fork, and how many regions took over
// 100 us. A runtime compiled by a JIT pays its compilation here (docs/openmp.md, "Cold phase");
// a native runtime pays thread creation. Checks its sums.
//   first_regions [N]   prints: first_regions <N> <ms> <regions over 100 us> <worst region ms>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#define WIDTH 64

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 4000;
  if (n < 1) n = 4000;
  int values[WIDTH];
  for (int k = 0; k < WIDTH; k++) values[k] = k;
  long expected = (long)WIDTH * (WIDTH - 1) / 2, wrong = 0;
  int slow = 0;
  double worst = 0;
  double start = omp_get_wtime();
  for (int i = 0; i < n; i++) {
    double t = omp_get_wtime();
    long sum = 0;
#pragma omp parallel for reduction(+ : sum)
    for (int k = 0; k < WIDTH; k++) sum += values[k];
    double took = omp_get_wtime() - t;
    if (sum != expected) wrong++;
    if (took > 100e-6) slow++;
    if (took > worst) worst = took;
  }
  double total = omp_get_wtime() - start;
  if (wrong != 0) {
    fprintf(stderr, "first_regions: %ld wrong sums\n", wrong);
    return 1;
  }
  printf("first_regions %d %.3f %d %.3f\n", n, total * 1e3, slow, worst * 1e3);
  return 0;
}
