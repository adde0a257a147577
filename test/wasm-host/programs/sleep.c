// Sleeps with usleep and nanosleep (poll_oneoff clock subscriptions) and checks on the monotonic
// clock that at least the requested time passed.  Usage: sleep [seconds-to-sleep-at-the-end]
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int main(int argc, char **argv) {
  long long a = now_ms();
  usleep(50000);
  long long b = now_ms();
  struct timespec req = {0, 100000000};
  nanosleep(&req, NULL);
  long long c = now_ms();
  printf("usleep(50ms) slept enough: %d\n", b - a >= 50);
  printf("nanosleep(100ms) slept enough: %d\n", c - b >= 100);
  printf("slept less than 1s: %d\n", c - a < 1000);
  fflush(stdout);
  if (argc > 1) sleep((unsigned)atoi(argv[1]));
  return 0;
}
