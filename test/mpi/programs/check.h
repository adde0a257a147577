/* Shared by the conformance programs: a failed check prints where and aborts the job. */
#ifndef CHECK_H
#define CHECK_H
#include <stdio.h>
#define CHECK(cond, ...)                                  \
  do {                                                    \
    if (!(cond)) {                                        \
      printf("rank %d FAILED line %d: ", rank, __LINE__); \
      printf(__VA_ARGS__);                                \
      printf("\n");                                       \
      MPI_Abort(MPI_COMM_WORLD, 1);                       \
    }                                                     \
  } while (0)
#endif
