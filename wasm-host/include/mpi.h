/*
 * mpi.h for granny: MPI programs compiled to WebAssembly (wasm32-wasi) whose MPI calls are
 * provided by the runtime as imports from the "mpi" namespace. Handles are plain ints (they
 * are indices into per-rank state that the runtime keeps as serialisable data, so a rank can
 * be snapshotted and moved). Every MPI-3.1 C function is declared so that programs which
 * merely mention one compile; the runtime implements a subset, and `checkMpiImports` lists
 * what a module uses outside it. The numeric values below are an ABI shared with
 * wasm-host/mpi/abi.ts: change both together.
 */
#ifndef GRANNY_MPI_H
#define GRANNY_MPI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GRANNY_MPI 1
#define MPI_VERSION 3
#define MPI_SUBVERSION 1

#if defined(__wasm__)
#define GRANNY_MPI_IMPORT(name) __attribute__((import_module("mpi"), import_name(#name)))
#else
#define GRANNY_MPI_IMPORT(name)
#endif

typedef int MPI_Comm;
typedef int MPI_Datatype;
typedef int MPI_Op;
typedef int MPI_Group;
typedef int MPI_Request;
typedef int MPI_Errhandler;
typedef int MPI_Info;
typedef int MPI_Win;
typedef int MPI_File;
typedef int MPI_Message;
typedef int MPI_Session;
typedef int MPI_Fint;
typedef long MPI_Aint;
typedef long long MPI_Offset;
typedef long long MPI_Count;

typedef struct MPI_Status {
  int MPI_SOURCE;
  int MPI_TAG;
  int MPI_ERROR;
  /* Received size in bytes and the cancelled flag: private to the runtime. */
  int granny_count;
  int granny_cancelled;
} MPI_Status;

typedef void(MPI_User_function)(void *invec, void *inoutvec, int *len, MPI_Datatype *datatype);
typedef int(MPI_Comm_copy_attr_function)(MPI_Comm, int, void *, void *, void *, int *);
typedef int(MPI_Comm_delete_attr_function)(MPI_Comm, int, void *, void *);
typedef int(MPI_Type_copy_attr_function)(MPI_Datatype, int, void *, void *, void *, int *);
typedef int(MPI_Type_delete_attr_function)(MPI_Datatype, int, void *, void *);
typedef int(MPI_Win_copy_attr_function)(MPI_Win, int, void *, void *, void *, int *);
typedef int(MPI_Win_delete_attr_function)(MPI_Win, int, void *, void *);
typedef void(MPI_Comm_errhandler_function)(MPI_Comm *, int *, ...);
typedef void(MPI_File_errhandler_function)(MPI_File *, int *, ...);
typedef void(MPI_Win_errhandler_function)(MPI_Win *, int *, ...);
typedef MPI_Comm_errhandler_function MPI_Comm_errhandler_fn;
typedef MPI_File_errhandler_function MPI_File_errhandler_fn;
typedef MPI_Win_errhandler_function MPI_Win_errhandler_fn;
typedef void(MPI_Handler_function)(MPI_Comm *, int *, ...);
typedef int(MPI_Copy_function)(MPI_Comm, int, void *, void *, void *, int *);
typedef int(MPI_Delete_function)(MPI_Comm, int, void *, void *);
typedef int(MPI_Grequest_query_function)(void *, MPI_Status *);
typedef int(MPI_Grequest_free_function)(void *);
typedef int(MPI_Grequest_cancel_function)(void *, int);
typedef int(MPI_Datarep_extent_function)(MPI_Datatype, MPI_Aint *, void *);
typedef int(MPI_Datarep_conversion_function)(void *, MPI_Datatype, int, void *, MPI_Offset, void *);

/* Error classes. */
#define MPI_SUCCESS 0
#define MPI_ERR_BUFFER 1
#define MPI_ERR_COUNT 2
#define MPI_ERR_TYPE 3
#define MPI_ERR_TAG 4
#define MPI_ERR_COMM 5
#define MPI_ERR_RANK 6
#define MPI_ERR_REQUEST 7
#define MPI_ERR_ROOT 8
#define MPI_ERR_GROUP 9
#define MPI_ERR_OP 10
#define MPI_ERR_TOPOLOGY 11
#define MPI_ERR_DIMS 12
#define MPI_ERR_ARG 13
#define MPI_ERR_UNKNOWN 14
#define MPI_ERR_TRUNCATE 15
#define MPI_ERR_OTHER 16
#define MPI_ERR_INTERN 17
#define MPI_ERR_IN_STATUS 18
#define MPI_ERR_PENDING 19
#define MPI_ERR_ACCESS 20
#define MPI_ERR_AMODE 21
#define MPI_ERR_ASSERT 22
#define MPI_ERR_BAD_FILE 23
#define MPI_ERR_BASE 24
#define MPI_ERR_CONVERSION 25
#define MPI_ERR_DISP 26
#define MPI_ERR_DUP_DATAREP 27
#define MPI_ERR_FILE_EXISTS 28
#define MPI_ERR_FILE_IN_USE 29
#define MPI_ERR_FILE 30
#define MPI_ERR_INFO_KEY 31
#define MPI_ERR_INFO_NOKEY 32
#define MPI_ERR_INFO_VALUE 33
#define MPI_ERR_INFO 34
#define MPI_ERR_IO 35
#define MPI_ERR_KEYVAL 36
#define MPI_ERR_LOCKTYPE 37
#define MPI_ERR_NAME 38
#define MPI_ERR_NO_MEM 39
#define MPI_ERR_NOT_SAME 40
#define MPI_ERR_NO_SPACE 41
#define MPI_ERR_NO_SUCH_FILE 42
#define MPI_ERR_PORT 43
#define MPI_ERR_QUOTA 44
#define MPI_ERR_READ_ONLY 45
#define MPI_ERR_RMA_CONFLICT 46
#define MPI_ERR_RMA_SYNC 47
#define MPI_ERR_SERVICE 48
#define MPI_ERR_SIZE 49
#define MPI_ERR_SPAWN 50
#define MPI_ERR_UNSUPPORTED_DATAREP 51
#define MPI_ERR_UNSUPPORTED_OPERATION 52
#define MPI_ERR_WIN 53
#define MPI_T_ERR_MEMORY 54
#define MPI_ERR_RMA_RANGE 55
#define MPI_ERR_RMA_ATTACH 56
#define MPI_ERR_RMA_SHARED 57
#define MPI_ERR_RMA_FLAVOR 58
#define MPI_ERR_PROC_FAILED 59
#define MPI_ERR_LASTCODE 64

/* Null and predefined handles. */
#define MPI_COMM_NULL 0
#define MPI_COMM_WORLD 1
#define MPI_COMM_SELF 2
#define MPI_GROUP_NULL 0
#define MPI_GROUP_EMPTY 1
#define MPI_REQUEST_NULL 0
#define MPI_ERRHANDLER_NULL 0
#define MPI_ERRORS_ARE_FATAL 1
#define MPI_ERRORS_RETURN 2
#define MPI_ERRORS_ABORT 3
#define MPI_INFO_NULL 0
#define MPI_INFO_ENV 1
#define MPI_WIN_NULL 0
#define MPI_FILE_NULL 0
#define MPI_MESSAGE_NULL 0
#define MPI_MESSAGE_NO_PROC 1
#define MPI_OP_NULL 0
#define MPI_DATATYPE_NULL 0

/* Predefined datatypes. */
#define MPI_CHAR 1
#define MPI_SIGNED_CHAR 2
#define MPI_UNSIGNED_CHAR 3
#define MPI_BYTE 4
#define MPI_SHORT 5
#define MPI_UNSIGNED_SHORT 6
#define MPI_INT 7
#define MPI_UNSIGNED 8
#define MPI_LONG 9
#define MPI_UNSIGNED_LONG 10
#define MPI_LONG_LONG_INT 11
#define MPI_LONG_LONG 11
#define MPI_UNSIGNED_LONG_LONG 12
#define MPI_FLOAT 13
#define MPI_DOUBLE 14
#define MPI_LONG_DOUBLE 15
#define MPI_WCHAR 16
#define MPI_C_BOOL 17
#define MPI_INT8_T 18
#define MPI_INT16_T 19
#define MPI_INT32_T 20
#define MPI_INT64_T 21
#define MPI_UINT8_T 22
#define MPI_UINT16_T 23
#define MPI_UINT32_T 24
#define MPI_UINT64_T 25
#define MPI_PACKED 26
#define MPI_AINT 27
#define MPI_OFFSET 28
#define MPI_COUNT 29
#define MPI_FLOAT_INT 30
#define MPI_DOUBLE_INT 31
#define MPI_LONG_INT 32
#define MPI_2INT 33
#define MPI_SHORT_INT 34
#define MPI_LONG_DOUBLE_INT 35
#define MPI_C_FLOAT_COMPLEX 36
#define MPI_C_COMPLEX 36
#define MPI_C_DOUBLE_COMPLEX 37
#define MPI_C_LONG_DOUBLE_COMPLEX 38
#define MPI_UB 39
#define MPI_LB 40

/* Predefined reduction operations. */
#define MPI_MAX 1
#define MPI_MIN 2
#define MPI_SUM 3
#define MPI_PROD 4
#define MPI_LAND 5
#define MPI_BAND 6
#define MPI_LOR 7
#define MPI_BOR 8
#define MPI_LXOR 9
#define MPI_BXOR 10
#define MPI_MINLOC 11
#define MPI_MAXLOC 12
#define MPI_REPLACE 13
#define MPI_NO_OP 14

/* Special values. */
#define MPI_ANY_SOURCE (-1)
#define MPI_ANY_TAG (-1)
#define MPI_PROC_NULL (-2)
#define MPI_ROOT (-3)
#define MPI_UNDEFINED (-32766)
#define MPI_KEYVAL_INVALID (-1)
#define MPI_BSEND_OVERHEAD 64
#define MPI_BOTTOM ((void *)0)
#define MPI_IN_PLACE ((void *)-1)
#define MPI_STATUS_IGNORE ((MPI_Status *)1)
#define MPI_STATUSES_IGNORE ((MPI_Status *)1)
#define MPI_ERRCODES_IGNORE ((int *)0)
#define MPI_ARGV_NULL ((char **)0)
#define MPI_ARGVS_NULL ((char ***)0)
#define MPI_UNWEIGHTED ((int *)2)
#define MPI_WEIGHTS_EMPTY ((int *)3)
#define MPI_MAX_PROCESSOR_NAME 256
#define MPI_MAX_ERROR_STRING 256
#define MPI_MAX_OBJECT_NAME 64
#define MPI_MAX_LIBRARY_VERSION_STRING 256
#define MPI_MAX_INFO_KEY 36
#define MPI_MAX_INFO_VAL 256
#define MPI_MAX_PORT_NAME 1024
#define MPI_MAX_DATAREP_STRING 128

#define MPI_THREAD_SINGLE 0
#define MPI_THREAD_FUNNELED 1
#define MPI_THREAD_SERIALIZED 2
#define MPI_THREAD_MULTIPLE 3

/* Results of comparisons. */
#define MPI_IDENT 0
#define MPI_CONGRUENT 1
#define MPI_SIMILAR 2
#define MPI_UNEQUAL 3

/* Topologies. */
#define MPI_GRAPH 1
#define MPI_CART 2
#define MPI_DIST_GRAPH 3

/* Predefined attribute keys. */
#define MPI_TAG_UB 1
#define MPI_HOST 2
#define MPI_IO 3
#define MPI_WTIME_IS_GLOBAL 4
#define MPI_APPNUM 5
#define MPI_UNIVERSE_SIZE 6
#define MPI_LASTUSEDCODE 7

/* Datatype constructors and layouts. */
#define MPI_COMBINER_NAMED 1
#define MPI_COMBINER_DUP 2
#define MPI_COMBINER_CONTIGUOUS 3
#define MPI_COMBINER_VECTOR 4
#define MPI_COMBINER_HVECTOR 5
#define MPI_COMBINER_INDEXED 6
#define MPI_COMBINER_HINDEXED 7
#define MPI_COMBINER_INDEXED_BLOCK 8
#define MPI_COMBINER_HINDEXED_BLOCK 9
#define MPI_COMBINER_STRUCT 10
#define MPI_COMBINER_SUBARRAY 11
#define MPI_COMBINER_DARRAY 12
#define MPI_COMBINER_F90_REAL 13
#define MPI_COMBINER_F90_COMPLEX 14
#define MPI_COMBINER_F90_INTEGER 15
#define MPI_COMBINER_RESIZED 16
#define MPI_ORDER_C 56
#define MPI_ORDER_FORTRAN 57
#define MPI_DISTRIBUTE_BLOCK 121
#define MPI_DISTRIBUTE_CYCLIC 122
#define MPI_DISTRIBUTE_NONE 123
#define MPI_DISTRIBUTE_DFLT_DARG (-49767)
#define MPI_TYPECLASS_REAL 1
#define MPI_TYPECLASS_INTEGER 2
#define MPI_TYPECLASS_COMPLEX 3

/* One-sided communication and I/O (declared so that programs compile; not supported). */
#define MPI_LOCK_EXCLUSIVE 1
#define MPI_LOCK_SHARED 2
#define MPI_MODE_NOCHECK 1024
#define MPI_MODE_NOSTORE 2048
#define MPI_MODE_NOPUT 4096
#define MPI_MODE_NOPRECEDE 8192
#define MPI_MODE_NOSUCCEED 16384
#define MPI_WIN_BASE 1
#define MPI_WIN_SIZE 2
#define MPI_WIN_DISP_UNIT 3
#define MPI_WIN_CREATE_FLAVOR 4
#define MPI_WIN_MODEL 5
#define MPI_WIN_FLAVOR_CREATE 1
#define MPI_WIN_FLAVOR_ALLOCATE 2
#define MPI_WIN_FLAVOR_DYNAMIC 3
#define MPI_WIN_FLAVOR_SHARED 4
#define MPI_WIN_SEPARATE 1
#define MPI_WIN_UNIFIED 2
#define MPI_MODE_RDONLY 2
#define MPI_MODE_RDWR 8
#define MPI_MODE_WRONLY 4
#define MPI_MODE_CREATE 1
#define MPI_MODE_EXCL 64
#define MPI_MODE_DELETE_ON_CLOSE 16
#define MPI_MODE_UNIQUE_OPEN 32
#define MPI_MODE_APPEND 128
#define MPI_MODE_SEQUENTIAL 256
#define MPI_SEEK_SET 600
#define MPI_SEEK_CUR 602
#define MPI_SEEK_END 604
#define MPI_DISPLACEMENT_CURRENT (-54278278)
#define MPI_COMM_TYPE_SHARED 1

#define MPI_NULL_COPY_FN ((MPI_Copy_function *)0)
#define MPI_NULL_DELETE_FN ((MPI_Delete_function *)0)
#define MPI_COMM_NULL_COPY_FN ((MPI_Comm_copy_attr_function *)0)
#define MPI_COMM_NULL_DELETE_FN ((MPI_Comm_delete_attr_function *)0)
#define MPI_TYPE_NULL_COPY_FN ((MPI_Type_copy_attr_function *)0)
#define MPI_TYPE_NULL_DELETE_FN ((MPI_Type_delete_attr_function *)0)
#define MPI_WIN_NULL_COPY_FN ((MPI_Win_copy_attr_function *)0)
#define MPI_WIN_NULL_DELETE_FN ((MPI_Win_delete_attr_function *)0)
/* "Copy the attribute value as it is": a sentinel the runtime knows, never a real function. */
#define MPI_DUP_FN ((MPI_Copy_function *)-1)
#define MPI_COMM_DUP_FN ((MPI_Comm_copy_attr_function *)-1)
#define MPI_TYPE_DUP_FN ((MPI_Type_copy_attr_function *)-1)
#define MPI_WIN_DUP_FN ((MPI_Win_copy_attr_function *)-1)

/* Every MPI-3.1 function. */
GRANNY_MPI_IMPORT(MPI_Abort) int MPI_Abort(MPI_Comm comm, int errorcode);
GRANNY_MPI_IMPORT(MPI_Accumulate) int MPI_Accumulate(const void *origin_addr, int origin_count, MPI_Datatype origin_datatype, int target_rank, MPI_Aint target_disp, int target_count, MPI_Datatype target_datatype, MPI_Op op, MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Add_error_class) int MPI_Add_error_class(int *errorclass);
GRANNY_MPI_IMPORT(MPI_Add_error_code) int MPI_Add_error_code(int errorclass, int *errorcode);
GRANNY_MPI_IMPORT(MPI_Add_error_string) int MPI_Add_error_string(int errorcode, const char *string);
GRANNY_MPI_IMPORT(MPI_Allgather) int MPI_Allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Iallgather) int MPI_Iallgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Allgatherv) int MPI_Allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, const int recvcounts[], const int displs[], MPI_Datatype recvtype, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Iallgatherv) int MPI_Iallgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, const int recvcounts[], const int displs[], MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Alloc_mem) int MPI_Alloc_mem(MPI_Aint size, MPI_Info info, void *baseptr);
GRANNY_MPI_IMPORT(MPI_Allreduce) int MPI_Allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Iallreduce) int MPI_Iallreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Alltoall) int MPI_Alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Ialltoall) int MPI_Ialltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Alltoallv) int MPI_Alltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[], MPI_Datatype sendtype, void *recvbuf, const int recvcounts[], const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Ialltoallv) int MPI_Ialltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[], MPI_Datatype sendtype, void *recvbuf, const int recvcounts[], const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Alltoallw) int MPI_Alltoallw(const void *sendbuf, const int sendcounts[], const int sdispls[], const MPI_Datatype sendtypes[], void *recvbuf, const int recvcounts[], const int rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Ialltoallw) int MPI_Ialltoallw(const void *sendbuf, const int sendcounts[], const int sdispls[], const MPI_Datatype sendtypes[], void *recvbuf, const int recvcounts[], const int rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Barrier) int MPI_Barrier(MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Ibarrier) int MPI_Ibarrier(MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Bcast) int MPI_Bcast(void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Bsend) int MPI_Bsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Ibcast) int MPI_Ibcast(void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Bsend_init) int MPI_Bsend_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Buffer_attach) int MPI_Buffer_attach(void *buffer, int size);
GRANNY_MPI_IMPORT(MPI_Buffer_detach) int MPI_Buffer_detach(void *buffer, int *size);
GRANNY_MPI_IMPORT(MPI_Cancel) int MPI_Cancel(MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Cart_coords) int MPI_Cart_coords(MPI_Comm comm, int rank, int maxdims, int coords[]);
GRANNY_MPI_IMPORT(MPI_Cart_create) int MPI_Cart_create(MPI_Comm old_comm, int ndims, const int dims[], const int periods[], int reorder, MPI_Comm *comm_cart);
GRANNY_MPI_IMPORT(MPI_Cart_get) int MPI_Cart_get(MPI_Comm comm, int maxdims, int dims[], int periods[], int coords[]);
GRANNY_MPI_IMPORT(MPI_Cart_map) int MPI_Cart_map(MPI_Comm comm, int ndims, const int dims[], const int periods[], int *newrank);
GRANNY_MPI_IMPORT(MPI_Cart_rank) int MPI_Cart_rank(MPI_Comm comm, const int coords[], int *rank);
GRANNY_MPI_IMPORT(MPI_Cart_shift) int MPI_Cart_shift(MPI_Comm comm, int direction, int disp, int *rank_source, int *rank_dest);
GRANNY_MPI_IMPORT(MPI_Cart_sub) int MPI_Cart_sub(MPI_Comm comm, const int remain_dims[], MPI_Comm *new_comm);
GRANNY_MPI_IMPORT(MPI_Cartdim_get) int MPI_Cartdim_get(MPI_Comm comm, int *ndims);
GRANNY_MPI_IMPORT(MPI_Close_port) int MPI_Close_port(const char *port_name);
GRANNY_MPI_IMPORT(MPI_Comm_accept) int MPI_Comm_accept(const char *port_name, MPI_Info info, int root, MPI_Comm comm, MPI_Comm *newcomm);
GRANNY_MPI_IMPORT(MPI_Comm_c2f) MPI_Fint MPI_Comm_c2f(MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Comm_call_errhandler) int MPI_Comm_call_errhandler(MPI_Comm comm, int errorcode);
GRANNY_MPI_IMPORT(MPI_Comm_compare) int MPI_Comm_compare(MPI_Comm comm1, MPI_Comm comm2, int *result);
GRANNY_MPI_IMPORT(MPI_Comm_connect) int MPI_Comm_connect(const char *port_name, MPI_Info info, int root, MPI_Comm comm, MPI_Comm *newcomm);
GRANNY_MPI_IMPORT(MPI_Comm_create_errhandler) int MPI_Comm_create_errhandler(MPI_Comm_errhandler_function *function, MPI_Errhandler *errhandler);
GRANNY_MPI_IMPORT(MPI_Comm_create_keyval) int MPI_Comm_create_keyval(MPI_Comm_copy_attr_function *comm_copy_attr_fn, MPI_Comm_delete_attr_function *comm_delete_attr_fn, int *comm_keyval, void *extra_state);
GRANNY_MPI_IMPORT(MPI_Comm_create_group) int MPI_Comm_create_group(MPI_Comm comm, MPI_Group group, int tag, MPI_Comm *newcomm);
GRANNY_MPI_IMPORT(MPI_Comm_create) int MPI_Comm_create(MPI_Comm comm, MPI_Group group, MPI_Comm *newcomm);
GRANNY_MPI_IMPORT(MPI_Comm_delete_attr) int MPI_Comm_delete_attr(MPI_Comm comm, int comm_keyval);
GRANNY_MPI_IMPORT(MPI_Comm_disconnect) int MPI_Comm_disconnect(MPI_Comm *comm);
GRANNY_MPI_IMPORT(MPI_Comm_dup) int MPI_Comm_dup(MPI_Comm comm, MPI_Comm *newcomm);
GRANNY_MPI_IMPORT(MPI_Comm_idup) int MPI_Comm_idup(MPI_Comm comm, MPI_Comm *newcomm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Comm_dup_with_info) int MPI_Comm_dup_with_info(MPI_Comm comm, MPI_Info info, MPI_Comm *newcomm);
GRANNY_MPI_IMPORT(MPI_Comm_f2c) MPI_Comm MPI_Comm_f2c(MPI_Fint comm);
GRANNY_MPI_IMPORT(MPI_Comm_free_keyval) int MPI_Comm_free_keyval(int *comm_keyval);
GRANNY_MPI_IMPORT(MPI_Comm_free) int MPI_Comm_free(MPI_Comm *comm);
GRANNY_MPI_IMPORT(MPI_Comm_get_attr) int MPI_Comm_get_attr(MPI_Comm comm, int comm_keyval, void *attribute_val, int *flag);
GRANNY_MPI_IMPORT(MPI_Dist_graph_create) int MPI_Dist_graph_create(MPI_Comm comm_old, int n, const int nodes[], const int degrees[], const int targets[], const int weights[], MPI_Info info, int reorder, MPI_Comm * newcomm);
GRANNY_MPI_IMPORT(MPI_Dist_graph_create_adjacent) int MPI_Dist_graph_create_adjacent(MPI_Comm comm_old, int indegree, const int sources[], const int sourceweights[], int outdegree, const int destinations[], const int destweights[], MPI_Info info, int reorder, MPI_Comm *comm_dist_graph);
GRANNY_MPI_IMPORT(MPI_Dist_graph_neighbors) int MPI_Dist_graph_neighbors(MPI_Comm comm, int maxindegree, int sources[], int sourceweights[], int maxoutdegree, int destinations[], int destweights[]);
GRANNY_MPI_IMPORT(MPI_Dist_graph_neighbors_count) int MPI_Dist_graph_neighbors_count(MPI_Comm comm, int *inneighbors, int *outneighbors, int *weighted);
GRANNY_MPI_IMPORT(MPI_Comm_get_errhandler) int MPI_Comm_get_errhandler(MPI_Comm comm, MPI_Errhandler *erhandler);
GRANNY_MPI_IMPORT(MPI_Comm_get_info) int MPI_Comm_get_info(MPI_Comm comm, MPI_Info *info_used);
GRANNY_MPI_IMPORT(MPI_Comm_get_name) int MPI_Comm_get_name(MPI_Comm comm, char *comm_name, int *resultlen);
GRANNY_MPI_IMPORT(MPI_Comm_get_parent) int MPI_Comm_get_parent(MPI_Comm *parent);
GRANNY_MPI_IMPORT(MPI_Comm_group) int MPI_Comm_group(MPI_Comm comm, MPI_Group *group);
GRANNY_MPI_IMPORT(MPI_Comm_join) int MPI_Comm_join(int fd, MPI_Comm *intercomm);
GRANNY_MPI_IMPORT(MPI_Comm_rank) int MPI_Comm_rank(MPI_Comm comm, int *rank);
GRANNY_MPI_IMPORT(MPI_Comm_remote_group) int MPI_Comm_remote_group(MPI_Comm comm, MPI_Group *group);
GRANNY_MPI_IMPORT(MPI_Comm_remote_size) int MPI_Comm_remote_size(MPI_Comm comm, int *size);
GRANNY_MPI_IMPORT(MPI_Comm_set_attr) int MPI_Comm_set_attr(MPI_Comm comm, int comm_keyval, void *attribute_val);
GRANNY_MPI_IMPORT(MPI_Comm_set_errhandler) int MPI_Comm_set_errhandler(MPI_Comm comm, MPI_Errhandler errhandler);
GRANNY_MPI_IMPORT(MPI_Comm_set_info) int MPI_Comm_set_info(MPI_Comm comm, MPI_Info info);
GRANNY_MPI_IMPORT(MPI_Comm_set_name) int MPI_Comm_set_name(MPI_Comm comm, const char *comm_name);
GRANNY_MPI_IMPORT(MPI_Comm_size) int MPI_Comm_size(MPI_Comm comm, int *size);
GRANNY_MPI_IMPORT(MPI_Comm_spawn) int MPI_Comm_spawn(const char *command, char *argv[], int maxprocs, MPI_Info info, int root, MPI_Comm comm, MPI_Comm *intercomm, int array_of_errcodes[]);
GRANNY_MPI_IMPORT(MPI_Comm_spawn_multiple) int MPI_Comm_spawn_multiple(int count, char *array_of_commands[], char **array_of_argv[], const int array_of_maxprocs[], const MPI_Info array_of_info[], int root, MPI_Comm comm, MPI_Comm *intercomm, int array_of_errcodes[]);
GRANNY_MPI_IMPORT(MPI_Comm_split) int MPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm *newcomm);
GRANNY_MPI_IMPORT(MPI_Comm_split_type) int MPI_Comm_split_type(MPI_Comm comm, int split_type, int key, MPI_Info info, MPI_Comm *newcomm);
GRANNY_MPI_IMPORT(MPI_Comm_test_inter) int MPI_Comm_test_inter(MPI_Comm comm, int *flag);
GRANNY_MPI_IMPORT(MPI_Compare_and_swap) int MPI_Compare_and_swap(const void *origin_addr, const void *compare_addr, void *result_addr, MPI_Datatype datatype, int target_rank, MPI_Aint target_disp, MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Dims_create) int MPI_Dims_create(int nnodes, int ndims, int dims[]);
GRANNY_MPI_IMPORT(MPI_Errhandler_c2f) MPI_Fint MPI_Errhandler_c2f(MPI_Errhandler errhandler);
GRANNY_MPI_IMPORT(MPI_Errhandler_f2c) MPI_Errhandler MPI_Errhandler_f2c(MPI_Fint errhandler);
GRANNY_MPI_IMPORT(MPI_Errhandler_free) int MPI_Errhandler_free(MPI_Errhandler *errhandler);
GRANNY_MPI_IMPORT(MPI_Error_class) int MPI_Error_class(int errorcode, int *errorclass);
GRANNY_MPI_IMPORT(MPI_Error_string) int MPI_Error_string(int errorcode, char *string, int *resultlen);
GRANNY_MPI_IMPORT(MPI_Exscan) int MPI_Exscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Fetch_and_op) int MPI_Fetch_and_op(const void *origin_addr, void *result_addr, MPI_Datatype datatype, int target_rank, MPI_Aint target_disp, MPI_Op op, MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Iexscan) int MPI_Iexscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_File_c2f) MPI_Fint MPI_File_c2f(MPI_File file);
GRANNY_MPI_IMPORT(MPI_File_f2c) MPI_File MPI_File_f2c(MPI_Fint file);
GRANNY_MPI_IMPORT(MPI_File_call_errhandler) int MPI_File_call_errhandler(MPI_File fh, int errorcode);
GRANNY_MPI_IMPORT(MPI_File_create_errhandler) int MPI_File_create_errhandler(MPI_File_errhandler_function *function, MPI_Errhandler *errhandler);
GRANNY_MPI_IMPORT(MPI_File_set_errhandler) int MPI_File_set_errhandler(MPI_File file, MPI_Errhandler errhandler);
GRANNY_MPI_IMPORT(MPI_File_get_errhandler) int MPI_File_get_errhandler(MPI_File file, MPI_Errhandler *errhandler);
GRANNY_MPI_IMPORT(MPI_File_open) int MPI_File_open(MPI_Comm comm, const char *filename, int amode, MPI_Info info, MPI_File *fh);
GRANNY_MPI_IMPORT(MPI_File_close) int MPI_File_close(MPI_File *fh);
GRANNY_MPI_IMPORT(MPI_File_delete) int MPI_File_delete(const char *filename, MPI_Info info);
GRANNY_MPI_IMPORT(MPI_File_set_size) int MPI_File_set_size(MPI_File fh, MPI_Offset size);
GRANNY_MPI_IMPORT(MPI_File_preallocate) int MPI_File_preallocate(MPI_File fh, MPI_Offset size);
GRANNY_MPI_IMPORT(MPI_File_get_size) int MPI_File_get_size(MPI_File fh, MPI_Offset *size);
GRANNY_MPI_IMPORT(MPI_File_get_group) int MPI_File_get_group(MPI_File fh, MPI_Group *group);
GRANNY_MPI_IMPORT(MPI_File_get_amode) int MPI_File_get_amode(MPI_File fh, int *amode);
GRANNY_MPI_IMPORT(MPI_File_set_info) int MPI_File_set_info(MPI_File fh, MPI_Info info);
GRANNY_MPI_IMPORT(MPI_File_get_info) int MPI_File_get_info(MPI_File fh, MPI_Info *info_used);
GRANNY_MPI_IMPORT(MPI_File_set_view) int MPI_File_set_view(MPI_File fh, MPI_Offset disp, MPI_Datatype etype, MPI_Datatype filetype, const char *datarep, MPI_Info info);
GRANNY_MPI_IMPORT(MPI_File_get_view) int MPI_File_get_view(MPI_File fh, MPI_Offset *disp, MPI_Datatype *etype, MPI_Datatype *filetype, char *datarep);
GRANNY_MPI_IMPORT(MPI_File_read_at) int MPI_File_read_at(MPI_File fh, MPI_Offset offset, void *buf, int count, MPI_Datatype datatype, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_File_read_at_all) int MPI_File_read_at_all(MPI_File fh, MPI_Offset offset, void *buf, int count, MPI_Datatype datatype, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_File_write_at) int MPI_File_write_at(MPI_File fh, MPI_Offset offset, const void *buf, int count, MPI_Datatype datatype, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_File_write_at_all) int MPI_File_write_at_all(MPI_File fh, MPI_Offset offset, const void *buf, int count, MPI_Datatype datatype, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_File_iread_at) int MPI_File_iread_at(MPI_File fh, MPI_Offset offset, void *buf, int count, MPI_Datatype datatype, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_File_iwrite_at) int MPI_File_iwrite_at(MPI_File fh, MPI_Offset offset, const void *buf, int count, MPI_Datatype datatype, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_File_iread_at_all) int MPI_File_iread_at_all(MPI_File fh, MPI_Offset offset, void *buf, int count, MPI_Datatype datatype, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_File_iwrite_at_all) int MPI_File_iwrite_at_all(MPI_File fh, MPI_Offset offset, const void *buf, int count, MPI_Datatype datatype, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_File_read) int MPI_File_read(MPI_File fh, void *buf, int count, MPI_Datatype datatype, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_File_read_all) int MPI_File_read_all(MPI_File fh, void *buf, int count, MPI_Datatype datatype, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_File_write) int MPI_File_write(MPI_File fh, const void *buf, int count, MPI_Datatype datatype, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_File_write_all) int MPI_File_write_all(MPI_File fh, const void *buf, int count, MPI_Datatype datatype, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_File_iread) int MPI_File_iread(MPI_File fh, void *buf, int count, MPI_Datatype datatype, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_File_iwrite) int MPI_File_iwrite(MPI_File fh, const void *buf, int count, MPI_Datatype datatype, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_File_iread_all) int MPI_File_iread_all(MPI_File fh, void *buf, int count, MPI_Datatype datatype, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_File_iwrite_all) int MPI_File_iwrite_all(MPI_File fh, const void *buf, int count, MPI_Datatype datatype, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_File_seek) int MPI_File_seek(MPI_File fh, MPI_Offset offset, int whence);
GRANNY_MPI_IMPORT(MPI_File_get_position) int MPI_File_get_position(MPI_File fh, MPI_Offset *offset);
GRANNY_MPI_IMPORT(MPI_File_get_byte_offset) int MPI_File_get_byte_offset(MPI_File fh, MPI_Offset offset, MPI_Offset *disp);
GRANNY_MPI_IMPORT(MPI_File_read_shared) int MPI_File_read_shared(MPI_File fh, void *buf, int count, MPI_Datatype datatype, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_File_write_shared) int MPI_File_write_shared(MPI_File fh, const void *buf, int count, MPI_Datatype datatype, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_File_iread_shared) int MPI_File_iread_shared(MPI_File fh, void *buf, int count, MPI_Datatype datatype, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_File_iwrite_shared) int MPI_File_iwrite_shared(MPI_File fh, const void *buf, int count, MPI_Datatype datatype, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_File_read_ordered) int MPI_File_read_ordered(MPI_File fh, void *buf, int count, MPI_Datatype datatype, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_File_write_ordered) int MPI_File_write_ordered(MPI_File fh, const void *buf, int count, MPI_Datatype datatype, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_File_seek_shared) int MPI_File_seek_shared(MPI_File fh, MPI_Offset offset, int whence);
GRANNY_MPI_IMPORT(MPI_File_get_position_shared) int MPI_File_get_position_shared(MPI_File fh, MPI_Offset *offset);
GRANNY_MPI_IMPORT(MPI_File_read_at_all_begin) int MPI_File_read_at_all_begin(MPI_File fh, MPI_Offset offset, void *buf, int count, MPI_Datatype datatype);
GRANNY_MPI_IMPORT(MPI_File_read_at_all_end) int MPI_File_read_at_all_end(MPI_File fh, void *buf, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_File_write_at_all_begin) int MPI_File_write_at_all_begin(MPI_File fh, MPI_Offset offset, const void *buf, int count, MPI_Datatype datatype);
GRANNY_MPI_IMPORT(MPI_File_write_at_all_end) int MPI_File_write_at_all_end(MPI_File fh, const void *buf, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_File_read_all_begin) int MPI_File_read_all_begin(MPI_File fh, void *buf, int count, MPI_Datatype datatype);
GRANNY_MPI_IMPORT(MPI_File_read_all_end) int MPI_File_read_all_end(MPI_File fh, void *buf, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_File_write_all_begin) int MPI_File_write_all_begin(MPI_File fh, const void *buf, int count, MPI_Datatype datatype);
GRANNY_MPI_IMPORT(MPI_File_write_all_end) int MPI_File_write_all_end(MPI_File fh, const void *buf, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_File_read_ordered_begin) int MPI_File_read_ordered_begin(MPI_File fh, void *buf, int count, MPI_Datatype datatype);
GRANNY_MPI_IMPORT(MPI_File_read_ordered_end) int MPI_File_read_ordered_end(MPI_File fh, void *buf, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_File_write_ordered_begin) int MPI_File_write_ordered_begin(MPI_File fh, const void *buf, int count, MPI_Datatype datatype);
GRANNY_MPI_IMPORT(MPI_File_write_ordered_end) int MPI_File_write_ordered_end(MPI_File fh, const void *buf, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_File_get_type_extent) int MPI_File_get_type_extent(MPI_File fh, MPI_Datatype datatype, MPI_Aint *extent);
GRANNY_MPI_IMPORT(MPI_File_set_atomicity) int MPI_File_set_atomicity(MPI_File fh, int flag);
GRANNY_MPI_IMPORT(MPI_File_get_atomicity) int MPI_File_get_atomicity(MPI_File fh, int *flag);
GRANNY_MPI_IMPORT(MPI_File_sync) int MPI_File_sync(MPI_File fh);
GRANNY_MPI_IMPORT(MPI_Finalize) int MPI_Finalize(void);
GRANNY_MPI_IMPORT(MPI_Finalized) int MPI_Finalized(int *flag);
GRANNY_MPI_IMPORT(MPI_Free_mem) int MPI_Free_mem(void *base);
GRANNY_MPI_IMPORT(MPI_Gather) int MPI_Gather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Igather) int MPI_Igather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Gatherv) int MPI_Gatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, const int recvcounts[], const int displs[], MPI_Datatype recvtype, int root, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Igatherv) int MPI_Igatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, const int recvcounts[], const int displs[], MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Get_address) int MPI_Get_address(const void *location, MPI_Aint *address);
GRANNY_MPI_IMPORT(MPI_Get_count) int MPI_Get_count(const MPI_Status *status, MPI_Datatype datatype, int *count);
GRANNY_MPI_IMPORT(MPI_Get_elements) int MPI_Get_elements(const MPI_Status *status, MPI_Datatype datatype, int *count);
GRANNY_MPI_IMPORT(MPI_Get_elements_x) int MPI_Get_elements_x(const MPI_Status *status, MPI_Datatype datatype, MPI_Count *count);
GRANNY_MPI_IMPORT(MPI_Get) int MPI_Get(void *origin_addr, int origin_count, MPI_Datatype origin_datatype, int target_rank, MPI_Aint target_disp, int target_count, MPI_Datatype target_datatype, MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Get_accumulate) int MPI_Get_accumulate(const void *origin_addr, int origin_count, MPI_Datatype origin_datatype, void *result_addr, int result_count, MPI_Datatype result_datatype, int target_rank, MPI_Aint target_disp, int target_count, MPI_Datatype target_datatype, MPI_Op op, MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Get_library_version) int MPI_Get_library_version(char *version, int *resultlen);
GRANNY_MPI_IMPORT(MPI_Get_processor_name) int MPI_Get_processor_name(char *name, int *resultlen);
GRANNY_MPI_IMPORT(MPI_Get_version) int MPI_Get_version(int *version, int *subversion);
GRANNY_MPI_IMPORT(MPI_Graph_create) int MPI_Graph_create(MPI_Comm comm_old, int nnodes, const int index[], const int edges[], int reorder, MPI_Comm *comm_graph);
GRANNY_MPI_IMPORT(MPI_Graph_get) int MPI_Graph_get(MPI_Comm comm, int maxindex, int maxedges, int index[], int edges[]);
GRANNY_MPI_IMPORT(MPI_Graph_map) int MPI_Graph_map(MPI_Comm comm, int nnodes, const int index[], const int edges[], int *newrank);
GRANNY_MPI_IMPORT(MPI_Graph_neighbors_count) int MPI_Graph_neighbors_count(MPI_Comm comm, int rank, int *nneighbors);
GRANNY_MPI_IMPORT(MPI_Graph_neighbors) int MPI_Graph_neighbors(MPI_Comm comm, int rank, int maxneighbors, int neighbors[]);
GRANNY_MPI_IMPORT(MPI_Graphdims_get) int MPI_Graphdims_get(MPI_Comm comm, int *nnodes, int *nedges);
GRANNY_MPI_IMPORT(MPI_Grequest_complete) int MPI_Grequest_complete(MPI_Request request);
GRANNY_MPI_IMPORT(MPI_Grequest_start) int MPI_Grequest_start(MPI_Grequest_query_function *query_fn, MPI_Grequest_free_function *free_fn, MPI_Grequest_cancel_function *cancel_fn, void *extra_state, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Group_c2f) MPI_Fint MPI_Group_c2f(MPI_Group group);
GRANNY_MPI_IMPORT(MPI_Group_compare) int MPI_Group_compare(MPI_Group group1, MPI_Group group2, int *result);
GRANNY_MPI_IMPORT(MPI_Group_difference) int MPI_Group_difference(MPI_Group group1, MPI_Group group2, MPI_Group *newgroup);
GRANNY_MPI_IMPORT(MPI_Group_excl) int MPI_Group_excl(MPI_Group group, int n, const int ranks[], MPI_Group *newgroup);
GRANNY_MPI_IMPORT(MPI_Group_f2c) MPI_Group MPI_Group_f2c(MPI_Fint group);
GRANNY_MPI_IMPORT(MPI_Group_free) int MPI_Group_free(MPI_Group *group);
GRANNY_MPI_IMPORT(MPI_Group_incl) int MPI_Group_incl(MPI_Group group, int n, const int ranks[], MPI_Group *newgroup);
GRANNY_MPI_IMPORT(MPI_Group_intersection) int MPI_Group_intersection(MPI_Group group1, MPI_Group group2, MPI_Group *newgroup);
GRANNY_MPI_IMPORT(MPI_Group_range_excl) int MPI_Group_range_excl(MPI_Group group, int n, int ranges[][3], MPI_Group *newgroup);
GRANNY_MPI_IMPORT(MPI_Group_range_incl) int MPI_Group_range_incl(MPI_Group group, int n, int ranges[][3], MPI_Group *newgroup);
GRANNY_MPI_IMPORT(MPI_Group_rank) int MPI_Group_rank(MPI_Group group, int *rank);
GRANNY_MPI_IMPORT(MPI_Group_size) int MPI_Group_size(MPI_Group group, int *size);
GRANNY_MPI_IMPORT(MPI_Group_translate_ranks) int MPI_Group_translate_ranks(MPI_Group group1, int n, const int ranks1[], MPI_Group group2, int ranks2[]);
GRANNY_MPI_IMPORT(MPI_Group_union) int MPI_Group_union(MPI_Group group1, MPI_Group group2, MPI_Group *newgroup);
GRANNY_MPI_IMPORT(MPI_Ibsend) int MPI_Ibsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Improbe) int MPI_Improbe(int source, int tag, MPI_Comm comm, int *flag, MPI_Message *message, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_Imrecv) int MPI_Imrecv(void *buf, int count, MPI_Datatype type, MPI_Message *message, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Info_c2f) MPI_Fint MPI_Info_c2f(MPI_Info info);
GRANNY_MPI_IMPORT(MPI_Info_create) int MPI_Info_create(MPI_Info *info);
GRANNY_MPI_IMPORT(MPI_Info_delete) int MPI_Info_delete(MPI_Info info, const char *key);
GRANNY_MPI_IMPORT(MPI_Info_dup) int MPI_Info_dup(MPI_Info info, MPI_Info *newinfo);
GRANNY_MPI_IMPORT(MPI_Info_f2c) MPI_Info MPI_Info_f2c(MPI_Fint info);
GRANNY_MPI_IMPORT(MPI_Info_free) int MPI_Info_free(MPI_Info *info);
GRANNY_MPI_IMPORT(MPI_Info_get) int MPI_Info_get(MPI_Info info, const char *key, int valuelen, char *value, int *flag);
GRANNY_MPI_IMPORT(MPI_Info_get_nkeys) int MPI_Info_get_nkeys(MPI_Info info, int *nkeys);
GRANNY_MPI_IMPORT(MPI_Info_get_nthkey) int MPI_Info_get_nthkey(MPI_Info info, int n, char *key);
GRANNY_MPI_IMPORT(MPI_Info_get_valuelen) int MPI_Info_get_valuelen(MPI_Info info, const char *key, int *valuelen, int *flag);
GRANNY_MPI_IMPORT(MPI_Info_set) int MPI_Info_set(MPI_Info info, const char *key, const char *value);
GRANNY_MPI_IMPORT(MPI_Init) int MPI_Init(int *argc, char ***argv);
GRANNY_MPI_IMPORT(MPI_Initialized) int MPI_Initialized(int *flag);
GRANNY_MPI_IMPORT(MPI_Init_thread) int MPI_Init_thread(int *argc, char ***argv, int required, int *provided);
GRANNY_MPI_IMPORT(MPI_Intercomm_create) int MPI_Intercomm_create(MPI_Comm local_comm, int local_leader, MPI_Comm bridge_comm, int remote_leader, int tag, MPI_Comm *newintercomm);
GRANNY_MPI_IMPORT(MPI_Intercomm_merge) int MPI_Intercomm_merge(MPI_Comm intercomm, int high, MPI_Comm *newintercomm);
GRANNY_MPI_IMPORT(MPI_Iprobe) int MPI_Iprobe(int source, int tag, MPI_Comm comm, int *flag, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_Irecv) int MPI_Irecv(void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Irsend) int MPI_Irsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Isend) int MPI_Isend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Issend) int MPI_Issend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Is_thread_main) int MPI_Is_thread_main(int *flag);
GRANNY_MPI_IMPORT(MPI_Lookup_name) int MPI_Lookup_name(const char *service_name, MPI_Info info, char *port_name);
GRANNY_MPI_IMPORT(MPI_Message_c2f) MPI_Fint MPI_Message_c2f(MPI_Message message);
GRANNY_MPI_IMPORT(MPI_Message_f2c) MPI_Message MPI_Message_f2c(MPI_Fint message);
GRANNY_MPI_IMPORT(MPI_Mprobe) int MPI_Mprobe(int source, int tag, MPI_Comm comm, MPI_Message *message, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_Mrecv) int MPI_Mrecv(void *buf, int count, MPI_Datatype type, MPI_Message *message, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_Neighbor_allgather) int MPI_Neighbor_allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Ineighbor_allgather) int MPI_Ineighbor_allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Neighbor_allgatherv) int MPI_Neighbor_allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, const int recvcounts[], const int displs[], MPI_Datatype recvtype, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Ineighbor_allgatherv) int MPI_Ineighbor_allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, const int recvcounts[], const int displs[], MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Neighbor_alltoall) int MPI_Neighbor_alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Ineighbor_alltoall) int MPI_Ineighbor_alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Neighbor_alltoallv) int MPI_Neighbor_alltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[], MPI_Datatype sendtype, void *recvbuf, const int recvcounts[], const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Ineighbor_alltoallv) int MPI_Ineighbor_alltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[], MPI_Datatype sendtype, void *recvbuf, const int recvcounts[], const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Neighbor_alltoallw) int MPI_Neighbor_alltoallw(const void *sendbuf, const int sendcounts[], const MPI_Aint sdispls[], const MPI_Datatype sendtypes[], void *recvbuf, const int recvcounts[], const MPI_Aint rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Ineighbor_alltoallw) int MPI_Ineighbor_alltoallw(const void *sendbuf, const int sendcounts[], const MPI_Aint sdispls[], const MPI_Datatype sendtypes[], void *recvbuf, const int recvcounts[], const MPI_Aint rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Op_c2f) MPI_Fint MPI_Op_c2f(MPI_Op op);
GRANNY_MPI_IMPORT(MPI_Op_commutative) int MPI_Op_commutative(MPI_Op op, int *commute);
GRANNY_MPI_IMPORT(MPI_Op_create) int MPI_Op_create(MPI_User_function *function, int commute, MPI_Op *op);
GRANNY_MPI_IMPORT(MPI_Open_port) int MPI_Open_port(MPI_Info info, char *port_name);
GRANNY_MPI_IMPORT(MPI_Op_f2c) MPI_Op MPI_Op_f2c(MPI_Fint op);
GRANNY_MPI_IMPORT(MPI_Op_free) int MPI_Op_free(MPI_Op *op);
GRANNY_MPI_IMPORT(MPI_Pack_external) int MPI_Pack_external(const char datarep[], const void *inbuf, int incount, MPI_Datatype datatype, void *outbuf, MPI_Aint outsize, MPI_Aint *position);
GRANNY_MPI_IMPORT(MPI_Pack_external_size) int MPI_Pack_external_size(const char datarep[], int incount, MPI_Datatype datatype, MPI_Aint *size);
GRANNY_MPI_IMPORT(MPI_Pack) int MPI_Pack(const void *inbuf, int incount, MPI_Datatype datatype, void *outbuf, int outsize, int *position, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Pack_size) int MPI_Pack_size(int incount, MPI_Datatype datatype, MPI_Comm comm, int *size);
GRANNY_MPI_IMPORT(MPI_Pcontrol) int MPI_Pcontrol(const int level, ...);
GRANNY_MPI_IMPORT(MPI_Probe) int MPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_Publish_name) int MPI_Publish_name(const char *service_name, MPI_Info info, const char *port_name);
GRANNY_MPI_IMPORT(MPI_Put) int MPI_Put(const void *origin_addr, int origin_count, MPI_Datatype origin_datatype, int target_rank, MPI_Aint target_disp, int target_count, MPI_Datatype target_datatype, MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Query_thread) int MPI_Query_thread(int *provided);
GRANNY_MPI_IMPORT(MPI_Raccumulate) int MPI_Raccumulate(const void *origin_addr, int origin_count, MPI_Datatype origin_datatype, int target_rank, MPI_Aint target_disp, int target_count, MPI_Datatype target_datatype, MPI_Op op, MPI_Win win, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Recv_init) int MPI_Recv_init(void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Recv) int MPI_Recv(void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_Reduce) int MPI_Reduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, int root, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Ireduce) int MPI_Ireduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, int root, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Reduce_local) int MPI_Reduce_local(const void *inbuf, void *inoutbuf, int count, MPI_Datatype datatype, MPI_Op op);
GRANNY_MPI_IMPORT(MPI_Reduce_scatter) int MPI_Reduce_scatter(const void *sendbuf, void *recvbuf, const int recvcounts[], MPI_Datatype datatype, MPI_Op op, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Ireduce_scatter) int MPI_Ireduce_scatter(const void *sendbuf, void *recvbuf, const int recvcounts[], MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Reduce_scatter_block) int MPI_Reduce_scatter_block(const void *sendbuf, void *recvbuf, int recvcount, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Ireduce_scatter_block) int MPI_Ireduce_scatter_block(const void *sendbuf, void *recvbuf, int recvcount, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Register_datarep) int MPI_Register_datarep(const char *datarep, MPI_Datarep_conversion_function *read_conversion_fn, MPI_Datarep_conversion_function *write_conversion_fn, MPI_Datarep_extent_function *dtype_file_extent_fn, void *extra_state);
GRANNY_MPI_IMPORT(MPI_Request_c2f) MPI_Fint MPI_Request_c2f(MPI_Request request);
GRANNY_MPI_IMPORT(MPI_Request_f2c) MPI_Request MPI_Request_f2c(MPI_Fint request);
GRANNY_MPI_IMPORT(MPI_Request_free) int MPI_Request_free(MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Request_get_status) int MPI_Request_get_status(MPI_Request request, int *flag, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_Rget) int MPI_Rget(void *origin_addr, int origin_count, MPI_Datatype origin_datatype, int target_rank, MPI_Aint target_disp, int target_count, MPI_Datatype target_datatype, MPI_Win win, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Rget_accumulate) int MPI_Rget_accumulate(const void *origin_addr, int origin_count, MPI_Datatype origin_datatype, void *result_addr, int result_count, MPI_Datatype result_datatype, int target_rank, MPI_Aint target_disp, int target_count, MPI_Datatype target_datatype, MPI_Op op, MPI_Win win, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Rput) int MPI_Rput(const void *origin_addr, int origin_count, MPI_Datatype origin_datatype, int target_rank, MPI_Aint target_disp, int target_cout, MPI_Datatype target_datatype, MPI_Win win, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Rsend) int MPI_Rsend(const void *ibuf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Rsend_init) int MPI_Rsend_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Scan) int MPI_Scan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Iscan) int MPI_Iscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Scatter) int MPI_Scatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Iscatter) int MPI_Iscatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Scatterv) int MPI_Scatterv(const void *sendbuf, const int sendcounts[], const int displs[], MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Iscatterv) int MPI_Iscatterv(const void *sendbuf, const int sendcounts[], const int displs[], MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Send_init) int MPI_Send_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Send) int MPI_Send(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Sendrecv) int MPI_Sendrecv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, int dest, int sendtag, void *recvbuf, int recvcount, MPI_Datatype recvtype, int source, int recvtag, MPI_Comm comm, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_Sendrecv_replace) int MPI_Sendrecv_replace(void * buf, int count, MPI_Datatype datatype, int dest, int sendtag, int source, int recvtag, MPI_Comm comm, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_Ssend_init) int MPI_Ssend_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Ssend) int MPI_Ssend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Start) int MPI_Start(MPI_Request *request);
GRANNY_MPI_IMPORT(MPI_Startall) int MPI_Startall(int count, MPI_Request array_of_requests[]);
GRANNY_MPI_IMPORT(MPI_Status_c2f) int MPI_Status_c2f(const MPI_Status *c_status, MPI_Fint *f_status);
GRANNY_MPI_IMPORT(MPI_Status_f2c) int MPI_Status_f2c(const MPI_Fint *f_status, MPI_Status *c_status);
GRANNY_MPI_IMPORT(MPI_Status_set_cancelled) int MPI_Status_set_cancelled(MPI_Status *status, int flag);
GRANNY_MPI_IMPORT(MPI_Status_set_elements) int MPI_Status_set_elements(MPI_Status *status, MPI_Datatype datatype, int count);
GRANNY_MPI_IMPORT(MPI_Status_set_elements_x) int MPI_Status_set_elements_x(MPI_Status *status, MPI_Datatype datatype, MPI_Count count);
GRANNY_MPI_IMPORT(MPI_Testall) int MPI_Testall(int count, MPI_Request array_of_requests[], int *flag, MPI_Status array_of_statuses[]);
GRANNY_MPI_IMPORT(MPI_Testany) int MPI_Testany(int count, MPI_Request array_of_requests[], int *index, int *flag, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_Test) int MPI_Test(MPI_Request *request, int *flag, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_Test_cancelled) int MPI_Test_cancelled(const MPI_Status *status, int *flag);
GRANNY_MPI_IMPORT(MPI_Testsome) int MPI_Testsome(int incount, MPI_Request array_of_requests[], int *outcount, int array_of_indices[], MPI_Status array_of_statuses[]);
GRANNY_MPI_IMPORT(MPI_Topo_test) int MPI_Topo_test(MPI_Comm comm, int *status);
GRANNY_MPI_IMPORT(MPI_Type_c2f) MPI_Fint MPI_Type_c2f(MPI_Datatype datatype);
GRANNY_MPI_IMPORT(MPI_Type_commit) int MPI_Type_commit(MPI_Datatype *type);
GRANNY_MPI_IMPORT(MPI_Type_contiguous) int MPI_Type_contiguous(int count, MPI_Datatype oldtype, MPI_Datatype *newtype);
GRANNY_MPI_IMPORT(MPI_Type_create_darray) int MPI_Type_create_darray(int size, int rank, int ndims, const int gsize_array[], const int distrib_array[], const int darg_array[], const int psize_array[], int order, MPI_Datatype oldtype, MPI_Datatype *newtype);
GRANNY_MPI_IMPORT(MPI_Type_create_f90_complex) int MPI_Type_create_f90_complex(int p, int r, MPI_Datatype *newtype);
GRANNY_MPI_IMPORT(MPI_Type_create_f90_integer) int MPI_Type_create_f90_integer(int r, MPI_Datatype *newtype);
GRANNY_MPI_IMPORT(MPI_Type_create_f90_real) int MPI_Type_create_f90_real(int p, int r, MPI_Datatype *newtype);
GRANNY_MPI_IMPORT(MPI_Type_create_hindexed_block) int MPI_Type_create_hindexed_block(int count, int blocklength, const MPI_Aint array_of_displacements[], MPI_Datatype oldtype, MPI_Datatype *newtype);
GRANNY_MPI_IMPORT(MPI_Type_create_hindexed) int MPI_Type_create_hindexed(int count, const int array_of_blocklengths[], const MPI_Aint array_of_displacements[], MPI_Datatype oldtype, MPI_Datatype *newtype);
GRANNY_MPI_IMPORT(MPI_Type_create_hvector) int MPI_Type_create_hvector(int count, int blocklength, MPI_Aint stride, MPI_Datatype oldtype, MPI_Datatype *newtype);
GRANNY_MPI_IMPORT(MPI_Type_create_keyval) int MPI_Type_create_keyval(MPI_Type_copy_attr_function *type_copy_attr_fn, MPI_Type_delete_attr_function *type_delete_attr_fn, int *type_keyval, void *extra_state);
GRANNY_MPI_IMPORT(MPI_Type_create_indexed_block) int MPI_Type_create_indexed_block(int count, int blocklength, const int array_of_displacements[], MPI_Datatype oldtype, MPI_Datatype *newtype);
GRANNY_MPI_IMPORT(MPI_Type_create_struct) int MPI_Type_create_struct(int count, const int array_of_block_lengths[], const MPI_Aint array_of_displacements[], const MPI_Datatype array_of_types[], MPI_Datatype *newtype);
GRANNY_MPI_IMPORT(MPI_Type_create_subarray) int MPI_Type_create_subarray(int ndims, const int size_array[], const int subsize_array[], const int start_array[], int order, MPI_Datatype oldtype, MPI_Datatype *newtype);
GRANNY_MPI_IMPORT(MPI_Type_create_resized) int MPI_Type_create_resized(MPI_Datatype oldtype, MPI_Aint lb, MPI_Aint extent, MPI_Datatype *newtype);
GRANNY_MPI_IMPORT(MPI_Type_delete_attr) int MPI_Type_delete_attr(MPI_Datatype type, int type_keyval);
GRANNY_MPI_IMPORT(MPI_Type_dup) int MPI_Type_dup(MPI_Datatype type, MPI_Datatype *newtype);
GRANNY_MPI_IMPORT(MPI_Type_free) int MPI_Type_free(MPI_Datatype *type);
GRANNY_MPI_IMPORT(MPI_Type_free_keyval) int MPI_Type_free_keyval(int *type_keyval);
GRANNY_MPI_IMPORT(MPI_Type_f2c) MPI_Datatype MPI_Type_f2c(MPI_Fint datatype);
GRANNY_MPI_IMPORT(MPI_Type_get_attr) int MPI_Type_get_attr(MPI_Datatype type, int type_keyval, void *attribute_val, int *flag);
GRANNY_MPI_IMPORT(MPI_Type_get_contents) int MPI_Type_get_contents(MPI_Datatype mtype, int max_integers, int max_addresses, int max_datatypes, int array_of_integers[], MPI_Aint array_of_addresses[], MPI_Datatype array_of_datatypes[]);
GRANNY_MPI_IMPORT(MPI_Type_get_envelope) int MPI_Type_get_envelope(MPI_Datatype type, int *num_integers, int *num_addresses, int *num_datatypes, int *combiner);
GRANNY_MPI_IMPORT(MPI_Type_get_extent) int MPI_Type_get_extent(MPI_Datatype type, MPI_Aint *lb, MPI_Aint *extent);
GRANNY_MPI_IMPORT(MPI_Type_get_extent_x) int MPI_Type_get_extent_x(MPI_Datatype type, MPI_Count *lb, MPI_Count *extent);
GRANNY_MPI_IMPORT(MPI_Type_get_name) int MPI_Type_get_name(MPI_Datatype type, char *type_name, int *resultlen);
GRANNY_MPI_IMPORT(MPI_Type_get_true_extent) int MPI_Type_get_true_extent(MPI_Datatype datatype, MPI_Aint *true_lb, MPI_Aint *true_extent);
GRANNY_MPI_IMPORT(MPI_Type_get_true_extent_x) int MPI_Type_get_true_extent_x(MPI_Datatype datatype, MPI_Count *true_lb, MPI_Count *true_extent);
GRANNY_MPI_IMPORT(MPI_Type_indexed) int MPI_Type_indexed(int count, const int array_of_blocklengths[], const int array_of_displacements[], MPI_Datatype oldtype, MPI_Datatype *newtype);
GRANNY_MPI_IMPORT(MPI_Type_match_size) int MPI_Type_match_size(int typeclass, int size, MPI_Datatype *type);
GRANNY_MPI_IMPORT(MPI_Type_set_attr) int MPI_Type_set_attr(MPI_Datatype type, int type_keyval, void *attr_val);
GRANNY_MPI_IMPORT(MPI_Type_set_name) int MPI_Type_set_name(MPI_Datatype type, const char *type_name);
GRANNY_MPI_IMPORT(MPI_Type_size) int MPI_Type_size(MPI_Datatype type, int *size);
GRANNY_MPI_IMPORT(MPI_Type_size_x) int MPI_Type_size_x(MPI_Datatype type, MPI_Count *size);
GRANNY_MPI_IMPORT(MPI_Type_vector) int MPI_Type_vector(int count, int blocklength, int stride, MPI_Datatype oldtype, MPI_Datatype *newtype);
GRANNY_MPI_IMPORT(MPI_Unpack) int MPI_Unpack(const void *inbuf, int insize, int *position, void *outbuf, int outcount, MPI_Datatype datatype, MPI_Comm comm);
GRANNY_MPI_IMPORT(MPI_Unpublish_name) int MPI_Unpublish_name(const char *service_name, MPI_Info info, const char *port_name);
GRANNY_MPI_IMPORT(MPI_Unpack_external) int MPI_Unpack_external(const char datarep[], const void *inbuf, MPI_Aint insize, MPI_Aint *position, void *outbuf, int outcount, MPI_Datatype datatype);
GRANNY_MPI_IMPORT(MPI_Waitall) int MPI_Waitall(int count, MPI_Request array_of_requests[], MPI_Status *array_of_statuses);
GRANNY_MPI_IMPORT(MPI_Waitany) int MPI_Waitany(int count, MPI_Request array_of_requests[], int *index, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_Wait) int MPI_Wait(MPI_Request *request, MPI_Status *status);
GRANNY_MPI_IMPORT(MPI_Waitsome) int MPI_Waitsome(int incount, MPI_Request array_of_requests[], int *outcount, int array_of_indices[], MPI_Status array_of_statuses[]);
GRANNY_MPI_IMPORT(MPI_Win_allocate) int MPI_Win_allocate(MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm, void *baseptr, MPI_Win *win);
GRANNY_MPI_IMPORT(MPI_Win_allocate_shared) int MPI_Win_allocate_shared(MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm, void *baseptr, MPI_Win *win);
GRANNY_MPI_IMPORT(MPI_Win_attach) int MPI_Win_attach(MPI_Win win, void *base, MPI_Aint size);
GRANNY_MPI_IMPORT(MPI_Win_c2f) MPI_Fint MPI_Win_c2f(MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Win_call_errhandler) int MPI_Win_call_errhandler(MPI_Win win, int errorcode);
GRANNY_MPI_IMPORT(MPI_Win_complete) int MPI_Win_complete(MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Win_create) int MPI_Win_create(void *base, MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm, MPI_Win *win);
GRANNY_MPI_IMPORT(MPI_Win_create_dynamic) int MPI_Win_create_dynamic(MPI_Info info, MPI_Comm comm, MPI_Win *win);
GRANNY_MPI_IMPORT(MPI_Win_create_errhandler) int MPI_Win_create_errhandler(MPI_Win_errhandler_function *function, MPI_Errhandler *errhandler);
GRANNY_MPI_IMPORT(MPI_Win_create_keyval) int MPI_Win_create_keyval(MPI_Win_copy_attr_function *win_copy_attr_fn, MPI_Win_delete_attr_function *win_delete_attr_fn, int *win_keyval, void *extra_state);
GRANNY_MPI_IMPORT(MPI_Win_delete_attr) int MPI_Win_delete_attr(MPI_Win win, int win_keyval);
GRANNY_MPI_IMPORT(MPI_Win_detach) int MPI_Win_detach(MPI_Win win, const void *base);
GRANNY_MPI_IMPORT(MPI_Win_f2c) MPI_Win MPI_Win_f2c(MPI_Fint win);
GRANNY_MPI_IMPORT(MPI_Win_fence) int MPI_Win_fence(int assert, MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Win_flush) int MPI_Win_flush(int rank, MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Win_flush_all) int MPI_Win_flush_all(MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Win_flush_local) int MPI_Win_flush_local(int rank, MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Win_flush_local_all) int MPI_Win_flush_local_all(MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Win_free) int MPI_Win_free(MPI_Win *win);
GRANNY_MPI_IMPORT(MPI_Win_free_keyval) int MPI_Win_free_keyval(int *win_keyval);
GRANNY_MPI_IMPORT(MPI_Win_get_attr) int MPI_Win_get_attr(MPI_Win win, int win_keyval, void *attribute_val, int *flag);
GRANNY_MPI_IMPORT(MPI_Win_get_errhandler) int MPI_Win_get_errhandler(MPI_Win win, MPI_Errhandler *errhandler);
GRANNY_MPI_IMPORT(MPI_Win_get_group) int MPI_Win_get_group(MPI_Win win, MPI_Group *group);
GRANNY_MPI_IMPORT(MPI_Win_get_info) int MPI_Win_get_info(MPI_Win win, MPI_Info *info_used);
GRANNY_MPI_IMPORT(MPI_Win_get_name) int MPI_Win_get_name(MPI_Win win, char *win_name, int *resultlen);
GRANNY_MPI_IMPORT(MPI_Win_lock) int MPI_Win_lock(int lock_type, int rank, int assert, MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Win_lock_all) int MPI_Win_lock_all(int assert, MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Win_post) int MPI_Win_post(MPI_Group group, int assert, MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Win_set_attr) int MPI_Win_set_attr(MPI_Win win, int win_keyval, void *attribute_val);
GRANNY_MPI_IMPORT(MPI_Win_set_errhandler) int MPI_Win_set_errhandler(MPI_Win win, MPI_Errhandler errhandler);
GRANNY_MPI_IMPORT(MPI_Win_set_info) int MPI_Win_set_info(MPI_Win win, MPI_Info info);
GRANNY_MPI_IMPORT(MPI_Win_set_name) int MPI_Win_set_name(MPI_Win win, const char *win_name);
GRANNY_MPI_IMPORT(MPI_Win_shared_query) int MPI_Win_shared_query(MPI_Win win, int rank, MPI_Aint *size, int *disp_unit, void *baseptr);
GRANNY_MPI_IMPORT(MPI_Win_start) int MPI_Win_start(MPI_Group group, int assert, MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Win_sync) int MPI_Win_sync(MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Win_test) int MPI_Win_test(MPI_Win win, int *flag);
GRANNY_MPI_IMPORT(MPI_Win_unlock) int MPI_Win_unlock(int rank, MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Win_unlock_all) int MPI_Win_unlock_all(MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Win_wait) int MPI_Win_wait(MPI_Win win);
GRANNY_MPI_IMPORT(MPI_Wtick) double MPI_Wtick(void);
GRANNY_MPI_IMPORT(MPI_Wtime) double MPI_Wtime(void);
GRANNY_MPI_IMPORT(MPI_Attr_delete) int MPI_Attr_delete(MPI_Comm comm, int keyval);
GRANNY_MPI_IMPORT(MPI_Attr_get) int MPI_Attr_get(MPI_Comm comm, int keyval, void *attribute_val, int *flag);
GRANNY_MPI_IMPORT(MPI_Attr_put) int MPI_Attr_put(MPI_Comm comm, int keyval, void *attribute_val);
GRANNY_MPI_IMPORT(MPI_Keyval_create) int MPI_Keyval_create(MPI_Copy_function *copy_fn, MPI_Delete_function *delete_fn, int *keyval, void *extra_state);
GRANNY_MPI_IMPORT(MPI_Keyval_free) int MPI_Keyval_free(int *keyval);
GRANNY_MPI_IMPORT(MPI_Address) int MPI_Address(void *location, MPI_Aint *address);
GRANNY_MPI_IMPORT(MPI_Errhandler_create) int MPI_Errhandler_create(MPI_Handler_function *function, MPI_Errhandler *errhandler);
GRANNY_MPI_IMPORT(MPI_Errhandler_get) int MPI_Errhandler_get(MPI_Comm comm, MPI_Errhandler *errhandler);
GRANNY_MPI_IMPORT(MPI_Errhandler_set) int MPI_Errhandler_set(MPI_Comm comm, MPI_Errhandler errhandler);
GRANNY_MPI_IMPORT(MPI_Type_extent) int MPI_Type_extent(MPI_Datatype type, MPI_Aint *extent);
GRANNY_MPI_IMPORT(MPI_Type_hindexed) int MPI_Type_hindexed(int count, int array_of_blocklengths[], MPI_Aint array_of_displacements[], MPI_Datatype oldtype, MPI_Datatype *newtype);
GRANNY_MPI_IMPORT(MPI_Type_hvector) int MPI_Type_hvector(int count, int blocklength, MPI_Aint stride, MPI_Datatype oldtype, MPI_Datatype *newtype);
GRANNY_MPI_IMPORT(MPI_Type_lb) int MPI_Type_lb(MPI_Datatype type, MPI_Aint *lb);
GRANNY_MPI_IMPORT(MPI_Type_struct) int MPI_Type_struct(int count, int array_of_blocklengths[], MPI_Aint array_of_displacements[], MPI_Datatype array_of_types[], MPI_Datatype *newtype);
GRANNY_MPI_IMPORT(MPI_Type_ub) int MPI_Type_ub(MPI_Datatype mtype, MPI_Aint *ub);

#ifdef __cplusplus
}
#endif

#endif /* GRANNY_MPI_H */
