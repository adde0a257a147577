/* OSU-style micro-benchmarks between ranks 0 and 1: ping-pong latency and bandwidth from 8 B
 * to 4 MiB, then allreduce and barrier latency over all ranks. Checks the data it moves.
 * Prints one "name bytes microseconds MB/s" line per measurement.  Usage: pingpong [scale] */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  double scale = argc > 1 ? atof(argv[1]) : 1.0;
  const int max = 4 << 20;
  char *buf = malloc(max);
  int ok = 1;
  /* Untimed warm-up of the message path, so that what is measured is a job's steady state: a
   * JavaScript host compiles its hot paths only after tens of thousands of messages. */
  int warmup = (int)(scale * 100000);
  for (int i = 0; i < warmup && size > 1; i++) {
    if (rank == 0) {
      MPI_Send(buf, 8, MPI_BYTE, 1, 0, MPI_COMM_WORLD);
      MPI_Recv(buf, 8, MPI_BYTE, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else if (rank == 1) {
      MPI_Recv(buf, 8, MPI_BYTE, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      MPI_Send(buf, 8, MPI_BYTE, 0, 0, MPI_COMM_WORLD);
    }
  }
  static const int sizes[] = {8, 64, 512, 4096, 65536, 262144, 1 << 20, 4 << 20};
  for (int s = 0; s < 8; s++) {
    int bytes = sizes[s];
    /* As OSU's osu_latency: many iterations for small messages, after warm-up rounds that are
     * not timed (here a tenth, which also lets the JIT of a JavaScript host settle). */
    int iters = (int)(scale * (bytes <= 4096 ? 10000 : bytes <= 65536 ? 1000 : bytes <= (1 << 20) ? 100 : 30));
    if (iters < 2) iters = 2;
    int warm = iters / 10 + 1;
    /* Three timed rounds, the fastest reported: on a shared machine a round can lose its core to
     * another process for a while, which says nothing about the message path. */
    double us = 1e30;
    for (int round = 0; round < 3; round++) {
      double t0 = 0;
      MPI_Barrier(MPI_COMM_WORLD);
      for (int i = 0; i < iters + warm; i++) {
        if (i == warm) t0 = MPI_Wtime();
        if (rank == 0) {
          buf[0] = (char)i, buf[bytes - 1] = (char)(i + 1);
          MPI_Send(buf, bytes, MPI_BYTE, 1, 1, MPI_COMM_WORLD);
          MPI_Recv(buf, bytes, MPI_BYTE, 1, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
          ok &= buf[0] == (char)(i + 2) && buf[bytes - 1] == (char)(i + 3);
        } else if (rank == 1) {
          MPI_Recv(buf, bytes, MPI_BYTE, 0, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
          ok &= buf[0] == (char)i && buf[bytes - 1] == (char)(i + 1);
          buf[0] = (char)(i + 2), buf[bytes - 1] = (char)(i + 3);
          MPI_Send(buf, bytes, MPI_BYTE, 0, 2, MPI_COMM_WORLD);
        }
      }
      double t = (MPI_Wtime() - t0) / iters / 2 * 1e6;
      if (t < us) us = t;
    }
    if (rank == 0) printf("pingpong %d %.3f %.1f\n", bytes, us, bytes / us);
  }
  for (int bytes = 8; bytes <= 8192; bytes *= 32) {
    int iters = (int)(scale * 1000) + 2;
    double *in = calloc(bytes / 8, sizeof(double)), *out = calloc(bytes / 8, sizeof(double));
    for (int k = 0; k < bytes / 8; k++) in[k] = rank + k;
    /* Untimed warm-up, as for the ping-pong (OSU skips its first rounds too). */
    for (int i = 0; i < iters * 10; i++) MPI_Allreduce(in, out, bytes / 8, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    for (int i = 0; i < iters; i++) MPI_Allreduce(in, out, bytes / 8, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    double us = (MPI_Wtime() - t0) / iters * 1e6;
    ok &= out[0] == size * (size - 1) / 2.0;
    if (rank == 0) printf("allreduce %d %.3f 0\n", bytes, us);
    free(in);
    free(out);
  }
  int iters = (int)(scale * 1000) + 2;
  for (int i = 0; i < iters * 10; i++) MPI_Barrier(MPI_COMM_WORLD);
  double t0 = MPI_Wtime();
  for (int i = 0; i < iters; i++) MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) printf("barrier 0 %.3f 0\n", (MPI_Wtime() - t0) / iters * 1e6);
  int all;
  MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
  if (rank == 0) printf("pingpong: %s\n", all ? "VALID" : "INVALID");
  free(buf);
  MPI_Finalize();
  return all ? 0 : 1;
}
