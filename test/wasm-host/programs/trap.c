// Stops on a WebAssembly trap of the kind named by argv[1]:
// unreachable | divzero | oob | recurse (the shadow stack in linear memory runs out)
// | stack (the engine's call stack runs out).
#include <stdio.h>
#include <string.h>

static volatile int zero = 0;

static int deep(int n) {
  volatile char pad[64];
  pad[n & 63] = (char)n;
  return deep(n + 1) + pad[(n + 1) & 63];
}

// Called through a volatile pointer so the compiler can neither inline nor loop it, and with no
// address-taken locals, so the frames live on the engine's stack rather than the shadow stack.
static int chain(int n);
static int (*volatile next)(int) = chain;
static int chain(int n) { return n == 0 ? 0 : next(n - 1) * 3 + 1; }

int main(int argc, char **argv) {
  const char *kind = argc > 1 ? argv[1] : "unreachable";
  printf("before %s\n", kind);
  fflush(stdout);
  if (strcmp(kind, "unreachable") == 0) __builtin_trap();
  if (strcmp(kind, "divzero") == 0) return 10 / zero;
  if (strcmp(kind, "oob") == 0) return *(volatile int *)(unsigned long)0xfffffff0u;
  if (strcmp(kind, "recurse") == 0) return deep(0);
  if (strcmp(kind, "stack") == 0) return chain(1 << 30);
  return 1;
}
