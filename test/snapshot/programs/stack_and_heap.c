// Calls a control point (MPI_Barrier, imported directly) from inside recursive frames whose
// locals, a heap array and static data all feed the output: a restore that loses or mixes any of
// them prints something else.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef __wasm__
__attribute__((import_module("mpi"), import_name("MPI_Barrier"))) int MPI_Barrier(int comm);
#else
// Natively the control point does nothing: the output must not depend on it.
static int MPI_Barrier(int comm) { return comm * 0; }
#endif

static uint64_t statics[64];

static uint64_t step(uint64_t *heap, int n, int depth, uint64_t acc) {
  uint64_t local = acc * 6364136223846793005ULL + (uint64_t)depth;
  if (depth > 0) local ^= step(heap, n, depth - 1, local);
  for (int i = 0; i < n; i++) heap[i] = heap[i] * 31 + local + (uint64_t)i;
  statics[depth % 64] += local;
  MPI_Barrier(depth);
  return local + heap[depth % n];
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 20;
  int n = 1000;
  uint64_t *heap = malloc(sizeof(uint64_t) * (size_t)n);
  for (int i = 0; i < n; i++) heap[i] = (uint64_t)i;
  uint64_t acc = 1;
  for (int r = 0; r < rounds; r++) {
    acc = step(heap, n, 3, acc + (uint64_t)r);
    uint64_t s = 0;
    for (int i = 0; i < 64; i++) s += statics[i];
    printf("round %d acc %016llx statics %016llx\n", r, (unsigned long long)acc, (unsigned long long)s);
  }
  free(heap);
  return 0;
}
