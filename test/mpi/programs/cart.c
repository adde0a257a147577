/* Cartesian topologies: Dims_create, Cart_create (periodic and not), coordinates, ranks,
 * shifts, Cart_sub, and a halo exchange along both dimensions. */
#include <mpi.h>
#include <stdio.h>
#include "check.h"

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  int tries[][3] = {{6, 2, 0}, {12, 2, 0}, {8, 3, 0}, {16, 2, 0}, {7, 2, 0}, {24, 3, 0}};
  if (rank == 0) {
    for (int t = 0; t < 6; t++) {
      int d[3] = {0, 0, 0};
      MPI_Dims_create(tries[t][0], tries[t][1], d);
      printf("dims_create(%d, %d) = %d %d %d\n", tries[t][0], tries[t][1], d[0], d[1], tries[t][1] > 2 ? d[2] : 0);
    }
    int fixed[2] = {0, 2};
    MPI_Dims_create(8, 2, fixed);
    printf("dims_create(8, [0 2]) = %d %d\n", fixed[0], fixed[1]);
  }

  int dims[2] = {0, 0}, periods[2] = {1, 0};
  MPI_Dims_create(size, 2, dims);
  MPI_Comm grid;
  MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 0, &grid);
  int gr, coords[2];
  MPI_Comm_rank(grid, &gr);
  MPI_Cart_coords(grid, gr, 2, coords);
  int back;
  MPI_Cart_rank(grid, coords, &back);
  CHECK(back == gr, "cart rank");
  int topo, nd;
  MPI_Topo_test(grid, &topo);
  MPI_Cartdim_get(grid, &nd);
  CHECK(topo == MPI_CART && nd == 2, "topo");
  int up, down, west, east;
  MPI_Cart_shift(grid, 0, 1, &up, &down);
  MPI_Cart_shift(grid, 1, 1, &west, &east);
  printf("rank %d: coords (%d,%d) shift0 %d %d shift1 %d %d\n", gr, coords[0], coords[1], up, down, west, east);

  /* Halo exchange: each rank sends its id to all four neighbours (MPI_PROC_NULL at edges). */
  int mine = 100 + gr, got[4] = {-1, -1, -1, -1};
  int nb[4] = {up, down, west, east};
  for (int k = 0; k < 4; k++) {
    int to = nb[k ^ 1];
    MPI_Sendrecv(&mine, 1, MPI_INT, to, k, &got[k], 1, MPI_INT, nb[k], k, grid, MPI_STATUS_IGNORE);
    CHECK(nb[k] == MPI_PROC_NULL ? got[k] == -1 : got[k] == 100 + nb[k], "halo %d", k);
  }

  /* Rows: keep dimension 1. */
  int remain[2] = {0, 1};
  MPI_Comm row;
  MPI_Cart_sub(grid, remain, &row);
  int rr, rs, rowsum;
  MPI_Comm_rank(row, &rr);
  MPI_Comm_size(row, &rs);
  MPI_Allreduce(&gr, &rowsum, 1, MPI_INT, MPI_SUM, row);
  CHECK(rs == dims[1] && rr == coords[1], "cart_sub");
  printf("rank %d: row %d has %d ranks, sum %d\n", gr, coords[0], rs, rowsum);
  int gdims[2], gper[2], gco[2];
  MPI_Cart_get(grid, 2, gdims, gper, gco);
  CHECK(gdims[0] == dims[0] && gper[0] == 1 && gper[1] == 0 && gco[1] == coords[1], "cart_get");

  /* A grid smaller than the communicator leaves some ranks out. */
  if (size >= 3) {
    int d1[1] = {size - 1}, p1[1] = {0};
    MPI_Comm line;
    MPI_Cart_create(MPI_COMM_WORLD, 1, d1, p1, 0, &line);
    CHECK((rank == size - 1) == (line == MPI_COMM_NULL), "cart excluded rank");
    if (line != MPI_COMM_NULL) MPI_Comm_free(&line);
  }
  MPI_Comm_free(&row);
  MPI_Comm_free(&grid);
  MPI_Finalize();
  return 0;
}
