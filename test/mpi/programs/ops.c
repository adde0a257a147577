/* Reduction operations: every predefined op on integer, unsigned, 64-bit, floating and byte
 * types, MAXLOC/MINLOC on the pair types, and user-defined ops, commutative and not (2x2
 * matrix products, whose order MPI fixes). Values are chosen so floating sums are exact. */
#include <mpi.h>
#include <stdio.h>
#include "check.h"

typedef struct { double v; int i; } double_int;
typedef struct { float v; int i; } float_int;
typedef struct { int v; int i; } int_int;
typedef struct { int a, b, c, d; } mat2;

static void matmul(void *in, void *inout, int *len, MPI_Datatype *type) {
  mat2 *x = in, *y = inout;
  (void)type;
  for (int k = 0; k < *len; k++) {
    mat2 r = {x[k].a * y[k].a + x[k].b * y[k].c, x[k].a * y[k].b + x[k].b * y[k].d,
              x[k].c * y[k].a + x[k].d * y[k].c, x[k].c * y[k].b + x[k].d * y[k].d};
    y[k] = r;
  }
}

static void absmax(void *in, void *inout, int *len, MPI_Datatype *type) {
  int *x = in, *y = inout;
  if (*type != MPI_INT) return;
  for (int k = 0; k < *len; k++) {
    int ax = x[k] < 0 ? -x[k] : x[k], ay = y[k] < 0 ? -y[k] : y[k];
    if (ax > ay) y[k] = x[k];
  }
}

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  MPI_Op ops[] = {MPI_MAX, MPI_MIN, MPI_SUM, MPI_PROD, MPI_LAND, MPI_BAND, MPI_LOR, MPI_BOR, MPI_LXOR, MPI_BXOR};
  const char *names[] = {"max", "min", "sum", "prod", "land", "band", "lor", "bor", "lxor", "bxor"};
  for (int o = 0; o < 10; o++) {
    int iv[3] = {rank + 1, (rank % 3) - 1, rank == 1 ? 6 : 3}, ir[3];
    unsigned uv[2] = {0xF0u >> (rank % 4), 1u << rank}, ur[2];
    long long lv[2] = {(long long)(rank + 1) << 33, -rank}, lr[2];
    short sv = (short)(rank * 3 + 1), sr;
    unsigned char cv = (unsigned char)(0x81 + rank), cr;
    MPI_Allreduce(iv, ir, 3, MPI_INT, ops[o], MPI_COMM_WORLD);
    MPI_Allreduce(uv, ur, 2, MPI_UNSIGNED, ops[o], MPI_COMM_WORLD);
    MPI_Allreduce(lv, lr, 2, MPI_LONG_LONG, ops[o], MPI_COMM_WORLD);
    MPI_Allreduce(&sv, &sr, 1, MPI_SHORT, ops[o], MPI_COMM_WORLD);
    MPI_Allreduce(&cv, &cr, 1, MPI_UNSIGNED_CHAR, ops[o], MPI_COMM_WORLD);
    if (rank == 0)
      printf("%s int %d %d %d unsigned %u %u llong %lld %lld short %d uchar %u\n", names[o], ir[0], ir[1], ir[2], ur[0],
             ur[1], lr[0], lr[1], sr, cr);
  }
  /* Products of 32-bit ints that overflow: the low 32 bits, as C's multiplication wraps (and not
   * the low bits of a rounded double product). */
  int pv[2] = {123456789 + rank * 987654321, -7 - rank * 65537}, pr[2];
  unsigned pu = 2654435761u + (unsigned)rank, pur;
  MPI_Allreduce(pv, pr, 2, MPI_INT, MPI_PROD, MPI_COMM_WORLD);
  MPI_Reduce(&pu, &pur, 1, MPI_UNSIGNED, MPI_PROD, 0, MPI_COMM_WORLD);
  if (rank == 0) printf("wrapping prod int %d %d unsigned %u\n", pr[0], pr[1], pur);
  for (int o = 0; o < 4; o++) {
    double dv[2] = {rank * 0.5, rank == 2 ? -8.0 : 2.0}, dr[2];
    float fv = (float)(rank + 1), fr;
    MPI_Reduce(dv, dr, 2, MPI_DOUBLE, ops[o], 0, MPI_COMM_WORLD);
    MPI_Reduce(&fv, &fr, 1, MPI_FLOAT, ops[o], 0, MPI_COMM_WORLD);
    if (rank == 0) printf("%s double %g %g float %g\n", names[o], dr[0], dr[1], fr);
  }

  double_int di = {(double)((rank * 7) % 5), rank}, dio;
  MPI_Allreduce(&di, &dio, 1, MPI_DOUBLE_INT, MPI_MAXLOC, MPI_COMM_WORLD);
  CHECK(dio.v == (size > 2 ? 4 : (size == 2 ? 2 : 0)), "maxloc");
  if (rank == 0) printf("maxloc double_int %g at %d\n", dio.v, dio.i);
  MPI_Allreduce(&di, &dio, 1, MPI_DOUBLE_INT, MPI_MINLOC, MPI_COMM_WORLD);
  if (rank == 0) printf("minloc double_int %g at %d\n", dio.v, dio.i);
  float_int fi[2] = {{(float)(rank % 2), rank}, {(float)-rank, rank}}, fio[2];
  MPI_Reduce(fi, fio, 2, MPI_FLOAT_INT, MPI_MAXLOC, 0, MPI_COMM_WORLD);
  if (rank == 0) printf("maxloc float_int %g at %d, %g at %d\n", fio[0].v, fio[0].i, fio[1].v, fio[1].i);
  int_int ii = {size - rank, rank}, iio;
  MPI_Allreduce(&ii, &iio, 1, MPI_2INT, MPI_MINLOC, MPI_COMM_WORLD);
  if (rank == 0) printf("minloc 2int %d at %d\n", iio.v, iio.i);

  /* Non-commutative user op: the product must be M0 * M1 * ... * M(n-1). */
  MPI_Datatype mat;
  MPI_Type_contiguous(4, MPI_INT, &mat);
  MPI_Type_commit(&mat);
  MPI_Op mul;
  MPI_Op_create(matmul, 0, &mul);
  int commute = -1;
  MPI_Op_commutative(mul, &commute);
  CHECK(commute == 0, "commutative flag");
  mat2 mine = {1, rank + 1, 0, 1}, prod;
  if (rank % 2) mine = (mat2){0, 1, 1, rank};
  MPI_Reduce(&mine, &prod, 1, mat, mul, 0, MPI_COMM_WORLD);
  if (rank == 0) printf("matrix product [%d %d; %d %d]\n", prod.a, prod.b, prod.c, prod.d);
  MPI_Allreduce(&mine, &prod, 1, mat, mul, MPI_COMM_WORLD);
  mat2 scanned;
  MPI_Scan(&mine, &scanned, 1, mat, mul, MPI_COMM_WORLD);
  printf("rank %d scan product [%d %d; %d %d]\n", rank, scanned.a, scanned.b, scanned.c, scanned.d);
  MPI_Op_free(&mul);
  CHECK(mul == MPI_OP_NULL, "op freed");

  MPI_Op am;
  MPI_Op_create(absmax, 1, &am);
  int av[2] = {rank % 2 ? -rank * 3 : rank, 1}, ar[2];
  MPI_Allreduce(av, ar, 2, MPI_INT, am, MPI_COMM_WORLD);
  if (rank == 0) printf("absmax %d %d\n", ar[0], ar[1]);
  MPI_Op_free(&am);
  MPI_Type_free(&mat);
  MPI_Finalize();
  return 0;
}
