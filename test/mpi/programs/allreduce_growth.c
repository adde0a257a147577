/* An MPI_Allreduce whose wait runs a nonblocking collective's user-defined operation, which
 * grows linear memory: granny's user operations get their arguments in buffers malloc'ed for
 * the call, here of tens of megabytes (a datatype of 8 bytes resized to a 16 MiB extent), so the
 * memory grows while the allreduce waits, and its result must still land in recvbuf. Rank 1
 * keeps rank 0 waiting in the allreduce for a while, so that rank 0 makes progress there. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include "check.h"

static void add_spread(void *in, void *inout, int *len, MPI_Datatype *type) {
  MPI_Aint lb, extent;
  MPI_Type_get_extent(*type, &lb, &extent);
  for (int i = 0; i < *len; i++) *(double *)((char *)inout + i * extent) += *(double *)((char *)in + i * extent);
}

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const MPI_Aint extent = 16 << 20;
  MPI_Datatype spread;
  MPI_Type_create_resized(MPI_DOUBLE, 0, extent, &spread);
  MPI_Type_commit(&spread);
  MPI_Op op;
  MPI_Op_create(add_spread, 1, &op);
  char *send = calloc(extent + 8, 1), *recv = calloc(extent + 8, 1);
  *(double *)send = rank + 1;
  *(double *)(send + extent) = 10.0 * (rank + 1);
  MPI_Request req;
  MPI_Iallreduce(send, recv, 2, spread, op, MPI_COMM_WORLD, &req);
  if (rank == 1) {
    double until = MPI_Wtime() + 0.05;
    while (MPI_Wtime() < until) {
    }
  }
  double x = rank + 1, y = -1;
  MPI_Allreduce(&x, &y, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  double all = size * (size + 1) / 2.0;
  CHECK(y == all, "allreduce gave %g, expected %g", y, all);
  MPI_Wait(&req, MPI_STATUS_IGNORE);
  CHECK(*(double *)recv == all && *(double *)(recv + extent) == 10 * all, "iallreduce gave %g %g",
        *(double *)recv, *(double *)(recv + extent));
  if (rank == 0) printf("allreduce_growth ok: %d ranks, %g\n", size, y);
  MPI_Op_free(&op);
  MPI_Type_free(&spread);
  free(send);
  free(recv);
  MPI_Finalize();
  return 0;
}
