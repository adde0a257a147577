/* Point-to-point conformance: blocking and nonblocking sends of every mode, wildcards,
 * non-overtaking order, statuses and Get_count, probing, MPI_PROC_NULL, zero-length and
 * large (fragmented) messages. Every rank checks what it got and prints one line. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int right = (rank + 1) % size, left = (rank + size - 1) % size;
  long checksum = 0;

  /* Blocking modes around the ring; Sendrecv avoids ordering deadlocks. */
  int out = rank * 10, in = -1;
  MPI_Status st;
  MPI_Sendrecv(&out, 1, MPI_INT, right, 7, &in, 1, MPI_INT, left, 7, MPI_COMM_WORLD, &st);
  CHECK(in == left * 10 && st.MPI_SOURCE == left && st.MPI_TAG == 7, "sendrecv got %d", in);
  checksum += in;

  if (size > 1) {
    /* Ssend / Rsend / Bsend between pairs: even ranks send, odd ranks receive. */
    int partner = rank ^ 1;
    if (partner < size) {
      double d[3] = {rank + 0.5, rank + 1.5, rank + 2.5}, r[3];
      if (rank % 2 == 0) {
        MPI_Ssend(d, 3, MPI_DOUBLE, partner, 1, MPI_COMM_WORLD);
        MPI_Send(d, 2, MPI_DOUBLE, partner, 2, MPI_COMM_WORLD);
        MPI_Recv(r, 3, MPI_DOUBLE, partner, 3, MPI_COMM_WORLD, &st);
        CHECK(r[2] == partner + 2.5, "ssend reply");
      } else {
        MPI_Recv(r, 3, MPI_DOUBLE, partner, 1, MPI_COMM_WORLD, &st);
        int count;
        MPI_Get_count(&st, MPI_DOUBLE, &count);
        CHECK(count == 3 && r[0] == partner + 0.5, "ssend count %d", count);
        MPI_Recv(r, 3, MPI_DOUBLE, partner, 2, MPI_COMM_WORLD, &st);
        MPI_Get_count(&st, MPI_DOUBLE, &count);
        CHECK(count == 2, "short message count %d", count);
        MPI_Get_count(&st, MPI_INT, &count);
        CHECK(count == 4, "count in ints %d", count);
        MPI_Get_count(&st, MPI_DOUBLE_INT, &count);
        MPI_Bsend(d, 3, MPI_DOUBLE, partner, 3, MPI_COMM_WORLD);
      }
      checksum += 3;
    }
  }

  /* Non-overtaking: many messages with the same tag arrive in order, also with ANY_SOURCE. */
  enum { N = 50 };
  if (rank == 0) {
    int seen[64] = {0};
    for (int i = 0; i < N * (size - 1); i++) {
      int v;
      MPI_Recv(&v, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
      int src = st.MPI_SOURCE;
      CHECK(v == src * 1000 + seen[src], "order from %d: %d", src, v);
      CHECK(st.MPI_TAG == 5 + (seen[src] % 3), "tag %d", st.MPI_TAG);
      seen[src]++;
    }
    checksum += N;
  } else {
    for (int i = 0; i < N; i++) {
      int v = rank * 1000 + i;
      MPI_Send(&v, 1, MPI_INT, 0, 5 + (i % 3), MPI_COMM_WORLD);
    }
  }
  /* Later messages must not reach rank 0's wildcard receives above. */
  MPI_Barrier(MPI_COMM_WORLD);

  /* Tag selection: receive tag 2 before tag 1 from the same sender. */
  if (size > 1) {
    if (rank == 1) {
      int a = 11, b = 22;
      MPI_Send(&a, 1, MPI_INT, 0, 1, MPI_COMM_WORLD);
      MPI_Send(&b, 1, MPI_INT, 0, 2, MPI_COMM_WORLD);
    } else if (rank == 0) {
      int a, b, flag = 0;
      MPI_Probe(1, 2, MPI_COMM_WORLD, &st);
      CHECK(st.MPI_TAG == 2 && st.MPI_SOURCE == 1, "probe");
      MPI_Iprobe(1, 1, MPI_COMM_WORLD, &flag, &st);
      CHECK(flag == 1, "iprobe flag");
      MPI_Recv(&b, 1, MPI_INT, 1, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      MPI_Recv(&a, 1, MPI_INT, 1, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      CHECK(a == 11 && b == 22, "tag selection %d %d", a, b);
      MPI_Iprobe(MPI_ANY_SOURCE, 99, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
      CHECK(flag == 0, "iprobe found nothing");
    }
  }

  /* Nonblocking exchange with every other rank; Waitall, then Waitany/Test. */
  {
    int *sendv = malloc(sizeof(int) * size), *recvv = malloc(sizeof(int) * size);
    MPI_Request *reqs = malloc(sizeof(MPI_Request) * 2 * size);
    for (int p = 0; p < size; p++) {
      sendv[p] = rank * 100 + p;
      MPI_Irecv(&recvv[p], 1, MPI_INT, p, 9, MPI_COMM_WORLD, &reqs[p]);
    }
    for (int p = 0; p < size; p++) MPI_Isend(&sendv[p], 1, MPI_INT, p, 9, MPI_COMM_WORLD, &reqs[size + p]);
    MPI_Status *sts = malloc(sizeof(MPI_Status) * 2 * size);
    MPI_Waitall(2 * size, reqs, sts);
    for (int p = 0; p < size; p++) {
      CHECK(recvv[p] == p * 100 + rank, "alltoall by isend %d", recvv[p]);
      CHECK(sts[p].MPI_SOURCE == p && sts[p].MPI_TAG == 9, "waitall status");
      CHECK(reqs[p] == MPI_REQUEST_NULL, "request freed");
      checksum += recvv[p];
    }
    for (int p = 0; p < size; p++) MPI_Irecv(&recvv[p], 1, MPI_INT, MPI_ANY_SOURCE, 10, MPI_COMM_WORLD, &reqs[p]);
    for (int p = 0; p < size; p++) MPI_Isend(&sendv[p], 1, MPI_INT, p, 10, MPI_COMM_WORLD, &reqs[size + p]);
    int done = 0, sum = 0;
    while (done < size) {
      int idx;
      MPI_Waitany(size, reqs, &idx, &st);
      CHECK(idx >= 0 && idx < size && reqs[idx] == MPI_REQUEST_NULL, "waitany index %d", idx);
      sum += recvv[idx];
      done++;
    }
    int expect = 0;
    for (int p = 0; p < size; p++) expect += p * 100 + rank;
    CHECK(sum == expect, "waitany sum %d != %d", sum, expect);
    int flag = 0;
    while (!flag) MPI_Testall(size, reqs + size, &flag, MPI_STATUSES_IGNORE);
    int idx;
    MPI_Waitany(size, reqs, &idx, MPI_STATUS_IGNORE);
    CHECK(idx == MPI_UNDEFINED, "waitany over null requests");
    free(sendv);
    free(recvv);
    free(reqs);
    free(sts);
  }

  /* Test polling, Request_free on a send, MPI_PROC_NULL. */
  {
    int v = rank, r = -1, flag = 0;
    MPI_Request rq, sq;
    MPI_Irecv(&r, 1, MPI_INT, left, 11, MPI_COMM_WORLD, &rq);
    MPI_Isend(&v, 1, MPI_INT, right, 11, MPI_COMM_WORLD, &sq);
    MPI_Request_free(&sq);
    while (!flag) MPI_Test(&rq, &flag, &st);
    CHECK(r == left && rq == MPI_REQUEST_NULL, "test loop");
    MPI_Send(&v, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD);
    MPI_Recv(&r, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &st);
    int count;
    MPI_Get_count(&st, MPI_INT, &count);
    CHECK(st.MPI_SOURCE == MPI_PROC_NULL && count == 0, "proc null");
  }

  /* Zero-length and large messages (larger than an inbox fragment). */
  {
    int n = 3 * 1024 * 1024 / 4 + 13;
    int *big = malloc(sizeof(int) * n), *got = malloc(sizeof(int) * n);
    for (int i = 0; i < n; i++) big[i] = i ^ rank;
    MPI_Request rq[2];
    MPI_Irecv(got, n, MPI_INT, left, 12, MPI_COMM_WORLD, &rq[0]);
    MPI_Isend(big, n, MPI_INT, right, 12, MPI_COMM_WORLD, &rq[1]);
    MPI_Waitall(2, rq, MPI_STATUSES_IGNORE);
    for (int i = 0; i < n; i++) CHECK(got[i] == (i ^ left), "big message at %d", i);
    MPI_Sendrecv(NULL, 0, MPI_INT, right, 13, NULL, 0, MPI_INT, left, 13, MPI_COMM_WORLD, &st);
    int count;
    MPI_Get_count(&st, MPI_INT, &count);
    CHECK(count == 0, "zero length");
    int x = rank;
    MPI_Sendrecv_replace(&x, 1, MPI_INT, right, 14, left, 14, MPI_COMM_WORLD, &st);
    CHECK(x == left, "sendrecv_replace %d", x);
    free(big);
    free(got);
  }

  printf("rank %d of %d: p2p ok, checksum %ld\n", rank, size, checksum);
  MPI_Finalize();
  return 0;
}
