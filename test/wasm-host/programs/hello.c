// Hello world: stdout through fd_write.
#include <stdio.h>

int main(void) {
  printf("hello, granule\n");
  for (int i = 1; i <= 3; i++) printf("line %d of %d\n", i, 3);
  return 0;
}
