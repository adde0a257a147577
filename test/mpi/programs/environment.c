/* The MPI environment: Init_thread, Initialized/Finalized, versions, processor name, Wtime and
 * Wtick, Query_thread, error strings and MPI_ERRORS_RETURN. */
#include <mpi.h>
#include <stdio.h>
#include <string.h>
#include "check.h"

int main(int argc, char **argv) {
  int rank = -1, size, flag = -1, provided = -1;
  MPI_Initialized(&flag);
  if (flag != 0) return 2;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Initialized(&flag);
  CHECK(flag == 1, "initialized");
  CHECK(provided >= MPI_THREAD_FUNNELED, "provided %d", provided);
  int q;
  MPI_Query_thread(&q);
  CHECK(q == provided, "query_thread");
  int version, subversion;
  MPI_Get_version(&version, &subversion);
  char name[MPI_MAX_PROCESSOR_NAME];
  int len = 0;
  MPI_Get_processor_name(name, &len);
  CHECK(len > 0 && (int)strlen(name) == len, "processor name");
  double t0 = MPI_Wtime(), tick = MPI_Wtick();
  CHECK(tick > 0 && tick < 0.01, "wtick %g", tick);
  double t1 = MPI_Wtime();
  CHECK(t1 >= t0, "wtime");
  int *tagub, found;
  MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &tagub, &found);
  CHECK(found && *tagub >= 32767, "tag ub");

  /* MPI_ERRORS_RETURN: an invalid rank comes back as an error code. */
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int x = 0;
  int err = MPI_Send(&x, 1, MPI_INT, size + 5, 0, MPI_COMM_WORLD);
  int cls;
  MPI_Error_class(err, &cls);
  CHECK(err != MPI_SUCCESS && cls == MPI_ERR_RANK, "errors return %d", err);
  char text[MPI_MAX_ERROR_STRING];
  MPI_Error_string(err, text, &len);
  CHECK(len > 0, "error string");
  err = MPI_Bcast(&x, 1, MPI_INT, size + 1, MPI_COMM_WORLD);
  CHECK(err != MPI_SUCCESS, "bad root returns");
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
  int one = 1, all = 0;
  MPI_Allreduce(&one, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  CHECK(all == size, "allreduce of ones %d", all);

  if (rank == 0) printf("MPI %d.%d, %d ranks, thread level %d\n", version >= 3 ? 3 : version, version >= 3 ? 1 : 0, size, provided);
  MPI_Finalize();
  MPI_Finalized(&flag);
  CHECK(flag == 1, "finalized");
  printf("rank %d finalized\n", rank);
  return 0;
}
