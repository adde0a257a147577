// Calls host functions of the test import provider (namespace granny_test).
// Usage: provider_calls (talk|fail|abort|hog)
#include <stdio.h>
#include <string.h>

#define IMPORT(name) __attribute__((import_module("granny_test"), import_name(#name)))
IMPORT(add) int add(int, int);
IMPORT(tell_host) void tell_host(int);
IMPORT(ask_host) int ask_host(void);
IMPORT(greet) void greet(void);
IMPORT(fail) void fail(void);
IMPORT(abort) void provider_abort(int);
IMPORT(hog_heap) void hog_heap(void);

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "talk";
  printf("add(2, 40) = %d\n", add(2, 40));
  fflush(stdout);
  if (strcmp(mode, "talk") == 0) {
    greet();
    tell_host(7);
    int answer = ask_host();
    printf("the host answered %d\n", answer);
    tell_host(answer + 1);
    return 0;
  }
  if (strcmp(mode, "fail") == 0) fail();
  if (strcmp(mode, "abort") == 0) provider_abort(42);
  if (strcmp(mode, "hog") == 0) hog_heap();
  printf("unreachable for mode %s\n", mode);
  return 1;
}
