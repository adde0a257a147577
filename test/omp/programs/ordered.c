/* ordered regions run in iteration order under static, dynamic and guided schedules, also when
 * some iterations skip the ordered region. */
#include <omp.h>
#include "check.h"

#define N 300
static int seq[N];
static int pos;

static void check_sequence(const char *what, int count, int step) {
  CHECK(pos == count, "%s: %d ordered entries, expected %d", what, pos, count);
  for (int i = 0; i < count; i++) CHECK(seq[i] == i * step, "%s: position %d holds %d", what, i, seq[i]);
}

int main(void) {
  pos = 0;
#pragma omp parallel for ordered schedule(static)
  for (int i = 0; i < N; i++) {
#pragma omp ordered
    seq[pos++] = i;
  }
  check_sequence("static", N, 1);

  pos = 0;
#pragma omp parallel for ordered schedule(dynamic, 3)
  for (int i = 0; i < N; i++) {
#pragma omp ordered
    seq[pos++] = i;
  }
  check_sequence("dynamic,3", N, 1);

  pos = 0;
#pragma omp parallel for ordered schedule(guided)
  for (long long i = 0; i < N; i++) {
    if (i % 2 == 0) {
#pragma omp ordered
      seq[pos++] = (int)i;
    }
  }
  check_sequence("guided, every other", N / 2, 2);
  printf("ordered ok\n");
  return 0;
}
