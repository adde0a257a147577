// Compute kernels timed from inside the program (monotonic clock), for the cost of control-point
// instrumentation: a Jacobi stencil in a time-step loop with a barrier per step (the common MPI
// shape), and a loop calling a small function that may reach a barrier (the worst case for
// Asyncify, which instruments every function on a path to a control point).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

__attribute__((import_module("mpi"), import_name("MPI_Barrier"))) int MPI_Barrier(int comm);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

#define N 384

static double grid[N][N], next[N][N];

static double stencil(int steps) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) grid[i][j] = (double)((i * 31 + j * 17) % 101);
  for (int s = 0; s < steps; s++) {
    for (int i = 1; i < N - 1; i++)
      for (int j = 1; j < N - 1; j++)
        next[i][j] = 0.25 * (grid[i - 1][j] + grid[i + 1][j] + grid[i][j - 1] + grid[i][j + 1]);
    memcpy(grid, next, sizeof grid);
    MPI_Barrier(0);
  }
  return grid[N / 2][N / 2];
}

/* Small, not inlined, and able to reach a barrier: every call site on the way is instrumented. */
__attribute__((noinline)) static uint64_t step(uint64_t x, uint64_t i) {
  if (x == 0x123456789abcdefULL) MPI_Barrier((int)i);
  return x * 6364136223846793005ULL + i;
}

static uint64_t calls(uint64_t n) {
  uint64_t x = 1;
  for (uint64_t i = 0; i < n; i++) x = step(x, i);
  return x;
}

int main(int argc, char **argv) {
  int steps = argc > 1 ? atoi(argv[1]) : 200;
  uint64_t n = argc > 2 ? (uint64_t)atoll(argv[2]) : 50000000ULL;
  double t0 = now();
  double s = stencil(steps);
  double t1 = now();
  uint64_t c = calls(n);
  double t2 = now();
  printf("stencil %.6f %g\ncalls %.6f %llu\n", t1 - t0, s, t2 - t1, (unsigned long long)c);
  return 0;
}
