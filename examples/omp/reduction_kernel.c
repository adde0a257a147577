/*
 * Reduction-heavy kernel: numerical integration of pi, an integer dot product, min/max
 * search and a histogram with an array-section reduction, all in one parallel loop each.
 * Exact results are checked against serial loops; pi against its known value.
 *
 *   granny run reduction_kernel.wasm --threads 4 -- [n]
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#define BINS 16

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 4000000;
  double t0 = omp_get_wtime();

  double h = 1.0 / n, pi = 0.0;
#pragma omp parallel for reduction(+ : pi)
  for (int i = 0; i < n; i++) {
    double x = h * (i + 0.5);
    pi += 4.0 / (1.0 + x * x);
  }
  pi *= h;

  long long dot = 0;
  int lo = 1 << 30, hi = -(1 << 30);
  long long hist[BINS] = {0};
#pragma omp parallel for reduction(+ : dot, hist[:BINS]) reduction(min : lo) reduction(max : hi)
  for (int i = 0; i < n; i++) {
    int x = (int)((i * 2654435761u) >> 8) % 1000 - 500;
    int y = (int)((i * 40503u) % 977u) - 488;
    dot += (long long)x * y;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
    hist[(unsigned)(x + 500) % BINS]++;
  }
  double t1 = omp_get_wtime();

  long long sdot = 0, shist[BINS] = {0}, total = 0;
  int slo = 1 << 30, shi = -(1 << 30);
  for (int i = 0; i < n; i++) {
    int x = (int)((i * 2654435761u) >> 8) % 1000 - 500;
    int y = (int)((i * 40503u) % 977u) - 488;
    sdot += (long long)x * y;
    if (x < slo) slo = x;
    if (x > shi) shi = x;
    shist[(unsigned)(x + 500) % BINS]++;
  }
  int ok = fabs(pi - M_PI) < 1e-9 && dot == sdot && lo == slo && hi == shi;
  for (int b = 0; b < BINS; b++) {
    ok = ok && hist[b] == shist[b];
    total += hist[b];
  }
  if (!ok || total != n) {
    fprintf(stderr, "reduction kernel: wrong result (pi %.12f, dot %lld vs %lld)\n", pi, dot, sdot);
    return 1;
  }
  printf("reduction kernel n=%d ok: pi %.10f, dot %lld, range [%d,%d] (%d threads, %.1f ms)\n", n, pi, dot, lo, hi,
         omp_get_max_threads(), (t1 - t0) * 1e3);
  return 0;
}
