// Prints argv and the environment, to check args_get and environ_get.
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  const char *greeting = getenv("GREETING");
  printf("GREETING=%s\n", greeting ? greeting : "(unset)");
  int n = 0;
  for (char **e = environ; *e; e++) n++;
  printf("environ has %d entries\n", n);
  for (char **e = environ; *e; e++) printf("env: %s\n", *e);
  return 0;
}
