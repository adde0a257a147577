/* The OpenMP warm-up exercise (wasm-host/omp/warm-up.ts runs it in idle pooled workers): the
 * constructs a typical program uses, region after region, so that V8 has optimised the
 * runtime's fork, join, loops and barriers before a job's threads need them. It stops after
 * `rounds` rounds, or as soon as the host asks (a launch took one of the workers). */
#include <omp.h>

__attribute__((import_module("granny_warm_up"), import_name("should_stop"))) int should_stop(void);
__attribute__((import_module("granny_warm_up"), import_name("rounds"))) int rounds(void);
__attribute__((import_module("granny_warm_up"), import_name("done"))) void done(int rounds, double checksum);

static double data[256];

int main(void) {
  int n = rounds();
  double checksum = 0;
  int r = 0;
  for (; r < n && !should_stop(); r++) {
    double sum = 0;
    int counter = 0;
#pragma omp parallel
    {
#pragma omp for
      for (int i = 0; i < 256; i++) data[i] = i * 0.5 + r;
#pragma omp for schedule(dynamic, 16) reduction(+ : sum)
      for (int i = 0; i < 256; i++) sum += data[i];
#pragma omp barrier
#pragma omp single
      counter += 1;
#pragma omp critical
      counter += 1;
#pragma omp atomic
      counter += 1;
    }
#pragma omp parallel for schedule(static, 8)
    for (int i = 0; i < 256; i++) data[i] *= 0.5;
    checksum += sum + counter;
  }
  done(r, checksum);
  return 0;
}
