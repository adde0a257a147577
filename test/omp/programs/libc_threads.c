/* The C library from many threads at once: malloc/free/realloc/calloc with data that must
 * survive, and snprintf/printf. Without the runtime's lock, the allocator's free lists race. */
#include <omp.h>
#include <string.h>
#include "check.h"

int main(void) {
  int bad = 0;
#pragma omp parallel reduction(+ : bad)
  {
    int id = omp_get_thread_num();
    for (int round = 0; round < 300; round++) {
      size_t n = 16 + (size_t)((round * 37 + id * 11) % 500);
      unsigned char *p = malloc(n);
      memset(p, id + 1, n);
      p = realloc(p, n * 2);
      for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(id + 1)) bad++;
      int *q = calloc(8, sizeof(int));
      for (int i = 0; i < 8; i++) bad += q[i] != 0;
      free(q);
      free(p);
    }
    char line[64];
    snprintf(line, sizeof line, "thread %d", id);
    if (strncmp(line, "thread ", 7) != 0) bad++;
  }
  CHECK(bad == 0, "%d corrupted bytes", bad);
  printf("libc_threads ok\n");
  return 0;
}
