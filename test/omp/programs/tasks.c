/* Tasks: recursive fib with task/taskwait, tasks created in a single region for the team, task
 * firstprivate capture, taskgroup, depend clauses, if(0) tasks, and tasks that outlive the task
 * that created them (no taskwait) yet complete by the end of the region. */
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

static int leaves;

static void spawn(int depth) {
  if (depth == 0) {
#pragma omp atomic
    leaves++;
    return;
  }
  for (int i = 0; i < 2; i++) {
#pragma omp task firstprivate(depth)
    spawn(depth - 1);
  }
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

#pragma omp parallel
  {
#pragma omp single
    spawn(7);
  }
  CHECK(leaves == 128, "tasks without taskwait: %d leaves", leaves);

  int a = 0, b = 0, c = 0;
#pragma omp parallel
#pragma omp single
  {
#pragma omp task depend(out : a) shared(a)
    a = 1;
#pragma omp task depend(in : a) depend(out : b) shared(a, b)
    b = a + 1;
#pragma omp task depend(in : b) shared(b, c)
    c = b * 10;
  }
  CHECK(a == 1 && b == 2 && c == 20, "depend chain %d %d %d", a, b, c);

  /* Untied tasks: clang splits them at task scheduling points into parts that the task submits
   * again to resume (each run must complete the task once, however often it was given back). */
  for (int rep = 0; rep < 50; rep++) {
    int u = 0, children = 0, undeferred = 0;
#pragma omp parallel
#pragma omp single
    for (int i = 0; i < 20; i++) {
#pragma omp task untied shared(u, children)
      {
#pragma omp taskyield
#pragma omp atomic
        u++;
#pragma omp task shared(children)
        {
#pragma omp atomic
          children++;
        }
#pragma omp taskwait
#pragma omp atomic
        u++;
      }
#pragma omp task untied shared(undeferred)
      {
#pragma omp atomic
        undeferred++;
      }
    }
    CHECK(u == 40 && children == 20 && undeferred == 20, "untied tasks: %d %d %d", u, children, undeferred);
  }
  printf("tasks ok\n");
  return 0;
}
