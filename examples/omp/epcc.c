/*
 * EPCC-style OpenMP overheads (after the EPCC OpenMP micro-benchmark suite, syncbench): each
 * construct is timed around a short delay, and the time of the same delays run serially is
 * subtracted, leaving the cost of the construct itself. Prints one line per construct:
 *
 *   <construct> <overhead in microseconds>
 *
 *   granny run epcc.wasm --threads 2 -- [outer repetitions] [delay length]
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#define DELAY 40
#define WARMUP_RUNS 10

static volatile int sink;
static omp_lock_t lock;
static int counter;

/* The delay length, known only at run time (main sets it), as in EPCC: with a constant length
 * the compiler could fold the delay away. */
static int delay_length = DELAY;

/* EPCC's delay: a chain of float additions (not reassociated without -ffast-math, so neither
 * vectorised nor folded), kept alive by a test the compiler cannot decide. An earlier version
 * added through a volatile int instead: a load and store per step, which V8 leaves in linear
 * memory, made the delay about 5x longer under granny than natively, and since EPCC subtracts a
 * serial reference, any slowdown of delays run alongside each other counted as overhead. */
static void delay(int n) {
  float a = 0.0f;
  for (int i = 0; i < n; i++) a += (float)i;
  if (a < 0) sink = (int)a;
}

static double reference(int reps) {
  double t = omp_get_wtime();
  for (int j = 0; j < reps; j++) delay(delay_length);
  return omp_get_wtime() - t;
}

static double bench_parallel(int reps) {
  double t = omp_get_wtime();
  for (int j = 0; j < reps; j++) {
#pragma omp parallel
    delay(delay_length);
  }
  return omp_get_wtime() - t;
}

static double bench_for(int reps) {
  int n = omp_get_max_threads();
  double t = omp_get_wtime();
#pragma omp parallel
  for (int j = 0; j < reps; j++) {
#pragma omp for
    for (int i = 0; i < n; i++) delay(delay_length);
  }
  return omp_get_wtime() - t;
}

static double bench_parallel_for(int reps) {
  int n = omp_get_max_threads();
  double t = omp_get_wtime();
  for (int j = 0; j < reps; j++) {
#pragma omp parallel for
    for (int i = 0; i < n; i++) delay(delay_length);
  }
  return omp_get_wtime() - t;
}

static double bench_barrier(int reps) {
  double t = omp_get_wtime();
#pragma omp parallel
  for (int j = 0; j < reps; j++) {
    delay(delay_length);
#pragma omp barrier
  }
  return omp_get_wtime() - t;
}

static double bench_single(int reps) {
  double t = omp_get_wtime();
#pragma omp parallel
  for (int j = 0; j < reps; j++) {
#pragma omp single
    delay(delay_length);
  }
  return omp_get_wtime() - t;
}

static double bench_critical(int reps) {
  int n = omp_get_max_threads();
  double t = omp_get_wtime();
#pragma omp parallel
  for (int j = 0; j < reps / n; j++) {
#pragma omp critical
    delay(delay_length);
  }
  return omp_get_wtime() - t;
}

static double bench_lock(int reps) {
  int n = omp_get_max_threads();
  double t = omp_get_wtime();
#pragma omp parallel
  for (int j = 0; j < reps / n; j++) {
    omp_set_lock(&lock);
    delay(delay_length);
    omp_unset_lock(&lock);
  }
  return omp_get_wtime() - t;
}

static double bench_atomic(int reps) {
  int n = omp_get_max_threads();
  double t = omp_get_wtime();
#pragma omp parallel
  for (int j = 0; j < reps / n; j++) {
    delay(delay_length);
#pragma omp atomic
    counter++;
  }
  return omp_get_wtime() - t;
}

static double bench_reduction(int reps) {
  double t = omp_get_wtime();
  for (int j = 0; j < reps; j++) {
    int total = 0;
#pragma omp parallel reduction(+ : total)
    {
      delay(delay_length);
      total += 1;
    }
    counter += total;
  }
  return omp_get_wtime() - t;
}

struct construct {
  const char *name;
  double (*run)(int);
  int reps;
  /* How the delays of one run add up: 0 = reps delays in every thread at once (the reference
   * is reps serial delays), 1 = reps delays one after another (critical, lock: reps/n per
   * thread, serialised), 2 = reps/n delays per thread at once (atomic). */
  int reference_kind;
};

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  int outer = argc > 1 ? atoi(argv[1]) : 7;
  if (outer < 1 || outer > 64) outer = 7;
  delay_length = argc > 2 ? atoi(argv[2]) : DELAY;
  if (delay_length < 1) delay_length = DELAY;
  omp_init_lock(&lock);
  struct construct all[] = {
      {"parallel", bench_parallel, 2000, 0}, {"for", bench_for, 4000, 0},
      {"parallel_for", bench_parallel_for, 2000, 0}, {"barrier", bench_barrier, 4000, 0},
      {"single", bench_single, 4000, 0},     {"critical", bench_critical, 8000, 1},
      {"lock", bench_lock, 8000, 1},         {"atomic", bench_atomic, 8000, 2},
      {"reduction", bench_reduction, 2000, 0},
  };
  int n = omp_get_max_threads();
  for (size_t c = 0; c < sizeof all / sizeof all[0]; c++) {
    double samples[64];
    /* Warm up, untimed: threads started, code compiled and optimised. As for the MPI ping-pong,
     * what is measured is a job's steady state: a runtime written in JavaScript has its fork and
     * join compiled by V8 only after some 20 000 regions (the first thousands cost several
     * microseconds each), which one run of a construct does not reach. */
    for (int w = 0; w < WARMUP_RUNS; w++) all[c].run(all[c].reps);
    for (int o = 0; o < outer; o++) {
      int reps = all[c].reps;
      double test = all[c].run(reps);
      int count = all[c].reference_kind == 0 ? reps : all[c].reference_kind == 1 ? reps / n * n : reps / n;
      samples[o] = (test - reference(count)) / count * 1e6;
    }
    qsort(samples, outer, sizeof samples[0], compare);
    printf("%s %.4f\n", all[c].name, samples[outer / 2]);
  }
  omp_destroy_lock(&lock);
  return counter < 0;
}
