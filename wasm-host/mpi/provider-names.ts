// The import namespace of MPI host calls (mpi.h imports from it).
export const MPI_NAMESPACE = "mpi";
// The control-point import (barrier.ts), here so that the snapshot room's names need no MPI code.
export const BARRIER_IMPORT = "MPI_Barrier";
