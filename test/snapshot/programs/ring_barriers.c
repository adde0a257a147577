// An MPI program for migration tests: many barriers, and point-to-point traffic that crosses
// them. Every iteration each rank sends small eager messages to both neighbours *before* its one
// barrier and receives them after it, so a rank captured at any barrier carries messages that
// are in its inbox but not yet received; then a large exchange and, every few iterations, a
// collective. Locals, heap arrays and the call stack all feed the printed digests, so any state
// lost or mixed up by a migration changes the output. Only rank 0 prints.
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SMALL 96   /* uint64 words: under OpenMPI's eager limit, so a send before a barrier completes */
#define LARGE 8192 /* uint64 words: 64 KiB, exchanged outside barriers */

static uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0x100000001b3ULL;
}

/* A barrier reached from a few frames down, with live locals in each frame. */
static uint64_t nested_barrier(int depth, uint64_t seed) {
  uint64_t here = mix(seed, (uint64_t)depth);
  if (depth > 0) here = mix(here, nested_barrier(depth - 1, here));
  else MPI_Barrier(MPI_COMM_WORLD);
  return here;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int iterations = argc > 1 ? atoi(argv[1]) : 60;
  int right = (rank + 1) % size, left = (rank + size - 1) % size;

  uint64_t *field = malloc(sizeof(uint64_t) * LARGE);
  uint64_t *incoming = malloc(sizeof(uint64_t) * LARGE);
  uint64_t small_out[SMALL], small_in[SMALL];
  for (int i = 0; i < LARGE; i++) field[i] = (uint64_t)rank * 1000003u + (uint64_t)i;
  uint64_t digest = 1469598103934665603ULL;

  for (int it = 0; it < iterations; it++) {
    for (int i = 0; i < LARGE; i++) field[i] = mix(field[i], (uint64_t)it);
    for (int i = 0; i < SMALL; i++) small_out[i] = field[(i * 37 + it) % LARGE] ^ (uint64_t)rank;
    /* Sent before the barrier, received after it: in the receiver's inbox during the barrier. */
    MPI_Send(small_out, SMALL, MPI_UINT64_T, right, it, MPI_COMM_WORLD);
    MPI_Send(small_out, SMALL / 2, MPI_UINT64_T, left, 100000 + it, MPI_COMM_WORLD);
    if (it % 3 == 0) digest = mix(digest, nested_barrier(3, digest));
    else MPI_Barrier(MPI_COMM_WORLD);
    MPI_Status status;
    MPI_Recv(small_in, SMALL / 2, MPI_UINT64_T, right, 100000 + it, MPI_COMM_WORLD, &status);
    for (int i = 0; i < SMALL / 2; i++) digest = mix(digest, small_in[i]);
    MPI_Recv(small_in, SMALL, MPI_UINT64_T, MPI_ANY_SOURCE, it, MPI_COMM_WORLD, &status);
    digest = mix(digest, (uint64_t)status.MPI_SOURCE);
    for (int i = 0; i < SMALL; i++) digest = mix(digest, small_in[i]);
    MPI_Sendrecv(field, LARGE, MPI_UINT64_T, right, 7, incoming, LARGE, MPI_UINT64_T, left, 7, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    for (int i = 0; i < LARGE; i += 64) field[i] ^= incoming[i];
    if (it % 5 == 4) {
      long long part = (long long)(digest & 0xffffff), total = 0;
      MPI_Allreduce(&part, &total, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
      if (rank == 0) printf("iteration %d total %lld\n", it, total);
    }
  }

  if (rank == 0) {
    printf("rank 0 digest %016llx\n", (unsigned long long)digest);
    for (int r = 1; r < size; r++) {
      uint64_t d;
      MPI_Recv(&d, 1, MPI_UINT64_T, r, 42, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      printf("rank %d digest %016llx\n", r, (unsigned long long)d);
    }
  } else {
    MPI_Send(&digest, 1, MPI_UINT64_T, 0, 42, MPI_COMM_WORLD);
  }
  free(field);
  free(incoming);
  MPI_Finalize();
  return 0;
}
