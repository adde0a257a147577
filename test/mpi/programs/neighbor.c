/* Neighbourhood collectives on Cartesian grids (periodic in one dimension, not in the other):
 * allgather, alltoall, their v forms and a nonblocking one. Blocks of neighbours past the edge
 * stay untouched; with a periodic dimension of size 1 or 2 a rank is its own or a double
 * neighbour, which tells directions apart. */
#include <mpi.h>
#include <stdio.h>
#include "check.h"

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int dims[2] = {0, 0}, periods[2] = {1, 0};
  MPI_Dims_create(size, 2, dims);
  MPI_Comm grid;
  MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 0, &grid);
  MPI_Comm_rank(grid, &rank);
  int nb[4];
  MPI_Cart_shift(grid, 0, 1, &nb[0], &nb[1]);
  MPI_Cart_shift(grid, 1, 1, &nb[2], &nb[3]);

  int got[4] = {-1, -1, -1, -1};
  MPI_Neighbor_allgather(&rank, 1, MPI_INT, got, 1, MPI_INT, grid);
  for (int k = 0; k < 4; k++) CHECK(got[k] == (nb[k] == MPI_PROC_NULL ? -1 : nb[k]), "allgather %d: %d", k, got[k]);

  /* Block k goes to neighbour k: it records the sender and the direction it was sent in. */
  int out[4], in[4] = {-1, -1, -1, -1};
  for (int k = 0; k < 4; k++) out[k] = rank * 10 + k;
  MPI_Neighbor_alltoall(out, 1, MPI_INT, in, 1, MPI_INT, grid);
  for (int k = 0; k < 4; k++) {
    int expect = nb[k] == MPI_PROC_NULL ? -1 : nb[k] * 10 + (k ^ 1);
    CHECK(in[k] == expect, "alltoall %d: %d, expected %d", k, in[k], expect);
  }

  int sc[4] = {1, 2, 1, 2}, sd[4] = {0, 1, 3, 4}, o6[6], i6[6] = {-1, -1, -1, -1, -1, -1};
  int rc[4] = {2, 1, 2, 1}, rd[4] = {0, 2, 3, 5};
  for (int i = 0; i < 6; i++) o6[i] = rank * 100 + i;
  MPI_Neighbor_alltoallv(o6, sc, sd, MPI_INT, i6, rc, rd, MPI_INT, grid);
  int rcg[4] = {1, 1, 1, 1}, rdg[4] = {3, 2, 1, 0}, g4[4] = {-1, -1, -1, -1};
  MPI_Request req;
  MPI_Ineighbor_allgatherv(&rank, 1, MPI_INT, g4, rcg, rdg, MPI_INT, grid, &req);
  MPI_Wait(&req, MPI_STATUS_IGNORE);
  for (int k = 0; k < 4; k++) CHECK(g4[3 - k] == (nb[k] == MPI_PROC_NULL ? -1 : nb[k]), "allgatherv %d", k);

  printf("rank %d (%dx%d): alltoall %d %d %d %d alltoallv %d %d %d %d %d %d\n", rank, dims[0], dims[1], in[0], in[1],
         in[2], in[3], i6[0], i6[1], i6[2], i6[3], i6[4], i6[5]);
  MPI_Comm_free(&grid);
  MPI_Finalize();
  return 0;
}
