/* Many small messages from every rank to rank 0, received with MPI_ANY_SOURCE and MPI_ANY_TAG:
 * sizes on both sides of the mailbox limit (544 bytes), synchronous sends and larger messages
 * mixed in, so that one sender's messages take both paths of granny's same-host transport
 * (mailbox and inbox ring) and must still arrive in the order they were sent (non-overtaking).
 * Rank 0 receives in bursts, so senders find their mailbox still full and the ring filling;
 * the second half of each sender's messages goes out in bursts of nonblocking sends. */
#include <mpi.h>
#include <stdio.h>
#include <string.h>
#include "check.h"

enum { N = 3000, MAX_INTS = 164 };

/* Message i of a sender: how many ints it carries, and whether it is sent synchronously. */
static int ints_of(int i) {
  if (i >= N / 2) return i % 2 == 0 ? 137 + i % 28 : 1 + i % 24; /* the bursts: alternate paths */
  if (i % 13 == 0) return 137 + i % 28; /* 548 to 656 bytes: larger than a mailbox */
  if (i % 7 == 0) return 25 + i % 112;  /* 100 to 544 bytes: fits one, past the copy's word loop */
  return 1 + i % 24;                    /* 4 to 96 bytes */
}

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  long checksum = 0;
  if (rank == 0) {
    int next[64] = {0};
    int buf[MAX_INTS];
    MPI_Status st;
    for (int k = 0; k < N * (size - 1); k++) {
      if (k % 500 == 0) {
        /* Let the senders run ahead. */
        double until = MPI_Wtime() + 0.002;
        while (MPI_Wtime() < until) {
        }
      }
      MPI_Recv(buf, MAX_INTS, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
      int src = st.MPI_SOURCE, i = next[src]++, count;
      MPI_Get_count(&st, MPI_INT, &count);
      CHECK(buf[0] == i, "from %d: message %d arrived when %d was due", src, buf[0], i);
      CHECK(st.MPI_TAG == i % 5, "from %d: tag %d for message %d", src, st.MPI_TAG, i);
      CHECK(count == ints_of(i), "from %d: %d ints in message %d", src, count, i);
      for (int j = 1; j < count; j++) CHECK(buf[j] == src * 100000 + i + j, "payload of %d", i);
      checksum += buf[0] + count;
    }
    for (int s = 1; s < size; s++) CHECK(next[s] == N, "%d messages from %d", next[s], s);
  } else {
    /* Blocking sends, and from message 1500 on bursts of BURST nonblocking ones: a sender
     * blocked in MPI_Send has nothing else queued, while open MPI_Isends can be queued behind a
     * full inbox when their successor finds the mailbox empty. */
    enum { BURST = 8 };
    static int bufs[BURST][MAX_INTS];
    MPI_Request reqs[BURST];
    int open = 0;
    for (int i = 0; i < N; i++) {
      int count = ints_of(i);
      int *buf = bufs[open];
      buf[0] = i;
      for (int j = 1; j < count; j++) buf[j] = rank * 100000 + i + j;
      if (i % 17 == 0)
        MPI_Ssend(buf, count, MPI_INT, 0, i % 5, MPI_COMM_WORLD);
      else if (i < N / 2)
        MPI_Send(buf, count, MPI_INT, 0, i % 5, MPI_COMM_WORLD);
      else
        MPI_Isend(buf, count, MPI_INT, 0, i % 5, MPI_COMM_WORLD, &reqs[open++]);
      if (open == BURST || (open > 0 && i == N - 1)) {
        MPI_Waitall(open, reqs, MPI_STATUSES_IGNORE);
        open = 0;
      }
    }
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) printf("small_messages ok: %d senders, checksum %ld\n", size - 1, checksum);
  MPI_Finalize();
  return 0;
}
