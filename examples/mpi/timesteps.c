// Time steps with point-to-point traffic and a barrier each: a program whose ranks granny can
// migrate at any step. State lives on the stack, the heap and in globals, so a rank moved at a
// barrier must carry all of it. Steps are paced (argv[2] microseconds) so that an operator has
// time to ask for migrations while it runs. Rank 0 prints a digest every 25 steps; every rank
// checks what it received. With ballast_mib > 0 each rank also fills that much heap with a
// pattern and checks it at the end (snapshots of that size must carry it intact).
// Usage: timesteps [steps] [pace_us] [ballast_mib]
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static unsigned long long global_sum = 0;

static unsigned long long mix(unsigned long long x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int iterations = argc > 1 ? atoi(argv[1]) : 100;
  long pace_us = argc > 2 ? atol(argv[2]) : 10000;
  long ballast_mib = argc > 3 ? atol(argv[3]) : 0;
  size_t ballast_words = (size_t)ballast_mib * 1024 * 1024 / sizeof(unsigned long long);
  unsigned long long *ballast = ballast_words ? malloc(ballast_words * sizeof *ballast) : NULL;
  for (size_t i = 0; i < ballast_words; i++) ballast[i] = mix((unsigned long long)rank << 40 ^ i);
  const int n = 4096;
  unsigned long long *heap = malloc(n * sizeof *heap);
  unsigned long long *received = calloc(n, sizeof *received);
  for (int i = 0; i < n; i++) heap[i] = mix((unsigned long long)rank * n + i);
  unsigned long long local = 0;
  for (int it = 0; it < iterations; it++) {
    unsigned long long out = mix(heap[it % n] + (unsigned long long)it), in = 0;
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    MPI_Sendrecv(&out, 1, MPI_UNSIGNED_LONG_LONG, right, it, &in, 1, MPI_UNSIGNED_LONG_LONG, left, it,
                 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    // What the left neighbour must have sent, computed independently of its memory.
    unsigned long long expect = mix(mix((unsigned long long)left * n + it % n) + (unsigned long long)it);
    if (in != expect) {
      fprintf(stderr, "rank %d iteration %d: received %llu, expected %llu\n", rank, it, in, expect);
      MPI_Abort(MPI_COMM_WORLD, 3);
    }
    local += in;
    global_sum += out;
    received[it % n] = in;
    struct timespec ts = {0, pace_us * 1000L};
    nanosleep(&ts, NULL);
    MPI_Barrier(MPI_COMM_WORLD);
    if ((it + 1) % 25 == 0) {
      unsigned long long total = 0, mine = local ^ global_sum;
      for (int i = 0; i < n; i++) mine ^= mix(received[i] + (unsigned long long)i);
      MPI_Reduce(&mine, &total, 1, MPI_UNSIGNED_LONG_LONG, MPI_BXOR, 0, MPI_COMM_WORLD);
      if (rank == 0) printf("after %d iterations: digest %016llx\n", it + 1, total);
    }
  }
  for (size_t i = 0; i < ballast_words; i++) {
    if (ballast[i] != mix((unsigned long long)rank << 40 ^ i)) {
      fprintf(stderr, "rank %d: ballast word %zu corrupted\n", rank, i);
      MPI_Abort(MPI_COMM_WORLD, 4);
    }
  }
  free(ballast);
  free(heap);
  free(received);
  MPI_Finalize();
  return 0;
}
