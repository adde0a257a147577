// Touches the given number of MiB of heap with data that is not zero, then calls a control point
// (MPI_Barrier, imported directly) a few times: bench/snapshot.ts captures it at one of them.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((import_module("mpi"), import_name("MPI_Barrier"))) int MPI_Barrier(int comm);

int main(int argc, char **argv) {
  size_t mib = argc > 1 ? (size_t)atoi(argv[1]) : 1;
  size_t words = mib * 1024 * 1024 / 8;
  uint64_t *heap = malloc(words * 8);
  if (heap == NULL) return 3;
  uint64_t x = 88172645463325252ULL;
  for (size_t i = 0; i < words; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    heap[i] = x;
  }
  uint64_t sum = 0;
  for (int round = 0; round < 4; round++) {
    MPI_Barrier(round);
    for (size_t i = 0; i < words; i += 4096) sum += heap[i];
  }
  printf("%llu\n", (unsigned long long)sum);
  return 0;
}
