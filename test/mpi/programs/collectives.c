/* Collective conformance: every collective, with and without MPI_IN_PLACE, with roots other
 * than 0, printing what rank 0 ends up with so that the output can be compared with OpenMPI. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include "check.h"

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int root = size - 1;
  int *a = malloc(sizeof(int) * 4 * size * size + 64), *b = malloc(sizeof(int) * 4 * size * size + 64);
  int *counts = malloc(sizeof(int) * size), *displs = malloc(sizeof(int) * size);

  for (int i = 0; i < 3; i++) MPI_Barrier(MPI_COMM_WORLD);

  /* Bcast from the last rank. */
  int v[4] = {0, 0, 0, 0};
  if (rank == root) v[0] = 42, v[1] = -7, v[2] = 1 << 20, v[3] = size;
  MPI_Bcast(v, 4, MPI_INT, root, MPI_COMM_WORLD);
  CHECK(v[0] == 42 && v[1] == -7 && v[2] == 1 << 20 && v[3] == size, "bcast");
  double dv = rank == 0 ? 3.25 : 0;
  MPI_Bcast(&dv, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  CHECK(dv == 3.25, "bcast double");

  /* Reduce to root, and in place at the root. */
  long long mine = rank + 1, total = 0;
  MPI_Reduce(&mine, &total, 1, MPI_LONG_LONG, MPI_SUM, root, MPI_COMM_WORLD);
  if (rank == root) CHECK(total == (long long)size * (size + 1) / 2, "reduce %lld", total);
  int inplace[2] = {rank, 2 * rank};
  if (rank == 0) MPI_Reduce(MPI_IN_PLACE, inplace, 2, MPI_INT, MPI_MAX, 0, MPI_COMM_WORLD);
  else MPI_Reduce(inplace, NULL, 2, MPI_INT, MPI_MAX, 0, MPI_COMM_WORLD);
  if (rank == 0) printf("reduce in place max: %d %d\n", inplace[0], inplace[1]);

  /* Allreduce, plain and in place. */
  double x[3] = {rank, 1.0, -rank}, y[3];
  MPI_Allreduce(x, y, 3, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  CHECK(y[0] == size * (size - 1) / 2.0 && y[1] == size, "allreduce");
  int m = rank * 3 % 7;
  MPI_Allreduce(MPI_IN_PLACE, &m, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (rank == 0) printf("allreduce sum %g %g %g min %d\n", y[0], y[1], y[2], m);

  /* Gather / Gatherv. */
  int g[2] = {rank, rank * rank};
  MPI_Gather(g, 2, MPI_INT, a, 2, MPI_INT, root, MPI_COMM_WORLD);
  if (rank == root)
    for (int r = 0; r < size; r++) CHECK(a[2 * r] == r && a[2 * r + 1] == r * r, "gather %d", r);
  for (int r = 0; r < size; r++) counts[r] = r + 1, displs[r] = r * (r + 1) / 2;
  for (int i = 0; i <= rank; i++) b[i] = rank * 10 + i;
  MPI_Gatherv(b, rank + 1, MPI_INT, a, counts, displs, MPI_INT, 0, MPI_COMM_WORLD);
  if (rank == 0) {
    printf("gatherv:");
    for (int i = 0; i < size * (size + 1) / 2; i++) printf(" %d", a[i]);
    printf("\n");
  }
  if (rank == 0) {
    for (int i = 0; i < size; i++) a[i] = -1;
    a[0] = 5;
    MPI_Gather(MPI_IN_PLACE, 1, MPI_INT, a, 1, MPI_INT, 0, MPI_COMM_WORLD);
    CHECK(a[0] == 5, "gather in place");
  } else {
    int me = rank + 5;
    MPI_Gather(&me, 1, MPI_INT, NULL, 0, MPI_INT, 0, MPI_COMM_WORLD);
  }

  /* Scatter / Scatterv. */
  if (rank == 0)
    for (int i = 0; i < 3 * size; i++) a[i] = 1000 + i;
  int s3[3];
  MPI_Scatter(a, 3, MPI_INT, s3, 3, MPI_INT, 0, MPI_COMM_WORLD);
  CHECK(s3[0] == 1000 + 3 * rank && s3[2] == 1002 + 3 * rank, "scatter");
  if (rank == root)
    for (int i = 0; i < size * (size + 1) / 2; i++) a[i] = i;
  MPI_Scatterv(a, counts, displs, MPI_INT, b, rank + 1, MPI_INT, root, MPI_COMM_WORLD);
  for (int i = 0; i <= rank; i++) CHECK(b[i] == rank * (rank + 1) / 2 + i, "scatterv");

  /* Allgather / Allgatherv (and in place). */
  int pair[2] = {rank, -rank};
  MPI_Allgather(pair, 2, MPI_INT, a, 2, MPI_INT, MPI_COMM_WORLD);
  for (int r = 0; r < size; r++) CHECK(a[2 * r] == r && a[2 * r + 1] == -r, "allgather");
  for (int i = 0; i <= rank; i++) b[i] = rank;
  MPI_Allgatherv(b, rank + 1, MPI_INT, a, counts, displs, MPI_INT, MPI_COMM_WORLD);
  for (int r = 0; r < size; r++)
    for (int i = 0; i <= r; i++) CHECK(a[displs[r] + i] == r, "allgatherv");
  for (int r = 0; r < size; r++) a[r] = r == rank ? rank * 7 : -1;
  MPI_Allgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, a, 1, MPI_INT, MPI_COMM_WORLD);
  for (int r = 0; r < size; r++) CHECK(a[r] == r * 7, "allgather in place");

  /* Alltoall / Alltoallv. */
  for (int r = 0; r < size; r++) a[r] = rank * 100 + r;
  MPI_Alltoall(a, 1, MPI_INT, b, 1, MPI_INT, MPI_COMM_WORLD);
  for (int r = 0; r < size; r++) CHECK(b[r] == r * 100 + rank, "alltoall");
  int *sc = malloc(sizeof(int) * size), *sd = malloc(sizeof(int) * size);
  int *rc = malloc(sizeof(int) * size), *rd = malloc(sizeof(int) * size);
  int off = 0, roff = 0;
  for (int r = 0; r < size; r++) {
    sc[r] = r + 1, sd[r] = off, off += r + 1;
    rc[r] = rank + 1, rd[r] = roff, roff += rank + 1;
  }
  for (int i = 0; i < off; i++) a[i] = rank * 1000 + i;
  MPI_Alltoallv(a, sc, sd, MPI_INT, b, rc, rd, MPI_INT, MPI_COMM_WORLD);
  for (int r = 0; r < size; r++)
    for (int i = 0; i <= rank; i++) CHECK(b[rd[r] + i] == r * 1000 + rank * (rank + 1) / 2 + i, "alltoallv");
  for (int r = 0; r < size; r++) a[r] = rank * 100 + r;
  MPI_Alltoall(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, a, 1, MPI_INT, MPI_COMM_WORLD);
  for (int r = 0; r < size; r++) CHECK(a[r] == r * 100 + rank, "alltoall in place");

  /* Reduce_scatter, Reduce_scatter_block, Scan, Exscan. */
  for (int i = 0; i < size * (size + 1) / 2; i++) a[i] = i + rank;
  MPI_Reduce_scatter(a, b, counts, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  for (int i = 0; i <= rank; i++) CHECK(b[i] == size * (displs[rank] + i) + size * (size - 1) / 2, "reduce_scatter");
  for (int i = 0; i < 2 * size; i++) a[i] = i;
  MPI_Reduce_scatter_block(a, b, 2, MPI_INT, MPI_PROD, MPI_COMM_WORLD);
  if (rank == 0) printf("reduce_scatter_block prod: %d %d\n", b[0], b[1]);
  int sv = rank + 1, pre = 0;
  MPI_Scan(&sv, &pre, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  CHECK(pre == (rank + 1) * (rank + 2) / 2, "scan %d", pre);
  int ex = -99;
  MPI_Exscan(&sv, &ex, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (rank > 0) CHECK(ex == rank * (rank + 1) / 2, "exscan %d", ex);
  MPI_Scan(MPI_IN_PLACE, &sv, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  CHECK(sv == rank + 1, "scan in place");

  /* A long sequence of mixed collectives stays in step. */
  long acc = 0;
  for (int it = 0; it < 100; it++) {
    int t = it + rank, s;
    MPI_Allreduce(&t, &s, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    MPI_Bcast(&s, 1, MPI_INT, it % size, MPI_COMM_WORLD);
    acc += s;
  }
  printf("rank %d: collectives ok, acc %ld\n", rank, acc);
  MPI_Finalize();
  return 0;
}
