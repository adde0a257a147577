/* Shared by the conformance programs: CHECK fails the program (exit 1) with the line and what
 * was expected, so a wrong result is never silent. */
#ifndef OMP_CHECK_H
#define OMP_CHECK_H
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond, ...)                                                                          \
  do {                                                                                            \
    if (!(cond)) {                                                                                \
      fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);                   \
      fprintf(stderr, __VA_ARGS__);                                                               \
      fprintf(stderr, "\n");                                                                      \
      exit(1);                                                                                    \
    }                                                                                             \
  } while (0)

#define MAX_T 64
#endif
