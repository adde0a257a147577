// A C++ MPI program: mpi.h's extern "C" guards keep the imports unmangled.
#include <mpi.h>
#include <cstdio>
#include <numeric>
#include <vector>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  std::vector<int> all(size);
  MPI_Allgather(&rank, 1, MPI_INT, all.data(), 1, MPI_INT, MPI_COMM_WORLD);
  if (rank == 0) std::printf("c++ sum of ranks %d\n", std::accumulate(all.begin(), all.end(), 0));
  MPI_Finalize();
  return 0;
}
