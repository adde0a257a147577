// A token passes around the ring of ranks several times, each rank adding its rank number;
// then an allreduce and a barrier. Rank 0 prints the results; every rank checks them.
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int laps = 5;
  long token = 0;
  for (int lap = 0; lap < laps; lap++) {
    if (rank == 0) {
      token += rank;
      MPI_Send(&token, 1, MPI_LONG, (rank + 1) % size, lap, MPI_COMM_WORLD);
      MPI_Recv(&token, 1, MPI_LONG, size - 1, lap, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else {
      MPI_Recv(&token, 1, MPI_LONG, rank - 1, lap, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      token += rank;
      MPI_Send(&token, 1, MPI_LONG, (rank + 1) % size, lap, MPI_COMM_WORLD);
    }
    MPI_Barrier(MPI_COMM_WORLD);
  }
  long expected = (long)laps * size * (size - 1) / 2;
  long mine = rank + 1, total = 0;
  MPI_Allreduce(&mine, &total, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) printf("ranks %d token %ld (expected %ld) allreduce %ld\n", size, token, expected, total);
  int ok = (rank != 0 || token == expected) && total == (long)size * (size + 1) / 2;
  MPI_Finalize();
  return ok ? 0 : 1;
}
