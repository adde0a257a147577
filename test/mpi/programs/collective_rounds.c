/* Rounds of collectives, for counting cross-host messages: locality-aware collectives cross
 * hosts a fixed number of times per round, however many ranks each host runs. */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  long total = 0;
  for (int round = 0; round < 20; round++) {
    MPI_Barrier(MPI_COMM_WORLD);
    int v = rank == 0 ? round : -1;
    MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD);
    int s;
    MPI_Allreduce(&v, &s, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    int r = 0;
    MPI_Reduce(&rank, &r, 1, MPI_INT, MPI_MAX, 0, MPI_COMM_WORLD);
    total += s + r;
  }
  if (rank == 0) printf("total %ld\n", total);
  MPI_Finalize();
  return 0;
}
