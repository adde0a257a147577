// Reads the WASI clocks: monotonic readings must never decrease; realtime is printed (ms since the
// epoch) for the test to compare with its own wall clock; CPU time and resolutions too.
#include <stdio.h>
#include <time.h>

static long long ns(struct timespec t) { return (long long)t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
  struct timespec t;
  long long prev = 0;
  int decreased = 0;
  for (int i = 0; i < 100000; i++) {
    clock_gettime(CLOCK_MONOTONIC, &t);
    long long now = ns(t);
    if (now < prev) decreased++;
    prev = now;
  }
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  volatile double x = 0;
  for (int i = 0; i < 2000000; i++) x += i * 0.5;
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("monotonic decreased %d times\n", decreased);
  printf("monotonic advanced %d\n", ns(b) > ns(a));
  clock_gettime(CLOCK_REALTIME, &t);
  printf("realtime_ms %lld\n", ns(t) / 1000000LL);
  struct timespec cpu;
  printf("cputime ok %d\n", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0 && ns(cpu) > 0);
  struct timespec res;
  printf("monotonic res ok %d\n", clock_getres(CLOCK_MONOTONIC, &res) == 0 && ns(res) > 0);
  return 0;
}
