/* Persistent requests (Send_init, Recv_init, Startall, Wait on inactive requests),
 * MPI_Comm_split_type(MPI_COMM_TYPE_SHARED) and subarray datatypes in C and Fortran order. */
#include <mpi.h>
#include <stdio.h>
#include "check.h"

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int right = (rank + 1) % size, left = (rank + size - 1) % size;

  /* The same two requests restarted every round. */
  int out, in, sum = 0;
  MPI_Request req[2];
  MPI_Recv_init(&in, 1, MPI_INT, left, 4, MPI_COMM_WORLD, &req[0]);
  MPI_Send_init(&out, 1, MPI_INT, right, 4, MPI_COMM_WORLD, &req[1]);
  for (int round = 0; round < 10; round++) {
    out = rank * 100 + round;
    MPI_Startall(2, req);
    MPI_Status st[2];
    MPI_Waitall(2, req, st);
    CHECK(in == left * 100 + round && st[0].MPI_SOURCE == left, "persistent round %d got %d", round, in);
    CHECK(req[0] != MPI_REQUEST_NULL && req[1] != MPI_REQUEST_NULL, "persistent handles stay");
    sum += in;
  }
  MPI_Status idle;
  MPI_Wait(&req[0], &idle);
  CHECK(idle.MPI_SOURCE == MPI_ANY_SOURCE && idle.MPI_TAG == MPI_ANY_TAG, "wait on an inactive request");
  MPI_Start(&req[0]);
  out = -1;
  MPI_Send(&out, 1, MPI_INT, right, 4, MPI_COMM_WORLD);
  MPI_Wait(&req[0], MPI_STATUS_IGNORE);
  CHECK(in == -1, "restart after waiting");
  MPI_Request_free(&req[0]);
  MPI_Request_free(&req[1]);
  CHECK(req[0] == MPI_REQUEST_NULL, "persistent request freed");
  printf("rank %d: persistent sum %d\n", rank, sum);

  /* Shared-memory communicators: every rank is in exactly one, and they cover the world. */
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
  int nrank, nsize, total = 0, leader;
  MPI_Comm_rank(node, &nrank);
  MPI_Comm_size(node, &nsize);
  leader = nrank == 0 ? nsize : 0;
  MPI_Allreduce(&leader, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  CHECK(total == size && nsize >= 1, "shared communicators cover the world: %d", total);
  MPI_Comm_free(&node);

  /* A 3x4 block at (1,2) of a 6x8 int array, in C order, and the same in Fortran order. */
  int a[6][8], block[12], sizes[2] = {6, 8}, sub[2] = {3, 4}, starts[2] = {1, 2};
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 8; j++) a[i][j] = rank * 1000 + i * 10 + j;
  MPI_Datatype cblock, fblock;
  MPI_Type_create_subarray(2, sizes, sub, starts, MPI_ORDER_C, MPI_INT, &cblock);
  MPI_Type_commit(&cblock);
  MPI_Sendrecv(a, 1, cblock, right, 5, block, 12, MPI_INT, left, 5, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 4; j++) CHECK(block[i * 4 + j] == left * 1000 + (i + 1) * 10 + j + 2, "c subarray");
  int fsizes[2] = {8, 6}, fsub[2] = {4, 3}, fstarts[2] = {2, 1};
  MPI_Type_create_subarray(2, fsizes, fsub, fstarts, MPI_ORDER_FORTRAN, MPI_INT, &fblock);
  MPI_Type_commit(&fblock);
  int b[6][8] = {{0}};
  MPI_Sendrecv(block, 12, MPI_INT, right, 6, b, 1, fblock, left, 6, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  int size_c, ok = 1;
  MPI_Aint lb, extent;
  MPI_Type_size(cblock, &size_c);
  MPI_Type_get_extent(cblock, &lb, &extent);
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 8; j++) {
      int inside = i >= 1 && i < 4 && j >= 2 && j < 6;
      int from = (left + size - 1) % size;
      ok &= inside ? b[i][j] == from * 1000 + i * 10 + j : b[i][j] == 0;
    }
  CHECK(ok, "fortran subarray");
  if (rank == 0) printf("subarray size %d extent %ld\n", size_c, (long)extent);
  MPI_Type_free(&cblock);
  MPI_Type_free(&fblock);
  MPI_Finalize();
  return 0;
}
