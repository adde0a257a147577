/* True concurrency: thread t waits, spinning on an atomic flag, for thread t-1 to finish each
 * stage before doing its own. With threads that are not really concurrent (run one after
 * another) this deadlocks. */
#include <omp.h>
#include "check.h"

#define STAGES 300
static int done_upto[MAX_T];
static int order[MAX_T * STAGES];
static int next_slot;

int main(void) {
  int team = 0;
#pragma omp parallel
  {
    int id = omp_get_thread_num();
#pragma omp single
    team = omp_get_num_threads();
    for (int s = 1; s <= STAGES; s++) {
      if (id > 0) {
        int seen;
        do {
#pragma omp atomic read
          seen = done_upto[id - 1];
        } while (seen < s);
      }
      int at;
#pragma omp atomic capture
      at = next_slot++;
      order[at] = id;
#pragma omp atomic write
      done_upto[id] = s;
    }
  }
  CHECK(next_slot == team * STAGES, "slots %d", next_slot);
  /* Within each stage, thread t went after thread t-1. */
  int last_stage_of[MAX_T] = {0};
  for (int i = 0; i < team * STAGES; i++) {
    int t = order[i];
    last_stage_of[t]++;
    if (t > 0) CHECK(last_stage_of[t - 1] >= last_stage_of[t], "thread %d ran stage %d early", t, last_stage_of[t]);
  }
  printf("pipeline ok\n");
  return 0;
}
