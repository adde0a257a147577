/* Nonblocking collectives: every MPI_I... collective, several outstanding at once and completed
 * in another order than started, overlapping point-to-point traffic, and the NBX pattern
 * (Issend to a few peers, serve Iprobe while polling an Ibarrier) that needs progress in Test. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include "check.h"

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int n = size;
  int *a = malloc(sizeof(int) * 4 * n * n + 64), *b = malloc(sizeof(int) * 4 * n * n + 64);
  int *counts = malloc(sizeof(int) * n), *displs = malloc(sizeof(int) * n);
  for (int r = 0; r < n; r++) counts[r] = r + 1, displs[r] = r * (r + 1) / 2;

  /* Three collectives in flight at once, completed in reverse order. */
  int bv = rank == n - 1 ? 77 : 0, sum = 0, mx = 0, one = rank + 1;
  MPI_Request q[3];
  MPI_Ibcast(&bv, 1, MPI_INT, n - 1, MPI_COMM_WORLD, &q[0]);
  MPI_Iallreduce(&one, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &q[1]);
  MPI_Ireduce(&one, &mx, 1, MPI_INT, MPI_MAX, 0, MPI_COMM_WORLD, &q[2]);
  MPI_Wait(&q[2], MPI_STATUS_IGNORE);
  MPI_Wait(&q[1], MPI_STATUS_IGNORE);
  MPI_Wait(&q[0], MPI_STATUS_IGNORE);
  CHECK(bv == 77 && sum == n * (n + 1) / 2, "ibcast %d iallreduce %d", bv, sum);
  if (rank == 0) CHECK(mx == n, "ireduce %d", mx);

  /* Gathers and scatters. */
  int g[2] = {rank, -rank};
  MPI_Request r1, r2, r3;
  MPI_Igather(g, 2, MPI_INT, a, 2, MPI_INT, 0, MPI_COMM_WORLD, &r1);
  for (int i = 0; i <= rank; i++) b[i] = rank * 10 + i;
  int *gv = malloc(sizeof(int) * n * n);
  MPI_Igatherv(b, rank + 1, MPI_INT, gv, counts, displs, MPI_INT, n - 1, MPI_COMM_WORLD, &r2);
  int all[64];
  MPI_Iallgather(&rank, 1, MPI_INT, all, 1, MPI_INT, MPI_COMM_WORLD, &r3);
  MPI_Request rs[3] = {r1, r2, r3};
  MPI_Waitall(3, rs, MPI_STATUSES_IGNORE);
  if (rank == 0)
    for (int r = 0; r < n; r++) CHECK(a[2 * r] == r && a[2 * r + 1] == -r, "igather");
  if (rank == n - 1)
    for (int r = 0; r < n; r++)
      for (int i = 0; i <= r; i++) CHECK(gv[displs[r] + i] == r * 10 + i, "igatherv");
  for (int r = 0; r < n; r++) CHECK(all[r] == r, "iallgather");
  if (rank == 0)
    for (int i = 0; i < 2 * n; i++) a[i] = 500 + i;
  int s2[2];
  MPI_Request sr;
  MPI_Iscatter(a, 2, MPI_INT, s2, 2, MPI_INT, 0, MPI_COMM_WORLD, &sr);
  MPI_Wait(&sr, MPI_STATUS_IGNORE);
  CHECK(s2[0] == 500 + 2 * rank && s2[1] == 501 + 2 * rank, "iscatter");
  if (rank == 0)
    for (int i = 0; i < n * (n + 1) / 2; i++) a[i] = i * 3;
  MPI_Iscatterv(a, counts, displs, MPI_INT, b, rank + 1, MPI_INT, 0, MPI_COMM_WORLD, &sr);
  MPI_Wait(&sr, MPI_STATUS_IGNORE);
  for (int i = 0; i <= rank; i++) CHECK(b[i] == (displs[rank] + i) * 3, "iscatterv");
  for (int i = 0; i <= rank; i++) b[i] = rank;
  MPI_Iallgatherv(b, rank + 1, MPI_INT, a, counts, displs, MPI_INT, MPI_COMM_WORLD, &sr);
  MPI_Wait(&sr, MPI_STATUS_IGNORE);
  for (int r = 0; r < n; r++) CHECK(a[displs[r]] == r && a[displs[r] + r] == r, "iallgatherv");

  /* All-to-all, reduce-scatter, scans. */
  for (int r = 0; r < n; r++) a[r] = rank * 100 + r;
  MPI_Ialltoall(a, 1, MPI_INT, b, 1, MPI_INT, MPI_COMM_WORLD, &sr);
  MPI_Wait(&sr, MPI_STATUS_IGNORE);
  for (int r = 0; r < n; r++) CHECK(b[r] == r * 100 + rank, "ialltoall");
  int *sc = malloc(sizeof(int) * n), *sd = malloc(sizeof(int) * n), *rc = malloc(sizeof(int) * n), *rd = malloc(sizeof(int) * n);
  for (int r = 0, o = 0; r < n; r++) sc[r] = 2, sd[r] = o, o += 2;
  for (int r = 0, o = 0; r < n; r++) rc[r] = 2, rd[r] = o, o += 2;
  for (int i = 0; i < 2 * n; i++) a[i] = rank * 1000 + i;
  MPI_Ialltoallv(a, sc, sd, MPI_INT, b, rc, rd, MPI_INT, MPI_COMM_WORLD, &sr);
  MPI_Wait(&sr, MPI_STATUS_IGNORE);
  for (int r = 0; r < n; r++) CHECK(b[2 * r] == r * 1000 + 2 * rank, "ialltoallv");
  for (int i = 0; i < n * (n + 1) / 2; i++) a[i] = i + rank;
  MPI_Ireduce_scatter(a, b, counts, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &sr);
  MPI_Wait(&sr, MPI_STATUS_IGNORE);
  CHECK(b[0] == n * displs[rank] + n * (n - 1) / 2, "ireduce_scatter %d", b[0]);
  for (int i = 0; i < n; i++) a[i] = i * rank;
  int blk;
  MPI_Ireduce_scatter_block(a, &blk, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &sr);
  MPI_Wait(&sr, MPI_STATUS_IGNORE);
  CHECK(blk == rank * n * (n - 1) / 2, "ireduce_scatter_block %d", blk);
  int pre, ex = -1;
  MPI_Request sq[2];
  MPI_Iscan(&one, &pre, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &sq[0]);
  MPI_Iexscan(&one, &ex, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD, &sq[1]);
  MPI_Waitall(2, sq, MPI_STATUSES_IGNORE);
  CHECK(pre == (rank + 1) * (rank + 2) / 2, "iscan");
  if (rank > 0) CHECK(ex == rank * (rank + 1) / 2, "iexscan");

  /* NBX: send to a few peers with Issend, receive whatever comes until an Ibarrier completes. */
  int targets[2] = {(rank + 1) % n, (rank + 3) % n}, payload[2] = {rank * 7, rank * 11};
  MPI_Request sends[2];
  for (int k = 0; k < 2; k++) MPI_Issend(&payload[k], 1, MPI_INT, targets[k], 21, MPI_COMM_WORLD, &sends[k]);
  int got = 0, gotsum = 0, barrier_started = 0, done = 0;
  MPI_Request bar;
  while (!done) {
    int flag;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, 21, MPI_COMM_WORLD, &flag, &st);
    if (flag) {
      int v;
      MPI_Recv(&v, 1, MPI_INT, st.MPI_SOURCE, 21, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      got++, gotsum += v;
    }
    if (!barrier_started) {
      int sent;
      MPI_Testall(2, sends, &sent, MPI_STATUSES_IGNORE);
      if (sent) MPI_Ibarrier(MPI_COMM_WORLD, &bar), barrier_started = 1;
    } else {
      MPI_Test(&bar, &done, MPI_STATUS_IGNORE);
    }
  }
  int expect_sum = 0, expect_n = 0;
  for (int r = 0; r < n; r++) {
    if ((r + 1) % n == rank) expect_n++, expect_sum += r * 7;
    if ((r + 3) % n == rank) expect_n++, expect_sum += r * 11;
  }
  CHECK(got == expect_n && gotsum == expect_sum, "nbx got %d sum %d", got, gotsum);
  printf("rank %d: nonblocking collectives ok, nbx received %d\n", rank, got);
  MPI_Finalize();
  return 0;
}
