// Fills buffers through random_get (getentropy) and prints them in hex.
#include <stdio.h>
#include <unistd.h>

int main(void) {
  unsigned char buf[2][64];
  for (int k = 0; k < 2; k++) {
    if (getentropy(buf[k], sizeof buf[k]) != 0) {
      perror("getentropy");
      return 1;
    }
    for (unsigned i = 0; i < sizeof buf[k]; i++) printf("%02x", buf[k][i]);
    printf("\n");
  }
  return 0;
}
