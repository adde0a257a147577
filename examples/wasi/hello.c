// Each granule of a plain WASI job prints who it is and does a little work of its own.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  const char *who = argc > 1 ? argv[1] : "world";
  // A deterministic bit of compute so the output can be checked: the sum of the first n squares.
  long n = argc > 2 ? atol(argv[2]) : 1000;
  long long sum = 0;
  for (long i = 1; i <= n; i++) sum += (long long)i * i;
  long long expected = (long long)n * (n + 1) * (2 * n + 1) / 6;
  printf("hello, %s: sum of %ld squares is %lld\n", who, n, sum);
  if (sum != expected) {
    fprintf(stderr, "wrong sum: %lld != %lld\n", sum, expected);
    return 1;
  }
  return 0;
}
