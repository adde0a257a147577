// Grows linear memory well past 32 MiB, where node:wasi crashes Node 20 (nodejs/node#51303):
// allocates and touches 64 MiB, then 200 MiB, printing a checksum of each, and stdout after each
// growth (fd_write must read the new buffer).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t fill_and_sum(size_t bytes) {
  uint32_t *p = malloc(bytes);
  if (!p) {
    printf("malloc(%zu) failed\n", bytes);
    exit(3);
  }
  size_t n = bytes / sizeof *p;
  for (size_t i = 0; i < n; i++) p[i] = (uint32_t)(i * 2654435761u);
  uint64_t sum = 0;
  for (size_t i = 0; i < n; i += 7) sum += p[i] ^ (uint32_t)i;
  free(p);
  return sum;
}

int main(void) {
  printf("64 MiB checksum %llu\n", (unsigned long long)fill_and_sum((size_t)64 << 20));
  printf("200 MiB checksum %llu\n", (unsigned long long)fill_and_sum((size_t)200 << 20));
  return 0;
}
