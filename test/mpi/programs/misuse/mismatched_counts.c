/* Rank 0 reduces one int, the others two: mismatched counts must fail the job, not corrupt
 * results or hang (on one host the allreduce goes through shared memory). */
#include <mpi.h>
int main(int argc, char **argv) {
  int rank, in[2] = {1, 2}, out[2] = {0, 0};
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Allreduce(in, out, rank == 0 ? 1 : 2, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  MPI_Finalize();
  return 0;
}
