// Phases of parallel work separated by pauses: each phase's result is printed (it does not
// depend on the thread count), and the team size each phase ran with goes to stderr, so an
// elastic scale-up shows there while stdout stays comparable with a native run.
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
  int phases = argc > 1 ? atoi(argv[1]) : 20;
  long pause_ms = argc > 2 ? atol(argv[2]) : 100;
  const long n = 2000000;
  for (int p = 0; p < phases; p++) {
    double sum = 0;
    int team = 0;
#pragma omp parallel reduction(+ : sum)
    {
#pragma omp single
      team = omp_get_num_threads();
#pragma omp for schedule(static)
      for (long i = 0; i < n; i++) sum += (double)((i * (p + 1)) % 7);
    }
    double expect = 0;
    for (long i = 0; i < n; i++) expect += (double)((i * (p + 1)) % 7);
    if (sum != expect) {
      fprintf(stderr, "phase %d: %f != %f\n", p, sum, expect);
      return 1;
    }
    printf("phase %d: sum %.0f\n", p, sum);
    fprintf(stderr, "phase %d ran with %d threads\n", p, team);
    fflush(stdout);
    struct timespec ts = {pause_ms / 1000, (pause_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
  }
  return 0;
}
