// A thread-style entry over an imported shared memory, as an OpenMP worker would use: the host
// supplies the memory and calls square_into instead of _start.
#include <stdio.h>

__attribute__((export_name("square_into"))) void square_into(int *out, int n) {
  *out = n * n;
  printf("square_into(%d) wrote %d\n", n, n * n);
  fflush(stdout);
}
