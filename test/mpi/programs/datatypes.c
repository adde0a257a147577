/* Derived datatypes: contiguous, vector (a matrix column), indexed, struct, resized; sizes and
 * extents; a column sent as a vector and received as contiguous ints; Get_count with derived
 * types; collectives over derived types (OpenMPI rejects predefined reduction operations on derived
 * types, so reductions here stay on predefined ones). */
#include <mpi.h>
#include <stdio.h>
#include "check.h"

#define N 6

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int right = (rank + 1) % size, left = (rank + size - 1) % size;

  MPI_Datatype triple, column, every_other, pairs;
  MPI_Type_contiguous(3, MPI_DOUBLE, &triple);
  MPI_Type_vector(N, 1, N, MPI_INT, &column);
  MPI_Type_vector(3, 2, 4, MPI_SHORT, &every_other);
  int bl[3] = {1, 2, 1}, disp[3] = {0, 3, 7};
  MPI_Type_indexed(3, bl, disp, MPI_INT, &pairs);
  MPI_Type_commit(&triple);
  MPI_Type_commit(&column);
  MPI_Type_commit(&every_other);
  MPI_Type_commit(&pairs);
  int sz;
  MPI_Aint lb, extent;
  MPI_Type_size(triple, &sz);
  MPI_Type_get_extent(triple, &lb, &extent);
  if (rank == 0) printf("triple size %d extent %ld\n", sz, (long)extent);
  MPI_Type_size(column, &sz);
  MPI_Type_get_extent(column, &lb, &extent);
  if (rank == 0) printf("column size %d extent %ld\n", sz, (long)extent);
  MPI_Type_size(every_other, &sz);
  MPI_Type_get_extent(every_other, &lb, &extent);
  if (rank == 0) printf("every_other size %d extent %ld\n", sz, (long)extent);
  MPI_Type_size(pairs, &sz);
  MPI_Type_get_extent(pairs, &lb, &extent);
  if (rank == 0) printf("indexed size %d extent %ld\n", sz, (long)extent);

  /* Send column `rank % N` of a matrix; receive it as N contiguous ints. */
  int m[N][N], col[N];
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) m[i][j] = rank * 100 + i * 10 + j;
  MPI_Status st;
  MPI_Sendrecv(&m[0][rank % N], 1, column, right, 0, col, N, MPI_INT, left, 0, MPI_COMM_WORLD, &st);
  for (int i = 0; i < N; i++) CHECK(col[i] == left * 100 + i * 10 + left % N, "column %d", col[i]);
  int count;
  MPI_Get_count(&st, column, &count);
  CHECK(count == 1, "count of columns %d", count);
  MPI_Get_count(&st, MPI_INT, &count);
  CHECK(count == N, "count of ints %d", count);

  /* Vectors whose elements are not 4-byte aligned: single shorts three apart, pairs of chars
   * five apart; sent as vectors, received as vectors at another offset. */
  {
    MPI_Datatype shorts, chars;
    MPI_Type_vector(7, 1, 3, MPI_SHORT, &shorts);
    MPI_Type_vector(6, 2, 5, MPI_CHAR, &chars);
    MPI_Type_commit(&shorts);
    MPI_Type_commit(&chars);
    short sv[24], rv[24];
    char cv[40], rc[40];
    for (int i = 0; i < 24; i++) sv[i] = (short)(rank * 1000 + i), rv[i] = -1;
    for (int i = 0; i < 40; i++) cv[i] = (char)(rank * 7 + i), rc[i] = 0;
    MPI_Sendrecv(&sv[1], 1, shorts, right, 7, &rv[2], 1, shorts, left, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Sendrecv(&cv[3], 1, chars, right, 8, &rc[1], 1, chars, left, 8, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    for (int i = 0; i < 24; i++) {
      int in = i >= 2 && (i - 2) % 3 == 0 && (i - 2) / 3 < 7;
      CHECK(rv[i] == (in ? (short)(left * 1000 + 1 + (i - 2)) : -1), "short vector at %d: %d", i, rv[i]);
    }
    for (int i = 0; i < 40; i++) {
      int k = i - 1, in = k >= 0 && k % 5 < 2 && k / 5 < 6;
      CHECK(rc[i] == (in ? (char)(left * 7 + 3 + k) : 0), "char vector at %d: %d", i, rc[i]);
    }
    if (rank == 0) printf("unaligned vectors: %d %d %d\n", rv[2], rv[5], rc[7]);
    MPI_Type_free(&shorts);
    MPI_Type_free(&chars);
  }

  /* Receive contiguous ints into a column (vector on the receiving side). */
  int mm[N][N] = {{0}};
  int row[N];
  for (int j = 0; j < N; j++) row[j] = rank + j;
  MPI_Sendrecv(row, N, MPI_INT, right, 1, &mm[0][1], 1, column, left, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  for (int i = 0; i < N; i++) CHECK(mm[i][1] == left + i && mm[i][0] == 0 && mm[i][2] == 0, "into column");

  /* Two columns at once: count 2 of a resized column type steps one int. */
  MPI_Datatype col1;
  MPI_Type_create_resized(column, 0, sizeof(int), &col1);
  MPI_Type_commit(&col1);
  int two[2 * N];
  MPI_Sendrecv(&m[0][2], 2, col1, right, 2, two, 2 * N, MPI_INT, left, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  for (int i = 0; i < N; i++) CHECK(two[i] == left * 100 + i * 10 + 2 && two[N + i] == left * 100 + i * 10 + 3, "resized");

  /* Bcast and Allreduce over derived types. */
  double t[2][3];
  for (int k = 0; k < 6; k++) t[k / 3][k % 3] = rank == 0 ? k * 1.5 : -1;
  MPI_Bcast(t, 2, triple, 0, MPI_COMM_WORLD);
  CHECK(t[1][2] == 7.5, "bcast triple");
  int ix[8], got[8] = {0};
  for (int i = 0; i < 8; i++) ix[i] = rank * 8 + i;
  MPI_Sendrecv(ix, 1, pairs, right, 3, got, 1, pairs, left, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  printf("rank %d indexed: %d %d %d %d %d %d %d %d\n", rank, got[0], got[1], got[2], got[3], got[4], got[5], got[6],
         got[7]);

  /* Struct: an int and a double, as in a C struct with padding. */
  struct rec { int id; double w; } r = {rank, rank * 0.25}, recs[64];
  int sbl[2] = {1, 1};
  MPI_Aint sd[2], base;
  MPI_Get_address(&r, &base);
  MPI_Get_address(&r.id, &sd[0]);
  MPI_Get_address(&r.w, &sd[1]);
  sd[0] -= base, sd[1] -= base;
  MPI_Datatype stypes[2] = {MPI_INT, MPI_DOUBLE}, rt;
  MPI_Type_create_struct(2, sbl, sd, stypes, &rt);
  MPI_Type_commit(&rt);
  MPI_Type_get_extent(rt, &lb, &extent);
  CHECK(extent == sizeof(struct rec), "struct extent %ld", (long)extent);
  MPI_Allgather(&r, 1, rt, recs, 1, rt, MPI_COMM_WORLD);
  for (int k = 0; k < size; k++) CHECK(recs[k].id == k && recs[k].w == k * 0.25, "struct allgather");

  MPI_Type_free(&rt);
  MPI_Type_free(&col1);
  MPI_Type_free(&triple);
  MPI_Type_free(&column);
  MPI_Type_free(&every_other);
  MPI_Type_free(&pairs);
  CHECK(triple == MPI_DATATYPE_NULL, "type freed");
  MPI_Finalize();
  return 0;
}
