/* Transport stress: rounds of messages of random sizes (0 B to 300 KiB) and tags between
 * random pairs, received with wildcards and checked byte by byte, with synchronous and
 * buffered sends mixed in. Every rank knows the whole plan (same seed), so it knows what it must
 * receive, in which order per sender, and checks counts, sources, tags and contents. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

static unsigned long long seed;
static unsigned next(void) {
  seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  return (unsigned)(seed >> 33);
}

static unsigned char fill(int from, int to, int round, int k, int i) {
  return (unsigned char)(from * 31 + to * 17 + round * 7 + k * 3 + i);
}

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  enum { ROUNDS = 6, PER = 4, MAXB = 300 * 1024 };
  long received = 0, bytes = 0;
  for (int round = 0; round < ROUNDS; round++) {
    /* The plan: every rank sends PER messages to random peers; everyone draws the same plan. */
    seed = 1000 + round;
    int plan_to[64][PER], plan_len[64][PER], plan_tag[64][PER], plan_sync[64][PER];
    for (int r = 0; r < size; r++)
      for (int k = 0; k < PER; k++) {
        plan_to[r][k] = next() % size;
        unsigned pick = next() % 10;
        plan_len[r][k] = pick < 3 ? (int)(next() % 64) : pick < 8 ? (int)(next() % 8192) : (int)(next() % MAXB);
        plan_tag[r][k] = next() % 4;
        plan_sync[r][k] = next() % 3 == 0;
      }
    int expect = 0;
    for (int r = 0; r < size; r++)
      for (int k = 0; k < PER; k++) expect += plan_to[r][k] == rank;

    unsigned char *out[PER];
    MPI_Request sreq[PER];
    for (int k = 0; k < PER; k++) {
      int len = plan_len[rank][k];
      out[k] = malloc(len + 1);
      for (int i = 0; i < len; i++) out[k][i] = fill(rank, plan_to[rank][k], round, k, i);
      if (plan_sync[rank][k]) MPI_Issend(out[k], len, MPI_BYTE, plan_to[rank][k], plan_tag[rank][k], MPI_COMM_WORLD, &sreq[k]);
      else MPI_Isend(out[k], len, MPI_BYTE, plan_to[rank][k], plan_tag[rank][k], MPI_COMM_WORLD, &sreq[k]);
    }
    /* Receive with wildcards; per sender, messages must come in the order they were sent. */
    int nextk[64] = {0};
    unsigned char *in = malloc(MAXB);
    for (int m = 0; m < expect; m++) {
      MPI_Status st;
      MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
      int from = st.MPI_SOURCE, len;
      MPI_Get_count(&st, MPI_BYTE, &len);
      int k = nextk[from];
      while (k < PER && plan_to[from][k] != rank) k++;
      /* With tag wildcards the first message from a sender is its first one to us. */
      CHECK(k < PER && plan_len[from][k] == len && plan_tag[from][k] == st.MPI_TAG, "round %d from %d: len %d tag %d",
            round, from, len, st.MPI_TAG);
      MPI_Recv(in, MAXB, MPI_BYTE, from, st.MPI_TAG, MPI_COMM_WORLD, &st);
      for (int i = 0; i < len; i++) CHECK(in[i] == fill(from, rank, round, k, i), "content at %d", i);
      nextk[from] = k + 1;
      received++;
      bytes += len;
    }
    MPI_Waitall(PER, sreq, MPI_STATUSES_IGNORE);
    for (int k = 0; k < PER; k++) free(out[k]);
    free(in);
    MPI_Barrier(MPI_COMM_WORLD);
  }
  long total[2] = {received, bytes}, all[2];
  MPI_Reduce(total, all, 2, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
  if (rank == 0) printf("stress: %ld messages, %ld bytes, all checked\n", all[0], all[1]);
  MPI_Finalize();
  return 0;
}
