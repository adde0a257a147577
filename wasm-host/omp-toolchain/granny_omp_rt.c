/*
 * Linked into every OpenMP module by compileOpenMp (wasm-host/omp-toolchain). Three jobs:
 *
 * 1. Entry points. Modules are reactors (no command-export wrappers that would rerun
 *    constructors in every thread): the host calls __granny_omp_main in the main thread and
 *    __granny_omp_team in every team thread, which enters the host's fork/join loop.
 * 2. Memory the host needs inside linear memory (task descriptors), via malloc.
 * 3. Ordered output: every write to stdout or stderr, from any thread, goes to the host with a
 *    sequence number (__wasi_fd_write is wrapped), so the job delivers the writes of all its
 *    threads in the order they were made, not in the order their worker threads' messages arrive.
 * 4. Making Debian's single-threaded wasi-libc safe to call from several threads: the linker
 *    redirects (--wrap) malloc & co. and the stdio entry points here, where they run under one
 *    recursive lock. The lock is a futex on shared memory (wasm atomics), so no host call is
 *    made on the uncontended path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <wasi/api.h>

extern void _initialize(void);
extern int __main_void(void);

__attribute__((import_module("granny_omp"), import_name("team_thread_loop"))) void
granny_omp_team_thread_loop(void);

__attribute__((export_name("__granny_omp_main"))) void granny_omp_main(void) {
  _initialize();
  exit(__main_void());
}

__attribute__((export_name("__granny_omp_team"))) void granny_omp_team(void) {
  granny_omp_team_thread_loop();
}

__attribute__((export_name("__granny_omp_malloc"))) void *granny_omp_malloc(size_t size) {
  return malloc(size);
}

__attribute__((export_name("__granny_omp_free"))) void granny_omp_free(void *p) { free(p); }

__attribute__((import_module("granny_omp"), import_name("write_output"))) __wasi_errno_t
granny_omp_write_output(__wasi_fd_t fd, const __wasi_ciovec_t *iovs, size_t iovs_len, __wasi_size_t *written);

__wasi_errno_t __real___wasi_fd_write(__wasi_fd_t fd, const __wasi_ciovec_t *iovs, size_t iovs_len,
                                      __wasi_size_t *written);
__wasi_errno_t __wrap___wasi_fd_write(__wasi_fd_t fd, const __wasi_ciovec_t *iovs, size_t iovs_len,
                                      __wasi_size_t *written);
__wasi_errno_t __wrap___wasi_fd_write(__wasi_fd_t fd, const __wasi_ciovec_t *iovs, size_t iovs_len,
                                      __wasi_size_t *written) {
  if (fd == 1 || fd == 2) return granny_omp_write_output(fd, iovs, iovs_len, written);
  return __real___wasi_fd_write(fd, iovs, iovs_len, written);
}

/* ---- the libc lock ------------------------------------------------------------------------ */

static int libc_word;        /* 0 free, 1 held, 2 held with waiters */
static void *libc_owner;     /* &thread_self of the holder */
static int libc_depth;       /* recursion depth of the holder */
static _Thread_local char thread_self; /* its address names the calling thread */

static void libc_lock(void) {
  void *me = &thread_self;
  if (__atomic_load_n(&libc_owner, __ATOMIC_RELAXED) == me) {
    libc_depth++;
    return;
  }
  int c = 0;
  if (!__atomic_compare_exchange_n(&libc_word, &c, 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
    for (int spin = 0; spin < 200 && c != 0; spin++) {
      c = 0;
      if (__atomic_compare_exchange_n(&libc_word, &c, 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) break;
    }
    if (c != 0) {
      if (c != 2) c = __atomic_exchange_n(&libc_word, 2, __ATOMIC_SEQ_CST);
      while (c != 0) {
        __builtin_wasm_memory_atomic_wait32(&libc_word, 2, -1);
        c = __atomic_exchange_n(&libc_word, 2, __ATOMIC_SEQ_CST);
      }
    }
  }
  __atomic_store_n(&libc_owner, me, __ATOMIC_RELAXED);
  libc_depth = 1;
}

static void libc_unlock(void) {
  if (--libc_depth > 0) return;
  __atomic_store_n(&libc_owner, (void *)0, __ATOMIC_RELAXED);
  if (__atomic_fetch_sub(&libc_word, 1, __ATOMIC_SEQ_CST) != 1) {
    __atomic_store_n(&libc_word, 0, __ATOMIC_SEQ_CST);
    __builtin_wasm_memory_atomic_notify(&libc_word, 1);
  }
}

/* The host takes this lock too (with the same futex protocol) while it grows memory for a new
 * thread's stack, so that it never interleaves with the allocator's own sbrk calls. */
__attribute__((export_name("__granny_omp_libc_lock_word"))) int *granny_omp_libc_lock_word(void) {
  return &libc_word;
}

/* A wrapper for a libc function with a fixed signature: lock, call the real one, unlock. */
#define LOCKED(ret, name, params, args)                                                           \
  ret __real_##name params;                                                                       \
  ret __wrap_##name params;                                                                       \
  ret __wrap_##name params {                                                                      \
    libc_lock();                                                                                  \
    ret r = __real_##name args;                                                                   \
    libc_unlock();                                                                                \
    return r;                                                                                     \
  }
#define LOCKED_VOID(name, params, args)                                                           \
  void __real_##name params;                                                                      \
  void __wrap_##name params;                                                                      \
  void __wrap_##name params {                                                                     \
    libc_lock();                                                                                  \
    __real_##name args;                                                                           \
    libc_unlock();                                                                                \
  }

/* The allocator (dlmalloc, built without locks). */
LOCKED(void *, malloc, (size_t n), (n))
LOCKED_VOID(free, (void *p), (p))
LOCKED(void *, calloc, (size_t n, size_t s), (n, s))
LOCKED(void *, realloc, (void *p, size_t n), (p, n))
LOCKED(void *, aligned_alloc, (size_t a, size_t n), (a, n))
LOCKED(int, posix_memalign, (void **p, size_t a, size_t n), (p, a, n))
LOCKED(size_t, malloc_usable_size, (void *p), (p))
LOCKED(void *, __libc_malloc, (size_t n), (n))
LOCKED_VOID(__libc_free, (void *p), (p))
LOCKED(void *, __libc_calloc, (size_t n, size_t s), (n, s))

/* stdio: the FILE buffers are shared state. */
LOCKED(int, vfprintf, (FILE * f, const char *fmt, va_list ap), (f, fmt, ap))
LOCKED(int, vprintf, (const char *fmt, va_list ap), (fmt, ap))
LOCKED(int, vfscanf, (FILE * f, const char *fmt, va_list ap), (f, fmt, ap))
LOCKED(int, vscanf, (const char *fmt, va_list ap), (fmt, ap))
LOCKED(int, puts, (const char *s), (s))
LOCKED(int, fputs, (const char *s, FILE *f), (s, f))
LOCKED(int, putchar, (int c), (c))
LOCKED(int, putc, (int c, FILE *f), (c, f))
LOCKED(int, fputc, (int c, FILE *f), (c, f))
LOCKED(size_t, fwrite, (const void *p, size_t s, size_t n, FILE *f), (p, s, n, f))
LOCKED(size_t, fread, (void *p, size_t s, size_t n, FILE *f), (p, s, n, f))
LOCKED(int, fflush, (FILE * f), (f))
LOCKED(int, getc, (FILE * f), (f))
LOCKED(int, fgetc, (FILE * f), (f))
LOCKED(int, getchar, (void), ())
LOCKED(int, ungetc, (int c, FILE *f), (c, f))
LOCKED(char *, fgets, (char *s, int n, FILE *f), (s, n, f))
LOCKED(int, setvbuf, (FILE * f, char *b, int m, size_t s), (f, b, m, s))
LOCKED(FILE *, fopen, (const char *p, const char *m), (p, m))
LOCKED(FILE *, fdopen, (int fd, const char *m), (fd, m))
LOCKED(int, fclose, (FILE * f), (f))
LOCKED_VOID(perror, (const char *s), (s))

/* The variadic entry points go through the (locked) v-variants above. */
int __wrap_printf(const char *fmt, ...);
int __wrap_printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vfprintf(stdout, fmt, ap);
  va_end(ap);
  return r;
}
int __wrap_fprintf(FILE *f, const char *fmt, ...);
int __wrap_fprintf(FILE *f, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vfprintf(f, fmt, ap);
  va_end(ap);
  return r;
}
int __wrap_scanf(const char *fmt, ...);
int __wrap_scanf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vfscanf(stdin, fmt, ap);
  va_end(ap);
  return r;
}
int __wrap_fscanf(FILE *f, const char *fmt, ...);
int __wrap_fscanf(FILE *f, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = vfscanf(f, fmt, ap);
  va_end(ap);
  return r;
}
