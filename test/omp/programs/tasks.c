/* Tasks: recursive fib with task/taskwait, tasks created in a single region for the team, task
 * firstprivate capture, and taskgroup. */
#include <omp.h>
#include "check.h"

static int fib(int n) {
  if (n < 2) return n;
  int a, b;
#pragma omp task shared(a)
  a = fib(n - 1);
#pragma omp task shared(b)
  b = fib(n - 2);
#pragma omp taskwait
  return a + b;
}

int main(void) {
  int result = 0;
#pragma omp parallel
  {
#pragma omp single
    result = fib(18);
  }
  CHECK(result == 2584, "fib(18) = %d", result);

  int done[64] = {0};
#pragma omp parallel
  {
#pragma omp single
    for (int i = 0; i < 64; i++) {
#pragma omp task firstprivate(i)
      done[i] = i + 1;
    }
  }
  for (int i = 0; i < 64; i++) CHECK(done[i] == i + 1, "task %d", i);

  int sum = 0;
#pragma omp parallel
  {
#pragma omp single
    {
#pragma omp taskgroup
      {
        for (int i = 1; i <= 10; i++) {
#pragma omp task firstprivate(i)
          {
#pragma omp atomic
            sum += i;
          }
        }
      }
      CHECK(sum == 55, "taskgroup sum %d", sum);
    }
  }
  int x = 0;
#pragma omp parallel
#pragma omp single
  {
#pragma omp task if (0)
    x = 5;
  }
  CHECK(x == 5, "if(0) task");
  printf("tasks ok\n");
  return 0;
}
