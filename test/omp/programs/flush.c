/* flush: a producer publishes data then a flag, each followed by a flush; the consumer spins on
 * the flag with flushes and must then see the data (the classic OpenMP flush idiom). */
#include <omp.h>
#include "check.h"

static int data[100];
static int flag;

int main(void) {
#pragma omp parallel num_threads(2)
  {
    if (omp_get_num_threads() == 2) {
      if (omp_get_thread_num() == 0) {
        for (int i = 0; i < 100; i++) data[i] = i * i;
#pragma omp flush
#pragma omp atomic write
        flag = 1;
#pragma omp flush
      } else {
        int f = 0;
        while (!f) {
#pragma omp flush
#pragma omp atomic read
          f = flag;
        }
#pragma omp flush
        for (int i = 0; i < 100; i++) CHECK(data[i] == i * i, "data[%d] = %d", i, data[i]);
      }
    }
  }
  printf("flush ok\n");
  return 0;
}
