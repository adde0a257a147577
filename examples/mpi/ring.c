/* Ring: a token of `len` ints travels around all ranks `laps` times; every rank adds its rank
 * to each element as it passes. Validates the final token and reports the time per hop.
 * Usage: ring [laps] [len] */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int laps = argc > 1 ? atoi(argv[1]) : 100;
  int len = argc > 2 ? atoi(argv[2]) : 1024;
  int *token = calloc((size_t)len, sizeof(int));
  int next = (rank + 1) % size, prev = (rank + size - 1) % size;

  MPI_Barrier(MPI_COMM_WORLD);
  double t0 = MPI_Wtime();
  for (int lap = 0; lap < laps; lap++) {
    if (rank == 0) {
      for (int i = 0; i < len; i++) token[i] += rank;
      MPI_Send(token, len, MPI_INT, next, lap, MPI_COMM_WORLD);
      MPI_Recv(token, len, MPI_INT, prev, lap, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else {
      MPI_Recv(token, len, MPI_INT, prev, lap, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      for (int i = 0; i < len; i++) token[i] += rank;
      MPI_Send(token, len, MPI_INT, next, lap, MPI_COMM_WORLD);
    }
  }
  double elapsed = MPI_Wtime() - t0;

  int ok = 1;
  if (rank == 0) {
    long expect = (long)laps * size * (size - 1) / 2;
    for (int i = 0; i < len; i++) ok &= token[i] == expect;
    printf("ring: %d ranks, %d laps of %d ints: token %d, expected %ld\n", size, laps, len, token[0], expect);
    printf("ring: %s\n", ok ? "VALID" : "INVALID");
    fprintf(stderr, "ring: %.2f us per hop\n", elapsed / ((double)laps * size) * 1e6);
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
  free(token);
  MPI_Finalize();
  return ok ? 0 : 1;
}
