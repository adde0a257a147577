/* MPI_Pack / MPI_Unpack / MPI_Pack_size: a heterogeneous message (an int count, doubles and a
 * column of a matrix) packed, sent as MPI_PACKED around the ring and unpacked; 64-bit sizes. */
#include <mpi.h>
#include <stdio.h>
#include "check.h"

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int right = (rank + 1) % size, left = (rank + size - 1) % size;

  int m[4][4];
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) m[i][j] = rank * 100 + i * 4 + j;
  MPI_Datatype column;
  MPI_Type_vector(4, 1, 4, MPI_INT, &column);
  MPI_Type_commit(&column);

  int n = 3 + rank;
  double d[16];
  for (int i = 0; i < n; i++) d[i] = rank + i * 0.5;
  int need = 0, part;
  MPI_Pack_size(1, MPI_INT, MPI_COMM_WORLD, &part), need += part;
  MPI_Pack_size(16, MPI_DOUBLE, MPI_COMM_WORLD, &part), need += part;
  MPI_Pack_size(1, column, MPI_COMM_WORLD, &part), need += part;
  char buf[512], in[512];
  CHECK(need <= (int)sizeof buf, "pack size %d", need);
  int pos = 0;
  MPI_Pack(&n, 1, MPI_INT, buf, sizeof buf, &pos, MPI_COMM_WORLD);
  MPI_Pack(d, n, MPI_DOUBLE, buf, sizeof buf, &pos, MPI_COMM_WORLD);
  MPI_Pack(&m[0][rank % 4], 1, column, buf, sizeof buf, &pos, MPI_COMM_WORLD);
  MPI_Status st;
  MPI_Sendrecv(buf, pos, MPI_PACKED, right, 0, in, sizeof in, MPI_PACKED, left, 0, MPI_COMM_WORLD, &st);
  int got;
  MPI_Get_count(&st, MPI_PACKED, &got);

  int rn, rpos = 0, col[4];
  double rd[16];
  MPI_Unpack(in, got, &rpos, &rn, 1, MPI_INT, MPI_COMM_WORLD);
  CHECK(rn == 3 + left, "count %d", rn);
  MPI_Unpack(in, got, &rpos, rd, rn, MPI_DOUBLE, MPI_COMM_WORLD);
  MPI_Unpack(in, got, &rpos, col, 4, MPI_INT, MPI_COMM_WORLD);
  CHECK(rpos == got, "unpacked %d of %d", rpos, got);
  for (int i = 0; i < rn; i++) CHECK(rd[i] == left + i * 0.5, "double %d", i);
  for (int i = 0; i < 4; i++) CHECK(col[i] == left * 100 + i * 4 + left % 4, "column %d", i);

  MPI_Count sz, lb, ext;
  MPI_Type_size_x(column, &sz);
  MPI_Type_get_extent_x(column, &lb, &ext);
  CHECK(sz == 16 && lb == 0 && ext == 52, "64-bit sizes %lld %lld %lld", (long long)sz, (long long)lb, (long long)ext);
  printf("rank %d: unpacked %d doubles from rank %d, last %g, column sum %d\n", rank, rn, left, rd[rn - 1],
         col[0] + col[1] + col[2] + col[3]);
  MPI_Type_free(&column);
  MPI_Finalize();
  return 0;
}
