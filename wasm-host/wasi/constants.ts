// WASI preview 1 constants and struct layouts, as in wasi-libc's <wasi/api.h> (witx-generated).
// Only what our implementation reads or writes; values are checked against that header.

export const WASI_NAMESPACE = "wasi_snapshot_preview1";

export const Errno = {
  success: 0,
  badf: 8,
  fault: 21,
  inval: 28,
  io: 29,
  noent: 44,
  nosys: 52,
  notdir: 54,
  notsock: 57,
  notsup: 58,
  overflow: 61,
  spipe: 70,
  notcapable: 76,
} as const;
export type Errno = (typeof Errno)[keyof typeof Errno];

export const ClockId = { realtime: 0, monotonic: 1, processCputime: 2, threadCputime: 3 } as const;

export const Filetype = { unknown: 0, characterDevice: 2 } as const;

export const Fdflags = { append: 1, dsync: 2, nonblock: 4, rsync: 8, sync: 16 } as const;
export const FDFLAGS_ALL = 0x1f;

export const Rights = {
  fdRead: 1n << 1n,
  fdSeek: 1n << 2n,
  fdFdstatSetFlags: 1n << 3n,
  fdTell: 1n << 5n,
  fdWrite: 1n << 6n,
  pollFdReadwrite: 1n << 27n,
} as const;

export const EventType = { clock: 0, fdRead: 1, fdWrite: 2 } as const;
export const EVENTRWFLAGS_HANGUP = 1;
export const SUBCLOCKFLAGS_ABSTIME = 1;

/** Byte sizes and field offsets of the structs crossing the boundary. */
export const Layout = {
  iovecSize: 8,
  fdstatSize: 24,
  filestatSize: 64,
  subscriptionSize: 48,
  subscription: { userdata: 0, tag: 8, clockId: 16, timeout: 24, precision: 32, flags: 40, fd: 16 },
  eventSize: 32,
  event: { userdata: 0, error: 8, type: 10, nbytes: 16, flags: 24 },
} as const;

/**
 * Every function of wasi_snapshot_preview1 (witx), so that an import of any of them links even
 * where we only answer ENOSYS.
 */
export const PREVIEW1_FUNCTIONS = [
  "args_get",
  "args_sizes_get",
  "environ_get",
  "environ_sizes_get",
  "clock_res_get",
  "clock_time_get",
  "fd_advise",
  "fd_allocate",
  "fd_close",
  "fd_datasync",
  "fd_fdstat_get",
  "fd_fdstat_set_flags",
  "fd_fdstat_set_rights",
  "fd_filestat_get",
  "fd_filestat_set_size",
  "fd_filestat_set_times",
  "fd_pread",
  "fd_prestat_get",
  "fd_prestat_dir_name",
  "fd_pwrite",
  "fd_read",
  "fd_readdir",
  "fd_renumber",
  "fd_seek",
  "fd_sync",
  "fd_tell",
  "fd_write",
  "path_create_directory",
  "path_filestat_get",
  "path_filestat_set_times",
  "path_link",
  "path_open",
  "path_readlink",
  "path_remove_directory",
  "path_rename",
  "path_symlink",
  "path_unlink_file",
  "poll_oneoff",
  "proc_exit",
  "proc_raise",
  "sched_yield",
  "random_get",
  "sock_accept",
  "sock_recv",
  "sock_send",
  "sock_shutdown",
] as const;
