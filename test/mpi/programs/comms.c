/* Communicators and groups: dup, split (with keys reordering ranks and MPI_UNDEFINED),
 * create from a group, free, compare, group queries, and traffic on several communicators
 * with the same tags kept apart. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include "check.h"

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  MPI_Comm dup;
  MPI_Comm_dup(MPI_COMM_WORLD, &dup);
  int r2, s2, cmp;
  MPI_Comm_rank(dup, &r2);
  MPI_Comm_size(dup, &s2);
  CHECK(r2 == rank && s2 == size, "dup rank");
  MPI_Comm_compare(MPI_COMM_WORLD, dup, &cmp);
  CHECK(cmp == MPI_CONGRUENT, "compare dup %d", cmp);
  MPI_Comm_compare(dup, dup, &cmp);
  CHECK(cmp == MPI_IDENT, "compare self");

  /* Same tag on two communicators: messages never cross. */
  int right = (rank + 1) % size, left = (rank + size - 1) % size;
  int a = rank, b = rank + 100, ra = -1, rb = -1;
  MPI_Request q[4];
  MPI_Irecv(&rb, 1, MPI_INT, left, 3, dup, &q[0]);
  MPI_Irecv(&ra, 1, MPI_INT, left, 3, MPI_COMM_WORLD, &q[1]);
  MPI_Isend(&a, 1, MPI_INT, right, 3, MPI_COMM_WORLD, &q[2]);
  MPI_Isend(&b, 1, MPI_INT, right, 3, dup, &q[3]);
  MPI_Waitall(4, q, MPI_STATUSES_IGNORE);
  CHECK(ra == left && rb == left + 100, "isolation %d %d", ra, rb);

  /* Split by parity, keys reverse the order. */
  MPI_Comm half;
  MPI_Comm_split(MPI_COMM_WORLD, rank % 2, size - rank, &half);
  int hr, hs;
  MPI_Comm_rank(half, &hr);
  MPI_Comm_size(half, &hs);
  int sum;
  MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, half);
  printf("rank %d: half %d of %d, world-rank sum %d\n", rank, hr, hs, sum);
  int leader = rank;
  MPI_Bcast(&leader, 1, MPI_INT, 0, half);
  CHECK(leader == (rank % 2 ? ((size - 1) % 2 ? size - 1 : size - 2) : ((size - 1) % 2 ? size - 2 : size - 1)),
        "bcast on split: leader %d", leader);

  /* MPI_UNDEFINED colour gives MPI_COMM_NULL. */
  MPI_Comm some;
  MPI_Comm_split(MPI_COMM_WORLD, rank < 2 ? 0 : MPI_UNDEFINED, 0, &some);
  CHECK((rank < 2) == (some != MPI_COMM_NULL), "undefined colour");
  if (some != MPI_COMM_NULL) MPI_Comm_free(&some);

  /* Groups: even ranks, then a communicator over them. */
  MPI_Group world, evens;
  MPI_Comm_group(MPI_COMM_WORLD, &world);
  int gs;
  MPI_Group_size(world, &gs);
  CHECK(gs == size, "group size");
  int n = (size + 1) / 2;
  int *ranks = malloc(sizeof(int) * n);
  for (int i = 0; i < n; i++) ranks[i] = 2 * i;
  MPI_Group_incl(world, n, ranks, &evens);
  int er;
  MPI_Group_rank(evens, &er);
  CHECK(rank % 2 ? er == MPI_UNDEFINED : er == rank / 2, "group rank %d", er);
  MPI_Comm evcomm;
  MPI_Comm_create(MPI_COMM_WORLD, evens, &evcomm);
  if (rank % 2 == 0) {
    int es, product = 1, val = rank + 1;
    MPI_Comm_size(evcomm, &es);
    MPI_Allreduce(&val, &product, 1, MPI_INT, MPI_PROD, evcomm);
    printf("rank %d: evens comm size %d product %d\n", rank, es, product);
    MPI_Comm_free(&evcomm);
    CHECK(evcomm == MPI_COMM_NULL, "comm freed");
  } else {
    CHECK(evcomm == MPI_COMM_NULL, "non-member gets MPI_COMM_NULL");
  }
  int back[1] = {0}, out[1];
  MPI_Group_translate_ranks(evens, 1, back, world, out);
  CHECK(out[0] == 0, "translate");
  MPI_Group odds;
  MPI_Group_excl(world, n, ranks, &odds);
  int os;
  MPI_Group_size(odds, &os);
  CHECK(os == size - n, "excl size");
  MPI_Group_free(&odds);
  MPI_Group_free(&evens);
  MPI_Group_free(&world);
  CHECK(world == MPI_GROUP_NULL, "group freed");

  /* Split of a split, then a barrier on each level. */
  MPI_Comm quarter;
  MPI_Comm_split(half, hr % 2, hr, &quarter);
  int qs;
  MPI_Comm_size(quarter, &qs);
  MPI_Barrier(quarter);
  MPI_Barrier(half);
  MPI_Barrier(dup);
  printf("rank %d: quarter size %d\n", rank, qs);
  MPI_Comm_free(&quarter);
  MPI_Comm_free(&half);
  MPI_Comm_free(&dup);
  free(ranks);
  MPI_Finalize();
  return 0;
}
