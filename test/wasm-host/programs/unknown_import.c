// Imports a function from a namespace nobody provides: linking must fail and name it.
#include <stdio.h>

__attribute__((import_module("mystery_ns"), import_name("mystery_fn"))) int mystery_fn(int);

int main(void) {
  printf("%d\n", mystery_fn(1));
  return 0;
}
