/* Rank 0 waits as the root of a reduction while the other ranks enter a barrier: with every rank
 * on one host the barrier goes through shared memory and sends nothing, so the root must notice
 * the barrier itself rather than wait for contributions forever. */
#include <mpi.h>
int main(int argc, char **argv) {
  int rank, x = 1, sum = 0;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) MPI_Reduce(&x, &sum, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
  else MPI_Barrier(MPI_COMM_WORLD);
  MPI_Finalize();
  return 0;
}
