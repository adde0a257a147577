/* 2-D heat diffusion (Jacobi) on an N x N plate whose top edge is held at 1 and other edges
 * at 0, decomposed over a 2-D Cartesian grid of ranks with halo exchange: rows as contiguous
 * doubles, columns as an MPI_Type_vector. Rank 0 recomputes the plate serially and checks
 * the distributed result against it.  Usage: heat2d [N] [iterations] */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double weighted(const double *g, int rows, int cols, int ld, int r0, int c0, int n) {
  double s = 0;
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++) s += g[(i + 1) * ld + (j + 1)] * (1.0 + ((r0 + i) * n + (c0 + j)) % 97);
  return s;
}

static void jacobi(double *a, double *b, int rows, int cols, int ld) {
  for (int i = 1; i <= rows; i++)
    for (int j = 1; j <= cols; j++)
      b[i * ld + j] = 0.25 * (a[(i - 1) * ld + j] + a[(i + 1) * ld + j] + a[i * ld + j - 1] + a[i * ld + j + 1]);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int n = argc > 1 ? atoi(argv[1]) : 128;
  int iters = argc > 2 ? atoi(argv[2]) : 200;

  int dims[2] = {0, 0}, periods[2] = {0, 0}, coords[2];
  MPI_Dims_create(size, 2, dims);
  MPI_Comm grid;
  MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 1, &grid);
  MPI_Comm_rank(grid, &rank);
  MPI_Cart_coords(grid, rank, 2, coords);
  int r0 = coords[0] * n / dims[0], r1 = (coords[0] + 1) * n / dims[0];
  int c0 = coords[1] * n / dims[1], c1 = (coords[1] + 1) * n / dims[1];
  int rows = r1 - r0, cols = c1 - c0, ld = cols + 2;
  double *a = calloc((size_t)(rows + 2) * ld, sizeof(double));
  double *b = calloc((size_t)(rows + 2) * ld, sizeof(double));
  if (coords[0] == 0)
    for (int j = 0; j < ld; j++) a[j] = b[j] = 1.0;
  int up, down, left, right;
  MPI_Cart_shift(grid, 0, 1, &up, &down);
  MPI_Cart_shift(grid, 1, 1, &left, &right);
  MPI_Datatype column;
  MPI_Type_vector(rows, 1, ld, MPI_DOUBLE, &column);
  MPI_Type_commit(&column);

  double t0 = MPI_Wtime();
  for (int it = 0; it < iters; it++) {
    MPI_Sendrecv(&a[1 * ld + 1], cols, MPI_DOUBLE, up, 0, &a[(rows + 1) * ld + 1], cols, MPI_DOUBLE, down, 0, grid,
                 MPI_STATUS_IGNORE);
    MPI_Sendrecv(&a[rows * ld + 1], cols, MPI_DOUBLE, down, 1, &a[0 * ld + 1], cols, MPI_DOUBLE, up, 1, grid,
                 MPI_STATUS_IGNORE);
    MPI_Sendrecv(&a[1 * ld + 1], 1, column, left, 2, &a[1 * ld + cols + 1], 1, column, right, 2, grid,
                 MPI_STATUS_IGNORE);
    MPI_Sendrecv(&a[1 * ld + cols], 1, column, right, 3, &a[1 * ld + 0], 1, column, left, 3, grid, MPI_STATUS_IGNORE);
    jacobi(a, b, rows, cols, ld);
    double *t = a;
    a = b;
    b = t;
  }
  double elapsed = MPI_Wtime() - t0;

  double local[2] = {weighted(a, rows, cols, ld, r0, c0, n), 0}, global[2];
  for (int i = 1; i <= rows; i++)
    for (int j = 1; j <= cols; j++) local[1] += a[i * ld + j];
  MPI_Reduce(local, global, 2, MPI_DOUBLE, MPI_SUM, 0, grid);

  int ok = 1;
  if (rank == 0) {
    int sld = n + 2;
    double *sa = calloc((size_t)sld * sld, sizeof(double)), *sb = calloc((size_t)sld * sld, sizeof(double));
    for (int j = 0; j < sld; j++) sa[j] = sb[j] = 1.0;
    for (int it = 0; it < iters; it++) {
      jacobi(sa, sb, n, n, sld);
      double *t = sa;
      sa = sb;
      sb = t;
    }
    double serial = weighted(sa, n, n, sld, 0, 0, n);
    double rel = fabs(serial - global[0]) / fabs(serial);
    ok = rel < 1e-12;
    printf("heat2d: %dx%d plate, %d iterations on a %dx%d grid of ranks\n", n, n, iters, dims[0], dims[1]);
    printf("heat2d: heat %.8f, weighted checksum %.6e\n", global[1], global[0]);
    printf("heat2d: %s (relative difference to the serial plate below 1e-12)\n", ok ? "VALID" : "INVALID");
    fprintf(stderr, "heat2d: %.3f s, serial difference %.3e\n", elapsed, rel);
    free(sa);
    free(sb);
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, grid);
  MPI_Type_free(&column);
  MPI_Comm_free(&grid);
  free(a);
  free(b);
  MPI_Finalize();
  return ok ? 0 : 1;
}
