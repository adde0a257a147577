/* round and roundf over edge cases and a million pseudo-random values of every magnitude, as
 * bits: granny links its own round (wasm-host/toolchain/granny_libm.c), which must give what
 * the native C library gives for every input. Prints a digest and the edge cases. */
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t bits(double x) {
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  return b;
}

static uint32_t fbits(float x) {
  uint32_t b;
  memcpy(&b, &x, sizeof b);
  return b;
}

static uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  const double edges[] = {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994,
                          -0.49999999999999994, 4503599627370495.5, -4503599627370495.5,
                          4503599627370496.0, 9007199254740993.0, 1e300, -1e300, 5e-324, -5e-324,
                          INFINITY, -INFINITY, NAN};
  for (unsigned i = 0; i < sizeof edges / sizeof edges[0]; i++) {
    /* Inputs as bits too: the C libraries print subnormals differently with %a. */
    printf("round(%016llx) = %016llx  roundf = %08x\n", (unsigned long long)bits(edges[i]),
           (unsigned long long)bits(round(edges[i])),
           (unsigned)fbits(roundf((float)edges[i])));
  }
  uint64_t x = 88172645463325252ULL, h = 0, hf = 0;
  for (int i = 0; i < 1000000; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    /* Any bit pattern with an exponent near zero, so that fractions of every size occur. */
    uint64_t e = 1023 - 8 + (x >> 58);
    double d;
    uint64_t b = (x & 0x800fffffffffffffULL) | (e << 52);
    memcpy(&d, &b, sizeof d);
    h = mix(h, bits(round(d)));
    hf = mix(hf, fbits(roundf((float)d)));
  }
  printf("digest %016llx %016llx\n", (unsigned long long)h, (unsigned long long)hf);
  MPI_Finalize();
  return 0;
}
