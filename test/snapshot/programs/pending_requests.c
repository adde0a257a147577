// Nonblocking requests that stay open across barriers: rank 0 posts a receive from rank 1 before
// each barrier and rank 1 sends after it; the last rank starts a send to rank 0 before the
// barrier and completes it after. Ranks 1 and 2 hold nothing across barriers, so they can be
// migrated; rank 0 and the last rank cannot be captured while their requests are open.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int iterations = argc > 1 ? atoi(argv[1]) : 30;
  long long acc = 0;
  for (int it = 0; it < iterations; it++) {
    long long mine = (long long)rank * 1000 + it, from1 = 0, fromLast = 0, work = 0;
    MPI_Request r1 = MPI_REQUEST_NULL, rl = MPI_REQUEST_NULL, sl = MPI_REQUEST_NULL;
    if (rank == 0) {
      MPI_Irecv(&from1, 1, MPI_LONG_LONG, 1, it, MPI_COMM_WORLD, &r1);
      MPI_Irecv(&fromLast, 1, MPI_LONG_LONG, size - 1, 500 + it, MPI_COMM_WORLD, &rl);
    }
    if (rank == size - 1) MPI_Isend(&mine, 1, MPI_LONG_LONG, 0, 500 + it, MPI_COMM_WORLD, &sl);
    for (int i = 0; i < 20000; i++) work += (mine * i) % 7;
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1) MPI_Send(&mine, 1, MPI_LONG_LONG, 0, it, MPI_COMM_WORLD);
    if (rank == 0) {
      MPI_Wait(&r1, MPI_STATUS_IGNORE);
      MPI_Wait(&rl, MPI_STATUS_IGNORE);
      acc += from1 * 3 + fromLast * 7 + work;
    }
    if (rank == size - 1) MPI_Wait(&sl, MPI_STATUS_IGNORE);
  }
  if (rank == 0) printf("acc %lld\n", acc);
  MPI_Finalize();
  return 0;
}
