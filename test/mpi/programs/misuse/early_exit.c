/* Every rank returns before MPI_Init when given an argument (nothing is wrong: no rank called
 * it); without one, a plain exchange. */
#include <mpi.h>
#include <stdio.h>
int main(int argc, char **argv) {
  if (argc > 1) return 0;
  int rank;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Barrier(MPI_COMM_WORLD);
  MPI_Finalize();
  return 0;
}
