// Sleeps for argv[1] milliseconds, then prints and exits with argv[2] (default 0).
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int main(int argc, char **argv) {
  long ms = argc > 1 ? atol(argv[1]) : 100;
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
  printf("slept %ld ms\n", ms);
  return argc > 2 ? atoi(argv[2]) : 0;
}
