/* Attribute caching: user keys with copy and delete callbacks (called on MPI_Comm_dup and
 * MPI_Comm_free), MPI_COMM_DUP_FN and MPI_COMM_NULL_COPY_FN, the MPI-1 names, and the
 * predefined MPI_TAG_UB and MPI_WTIME_IS_GLOBAL. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include "check.h"

static int copies, deletes;

static int copy_double(MPI_Comm comm, int key, void *extra, void *in, void *out, int *flag) {
  (void)comm, (void)key;
  int *v = malloc(sizeof(int));
  *v = *(int *)in * 2 + *(int *)extra;
  *(void **)out = v;
  *flag = 1;
  copies++;
  return MPI_SUCCESS;
}

static int delete_value(MPI_Comm comm, int key, void *value, void *extra) {
  (void)comm, (void)key, (void)extra;
  free(value);
  deletes++;
  return MPI_SUCCESS;
}

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  static int extra = 1;
  int kdouble, kplain, knull, flag;
  MPI_Comm_create_keyval(copy_double, delete_value, &kdouble, &extra);
  MPI_Comm_create_keyval(MPI_COMM_DUP_FN, MPI_COMM_NULL_DELETE_FN, &kplain, NULL);
  MPI_Keyval_create(MPI_NULL_COPY_FN, MPI_NULL_DELETE_FN, &knull, NULL);

  int *v = malloc(sizeof(int));
  *v = 10 + rank;
  static int plain = 5;
  MPI_Comm_set_attr(MPI_COMM_WORLD, kdouble, v);
  MPI_Comm_set_attr(MPI_COMM_WORLD, kplain, &plain);
  MPI_Attr_put(MPI_COMM_WORLD, knull, &plain);

  MPI_Comm dup;
  MPI_Comm_dup(MPI_COMM_WORLD, &dup);
  int *got;
  MPI_Comm_get_attr(dup, kdouble, &got, &flag);
  CHECK(flag && *got == 2 * (10 + rank) + 1, "copied attribute %d", flag ? *got : -1);
  MPI_Comm_get_attr(dup, kplain, &got, &flag);
  CHECK(flag && got == &plain, "dup_fn attribute");
  MPI_Attr_get(dup, knull, &got, &flag);
  CHECK(!flag, "null copy");
  MPI_Comm_free(&dup);
  CHECK(copies == 1 && deletes == 1, "callbacks %d %d", copies, deletes);

  MPI_Comm_delete_attr(MPI_COMM_WORLD, kdouble);
  CHECK(deletes == 2, "delete on delete_attr");
  MPI_Comm_get_attr(MPI_COMM_WORLD, kdouble, &got, &flag);
  CHECK(!flag, "deleted");
  MPI_Comm_free_keyval(&kdouble);
  CHECK(kdouble == MPI_KEYVAL_INVALID, "keyval freed");

  int *tagub, *global;
  MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &tagub, &flag);
  CHECK(flag && *tagub >= 32767, "tag ub");
  MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_WTIME_IS_GLOBAL, &global, &flag);
  int total;
  MPI_Allreduce(&copies, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) printf("attributes: %d copies over %d ranks\n", total, size);
  MPI_Finalize();
  return 0;
}
