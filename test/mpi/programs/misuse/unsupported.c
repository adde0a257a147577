/* Uses one-sided communication, which granny declares but does not implement. */
#include <mpi.h>
int main(int argc, char **argv) {
  int buf[4];
  MPI_Win win;
  MPI_Init(&argc, &argv);
  MPI_Win_create(buf, sizeof buf, sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);
  MPI_Win_fence(0, win);
  MPI_Win_free(&win);
  MPI_Finalize();
  return 0;
}
