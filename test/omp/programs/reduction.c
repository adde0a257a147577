/* Every reduction operator clang lowers, on int, long long, float and double, in parallel
 * regions and loops, blocking and nowait. */
#include <omp.h>
#include "check.h"

#define N 1000

typedef struct {
  int lo, hi;
} range_t;
#pragma omp declare reduction(merge:range_t : omp_out.lo = omp_in.lo < omp_out.lo ? omp_in.lo : omp_out.lo, \
                                  omp_out.hi = omp_in.hi > omp_out.hi ? omp_in.hi : omp_out.hi)             \
    initializer(omp_priv = (range_t){1 << 30, -(1 << 30)})

int main(void) {
  int isum = 0, iprod = 1, imax = -1000000, imin = 1000000, band = ~0, bor = 0, bxor = 0;
  int land = 1, lor = 0;
  long long lsum = 0;
  double dsum = 0.0, dmax = -1e300;
  float fsum = 0.0f;
#pragma omp parallel for reduction(+ : isum, lsum, dsum, fsum) reduction(max : imax, dmax) \
    reduction(min : imin) reduction(& : band) reduction(| : bor) reduction(^ : bxor)           \
    reduction(&& : land) reduction(|| : lor)
  for (int i = 1; i <= N; i++) {
    isum += i;
    lsum += (long long)i * 1000000;
    dsum += 0.5 * i;
    fsum += 1.0f;
    if (i > imax) imax = i;
    if ((double)i * 1.5 > dmax) dmax = (double)i * 1.5;
    if (i < imin) imin = i;
    band &= ~(1 << (i % 31)) | (i == 7 ? 0 : ~0);
    bor |= 1 << (i % 20);
    bxor ^= i;
    land = land && (i > 0);
    lor = lor || (i == 500);
  }
  int want_xor = 0;
  for (int i = 1; i <= N; i++) want_xor ^= i;
  CHECK(isum == N * (N + 1) / 2, "isum %d", isum);
  CHECK(lsum == (long long)N * (N + 1) / 2 * 1000000, "lsum %lld", lsum);
  CHECK(dsum == 0.5 * N * (N + 1) / 2, "dsum %f", dsum);
  CHECK(fsum == (float)N, "fsum %f", fsum);
  CHECK(imax == N && imin == 1 && dmax == 1.5 * N, "max/min");
  CHECK(band == ~(1 << 7), "band %x", band);
  CHECK(bor == (1 << 20) - 1, "bor %x", bor);
  CHECK(bxor == want_xor, "bxor");
  CHECK(land == 1 && lor == 1, "logical");

#pragma omp parallel for reduction(* : iprod)
  for (int i = 1; i <= 10; i++) iprod *= i;
  CHECK(iprod == 3628800, "iprod %d", iprod);

  int team = 0, count = 0;
#pragma omp parallel reduction(+ : count)
  {
    count += 1;
#pragma omp single
    team = omp_get_num_threads();
  }
  CHECK(count == team, "region reduction %d vs %d", count, team);

  long long a = 0, b = 0;
#pragma omp parallel
  {
#pragma omp for reduction(+ : a) nowait
    for (int i = 0; i < N; i++) a += i;
#pragma omp for reduction(+ : b)
    for (int i = 0; i < N; i++) b += 2 * i;
  }
  CHECK(a == N * (N - 1) / 2 && b == N * (N - 1), "nowait reductions %lld %lld", a, b);
  range_t r = {1 << 30, -(1 << 30)};
#pragma omp parallel for reduction(merge : r)
  for (int i = 0; i < N; i++) {
    int v = (i * 7919) % 1009 - 500;
    if (v < r.lo) r.lo = v;
    if (v > r.hi) r.hi = v;
  }
  CHECK(r.lo == -500 && r.hi == 508, "declare reduction %d %d", r.lo, r.hi);
  printf("reduction ok\n");
  return 0;
}
