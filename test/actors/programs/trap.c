// Writes a line, then traps (unreachable) after the output has been flushed.
#include <stdio.h>
int main(void) {
  printf("about to trap\n");
  fflush(stdout);
  __builtin_trap();
}
