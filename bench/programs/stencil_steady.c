// The OpenMP stencil example's step (examples/omp/stencil.c, included so that the kernel is the
// same code) in steady state: after warm-up steps, so that allocation, first touches of fresh
// pages and the JIT are out of it, the best time of one step over 20 runs of 10 steps. The
// example's own kernel row times the whole run, allocation included, where granny's calloc takes
// the page faults in one thread and libomp's threads take them inside the first steps.
//   stencil_steady [n]   prints: stencil_steady <n> <ms per step>
#define main stencil_example_main
#include "../../examples/omp/stencil.c"
#undef main

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1024;
  if (n < 3) n = 1024;
  double *a = calloc((size_t)n * n, sizeof *a);
  double *b = calloc((size_t)n * n, sizeof *b);
  for (int j = 0; j < n; j++) a[j] = b[j] = 100.0;
  double best = 1e30, delta = 0;
  for (int s = 0; s < 10; s++) delta += step(s % 2 ? b : a, s % 2 ? a : b, n, 1);
  for (int r = 0; r < 20; r++) {
    double t = omp_get_wtime();
    for (int s = 0; s < 10; s++) delta += step(s % 2 ? b : a, s % 2 ? a : b, n, 1);
    double ms = (omp_get_wtime() - t) * 1e3 / 10;
    if (ms < best) best = ms;
  }
  if (!(delta > 0)) {
    fprintf(stderr, "stencil_steady: no heat moved\n");
    return 1;
  }
  printf("stencil_steady %d %.4f\n", n, best);
  free(a);
  free(b);
  return 0;
}
