// The import namespace of MPI host calls (mpi.h imports from it).
export const MPI_NAMESPACE = "mpi";
