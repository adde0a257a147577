/* omp atomic: update, read, write and capture on int, long long, float and double. */
#include <omp.h>
#include "check.h"

int main(void) {
  int i32 = 0;
  long long i64 = 0;
  float f = 0.0f;
  double d = 0.0;
  int captured_max = -1;
  int team = 0;
#pragma omp parallel
  {
#pragma omp single
    team = omp_get_num_threads();
    for (int k = 0; k < 1000; k++) {
#pragma omp atomic
      i32 += 1;
#pragma omp atomic update
      i64 += 3;
#pragma omp atomic
      f += 1.0f;
#pragma omp atomic
      d += 0.25;
      int old;
#pragma omp atomic capture
      old = i32++;
      (void)old;
    }
    int mine;
#pragma omp atomic read
    mine = i32;
    CHECK(mine >= 2000, "atomic read %d", mine);
#pragma omp critical
    if (mine > captured_max) captured_max = mine;
  }
  CHECK(i32 == 2000 * team, "i32 %d", i32);
  CHECK(i64 == 3000LL * team, "i64 %lld", i64);
  CHECK(f == 1000.0f * team, "float %f", f);
  CHECK(d == 250.0 * team, "double %f", d);
  int w = 0;
#pragma omp parallel
  {
#pragma omp atomic write
    w = 7;
  }
  CHECK(w == 7, "atomic write");
  printf("atomic ok\n");
  return 0;
}
