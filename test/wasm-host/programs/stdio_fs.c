// What the WASI layer answers for stdio and for the filesystem, which granules do not have.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  printf("isatty(1)=%d\n", isatty(1));
  errno = 0;
  off_t off = lseek(1, 0, SEEK_CUR);
  printf("lseek(stdout)=%lld errno=%s\n", (long long)off, errno == ESPIPE ? "ESPIPE" : strerror(errno));
  char buf[16];
  printf("read(stdin)=%zd\n", read(0, buf, sizeof buf));
  errno = 0;
  FILE *f = fopen("/etc/passwd", "r");
  printf("fopen=%s errno_set=%d\n", f ? "opened" : "NULL", errno != 0);
  errno = 0;
  ssize_t w = write(7, "x", 1);
  printf("write(7)=%zd errno=%s\n", w, errno == EBADF ? "EBADF" : strerror(errno));
  return 0;
}
