/*
 * Pipelined wavefront (point-to-point synchronisation between threads).
 *
 * Each cell depends on its upper and left neighbours: a[i][j] = f(a[i-1][j], a[i][j-1]).
 * Thread t owns a block of columns and sweeps the rows; before computing row i it waits (by
 * spinning on an atomic flag) until thread t-1 has finished row i of its block. The result is
 * checked against a serial sweep.
 *
 *   granny run wavefront.wasm --threads 4 -- [rows] [cols]
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_THREADS 256

static unsigned cell(unsigned up, unsigned left, int i, int j) {
  return (up * 31u + left * 17u + (unsigned)(i ^ j)) % 1000003u;
}

int main(int argc, char **argv) {
  int rows = argc > 1 ? atoi(argv[1]) : 600;
  int cols = argc > 2 ? atoi(argv[2]) : 800;
  unsigned *a = calloc((size_t)(rows + 1) * (cols + 1), sizeof *a);
  unsigned *b = calloc((size_t)(rows + 1) * (cols + 1), sizeof *b);
  static int done_rows[MAX_THREADS];
  if (a == NULL || b == NULL) return 1;
#define A(i, j) a[(size_t)(i) * (cols + 1) + (j)]
#define B(i, j) b[(size_t)(i) * (cols + 1) + (j)]
  for (int j = 0; j <= cols; j++) A(0, j) = B(0, j) = (unsigned)j;
  for (int i = 0; i <= rows; i++) A(i, 0) = B(i, 0) = (unsigned)i * 7u;

  int threads_used = 0;
  double t0 = omp_get_wtime();
#pragma omp parallel
  {
    int t = omp_get_thread_num();
    int n = omp_get_num_threads();
#pragma omp single
    threads_used = n;
    int lo = 1 + (int)((long)cols * t / n);
    int hi = (int)((long)cols * (t + 1) / n);
    for (int i = 1; i <= rows; i++) {
      if (t > 0) {
        int ready;
        do {
#pragma omp atomic read
          ready = done_rows[t - 1];
        } while (ready < i);
      }
      for (int j = lo; j <= hi; j++) A(i, j) = cell(A(i - 1, j), A(i, j - 1), i, j);
#pragma omp atomic write
      done_rows[t] = i;
    }
  }
  double t1 = omp_get_wtime();

  for (int i = 1; i <= rows; i++)
    for (int j = 1; j <= cols; j++) B(i, j) = cell(B(i - 1, j), B(i, j - 1), i, j);
  for (int i = 0; i <= rows; i++)
    for (int j = 0; j <= cols; j++)
      if (A(i, j) != B(i, j)) {
        fprintf(stderr, "wavefront: mismatch at (%d,%d): %u vs %u\n", i, j, A(i, j), B(i, j));
        return 1;
      }
  printf("wavefront %dx%d ok: corner %u (%d threads, %.1f ms)\n", rows, cols, A(rows, cols), threads_used,
         (t1 - t0) * 1e3);
  free(a);
  free(b);
  return 0;
}
