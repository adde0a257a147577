/* MPI_Allreduce of doubles and ints by SUM, MAX and MIN on MPI_COMM_WORLD, at the sizes and
 * alignments where granny takes each of its paths on one host: up to 256 bytes from aligned
 * buffers straight through the control block, more than 256 bytes or from a buffer off its
 * element's alignment through the general one; in place too, and int sums that wrap. Every rank
 * checks every element; rank 0 prints a digest. Values are small integers and halves, so that
 * sums are exact in any order. */
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <string.h>
#include "check.h"

enum { MAX_COUNT = 80 };

static double dval(int rank, int i) { return (rank * 7 + i * 3) % 11 - 5 + 0.5 * (i % 2); }
static int ival(int rank, int i) { return (rank * 13 + i * 5) % 17 - 8; }

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  static const int counts[] = {1, 2, 31, 32, 33, 64, 80};
  const MPI_Op ops[] = {MPI_SUM, MPI_MAX, MPI_MIN};
  const char *names[] = {"sum", "max", "min"};
  double digest = 0;
  long long idigest = 0;
  for (size_t n = 0; n < sizeof counts / sizeof counts[0]; n++) {
    int count = counts[n];
    for (int o = 0; o < 3; o++) {
      double dx[MAX_COUNT], dy[MAX_COUNT];
      int ix[MAX_COUNT], iy[MAX_COUNT];
      for (int i = 0; i < count; i++) dx[i] = dval(rank, i), ix[i] = ival(rank, i);
      MPI_Allreduce(dx, dy, count, MPI_DOUBLE, ops[o], MPI_COMM_WORLD);
      MPI_Allreduce(ix, iy, count, MPI_INT, ops[o], MPI_COMM_WORLD);
      for (int i = 0; i < count; i++) {
        double de = dval(0, i);
        int ie = ival(0, i);
        for (int r = 1; r < size; r++) {
          double d = dval(r, i);
          int v = ival(r, i);
          de = o == 0 ? de + d : o == 1 ? (d > de ? d : de) : (d < de ? d : de);
          ie = o == 0 ? ie + v : o == 1 ? (v > ie ? v : ie) : (v < ie ? v : ie);
        }
        CHECK(dy[i] == de, "%s of %d doubles, element %d: %g, expected %g", names[o], count, i, dy[i], de);
        CHECK(iy[i] == ie, "%s of %d ints, element %d: %d, expected %d", names[o], count, i, iy[i], ie);
        digest += dy[i] * (i + 1);
        idigest += (long long)iy[i] * (i + 1);
      }
      /* In place: the same results. */
      memcpy(dy, dx, sizeof dx);
      MPI_Allreduce(MPI_IN_PLACE, dy, count, MPI_DOUBLE, ops[o], MPI_COMM_WORLD);
      double again[MAX_COUNT];
      MPI_Allreduce(dx, again, count, MPI_DOUBLE, ops[o], MPI_COMM_WORLD);
      CHECK(memcmp(dy, again, count * sizeof(double)) == 0, "%s of %d doubles in place", names[o], count);
    }
  }
  /* Doubles from and to buffers four bytes off their alignment on even ranks, aligned on odd
   * ones: the two paths meet in one call. */
  union {
    double align;
    char bytes[8 * 4 + 8];
  } in, out;
  double v[4] = {rank + 0.5, -rank, 2.0 * rank, 1.0};
  int off = rank % 2 == 0 ? 4 : 0;
  memcpy(in.bytes + off, v, sizeof v);
  MPI_Allreduce(in.bytes + off, out.bytes + off, 4, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  double w[4];
  memcpy(w, out.bytes + off, sizeof w);
  double ranks = size * (size - 1) / 2.0;
  CHECK(w[0] == ranks + 0.5 * size && w[1] == -ranks && w[2] == 2 * ranks && w[3] == size, "unaligned sum");
  /* Int sums that wrap (two's complement, as MPI implementations compute them in C). */
  int big = INT_MAX - rank, wrapped;
  MPI_Allreduce(&big, &wrapped, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  unsigned expect = 0;
  for (int r = 0; r < size; r++) expect += (unsigned)(INT_MAX - r);
  CHECK(wrapped == (int)expect, "wrapped sum %d, expected %d", wrapped, (int)expect);
  if (rank == 0)
    printf("allreduce_words ok: %d ranks, digest %.1f %lld, unaligned %g %g, wrapped %d\n", size, digest, idigest,
           w[0], w[2], wrapped);
  MPI_Finalize();
  return 0;
}
