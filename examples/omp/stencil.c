/*
 * 2-D Jacobi stencil (heat diffusion): a parallel for over rows per time step, with a reduction
 * of the largest change. Checked bit for bit against the same computation done serially.
 *
 *   granny run stencil.wasm --threads 4 -- [n] [steps]
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double step(const double *in, double *out, int n, int parallel) {
  double delta = 0.0;
#pragma omp parallel for reduction(max : delta) if (parallel)
  for (int i = 1; i < n - 1; i++) {
    for (int j = 1; j < n - 1; j++) {
      double v = 0.25 * (in[(i - 1) * n + j] + in[(i + 1) * n + j] + in[i * n + j - 1] + in[i * n + j + 1]);
      out[i * n + j] = v;
      double d = fabs(v - in[i * n + j]);
      if (d > delta) delta = d;
    }
  }
  return delta;
}

static double *run(int n, int steps, int parallel, double *last_delta) {
  double *a = calloc((size_t)n * n, sizeof *a);
  double *b = calloc((size_t)n * n, sizeof *b);
  for (int j = 0; j < n; j++) a[j] = b[j] = 100.0; /* hot top edge */
  double d = 0.0;
  for (int s = 0; s < steps; s++) {
    d = step(a, b, n, parallel);
    double *t = a;
    a = b;
    b = t;
  }
  free(b);
  *last_delta = d;
  return a;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 256;
  int steps = argc > 2 ? atoi(argv[2]) : 200;
  double pd, sd;
  double t0 = omp_get_wtime();
  double *p = run(n, steps, 1, &pd);
  double t1 = omp_get_wtime();
  double *s = run(n, steps, 0, &sd);
  if (memcmp(p, s, sizeof(double) * n * n) != 0 || pd != sd) {
    fprintf(stderr, "stencil: parallel and serial results differ\n");
    return 1;
  }
  double sum = 0.0;
  for (int i = 0; i < n * n; i++) sum += p[i];
  printf("stencil %dx%d, %d steps ok: heat %.6f, last change %.3e (%d threads, %.1f ms)\n", n, n, steps, sum, pd,
         omp_get_max_threads(), (t1 - t0) * 1e3);
  free(p);
  free(s);
  return 0;
}
