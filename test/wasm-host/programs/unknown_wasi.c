// Imports a WASI function that preview 1 does not have, and one we do not implement: both must
// link and answer ENOSYS (52) instead of failing instantiation.
#include <stdio.h>

__attribute__((import_module("wasi_snapshot_preview1"), import_name("granny_not_in_preview1")))
int not_in_preview1(int);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) int raise_signal(int);

int main(void) {
  printf("not_in_preview1 -> %d\n", not_in_preview1(1));
  printf("proc_raise -> %d\n", raise_signal(6));
  return 0;
}
