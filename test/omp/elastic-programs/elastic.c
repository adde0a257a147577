/* Elastic scale-up: the first region runs with the job's initial threads; the program says so
 * and keeps running regions (each checking its result) until one runs with more threads, which
 * happens once the planner has raised the job's thread count. A region that fixes its thread
 * count keeps it. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#define N 200000

static int region(void) {
  long long sum = 0;
  int team = 0;
#pragma omp parallel reduction(+ : sum)
  {
#pragma omp master
    team = omp_get_num_threads();
#pragma omp for
    for (int i = 0; i < N; i++) sum += i % 7;
  }
  long long want = 0;
  for (int i = 0; i < N; i++) want += i % 7;
  if (sum != want) {
    fprintf(stderr, "wrong sum %lld with %d threads\n", sum, team);
    exit(1);
  }
  return team;
}

int main(void) {
  int first = region();
  printf("first region: %d threads\n", first);
  fflush(stdout);
  double start = omp_get_wtime();
  int last = first;
  while (last <= first) {
    if (omp_get_wtime() - start > 60) {
      fprintf(stderr, "no scale-up within 60 s\n");
      return 2;
    }
    last = region();
  }
  int fixed = 0;
#pragma omp parallel num_threads(1)
  fixed = omp_get_num_threads();
  if (fixed != 1) {
    fprintf(stderr, "num_threads(1) region ran with %d threads\n", fixed);
    return 3;
  }
  printf("later regions: %d threads, same result\n", last);
  return 0;
}
