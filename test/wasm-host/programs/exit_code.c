// Ends with a chosen exit code, either by returning from main or by calling exit(), after
// writing to both stdout and stderr.  Usage: exit_code (return|exit) N
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: exit_code (return|exit) N\n");
    return 2;
  }
  int code = atoi(argv[2]);
  printf("about to %s %d\n", argv[1], code);
  fprintf(stderr, "a line on stderr\n");
  if (strcmp(argv[1], "exit") == 0) {
    fflush(stdout);
    exit(code);
  }
  return code;
}
