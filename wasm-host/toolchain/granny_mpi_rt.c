/*
 * Linked into every MPI module by `granny cc`. It tells the runtime, before main runs, where
 * it may call back into the module: user-defined reduction operations (MPI_Op_create) are C
 * function pointers that take their length and datatype by pointer, and reductions need
 * scratch space in linear memory for the incoming vector, so the runtime needs malloc/free
 * and a small static area it owns.
 */
#include <stdlib.h>

extern void granny_mpi_runtime(int *scratch, void *(*alloc)(size_t), void (*release)(void *))
    __attribute__((import_module("mpi"), import_name("granny_mpi_runtime")));

static int granny_scratch[4];

__attribute__((constructor)) static void granny_mpi_register(void) {
  granny_mpi_runtime(granny_scratch, malloc, free);
}
