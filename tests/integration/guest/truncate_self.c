/* A guest that tries to cut its own executable short: vm maps the file's
 * pages as guest memory (as Linux does), so the open must fail with ETXTBSY
 * (as on Linux) and pages touched afterwards must still read the file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* 64 KiB of read-only data no one touches before the open. */
#define N (64 * 1024)
#define ROW(i) (unsigned char)((i) * 37 + 11)
static const unsigned char untouched[N] = {
#define B8(i) ROW(i), ROW(i + 1), ROW(i + 2), ROW(i + 3), ROW(i + 4), ROW(i + 5), ROW(i + 6), ROW(i + 7)
#define B64(i) B8(i), B8(i + 8), B8(i + 16), B8(i + 24), B8(i + 32), B8(i + 40), B8(i + 48), B8(i + 56)
#define B512(i) B64(i), B64(i + 64), B64(i + 128), B64(i + 192), B64(i + 256), B64(i + 320), B64(i + 384), B64(i + 448)
#define B4K(i) B512(i), B512(i + 512), B512(i + 1024), B512(i + 1536), B512(i + 2048), B512(i + 2560), B512(i + 3072), B512(i + 3584)
#define B32K(i) B4K(i), B4K(i + 4096), B4K(i + 8192), B4K(i + 12288), B4K(i + 16384), B4K(i + 20480), B4K(i + 24576), B4K(i + 28672)
    B32K(0), B32K(32768)};

int main(int argc, char** argv) {
  (void)argc;
  int fd = open(argv[0], O_WRONLY | O_TRUNC);
  printf("open(self, O_WRONLY|O_TRUNC) -> %s\n", fd < 0 ? strerror(errno) : "opened");
  fd = open(argv[0], O_RDWR);
  printf("open(self, O_RDWR) -> %s\n", fd < 0 ? strerror(errno) : "opened");
  fd = open(argv[0], O_RDONLY);
  printf("open(self, O_RDONLY) -> %s\n", fd < 0 ? strerror(errno) : "opened");
  unsigned long sum = 0, expected = 0;
  for (unsigned i = 0; i < N; ++i) {
    sum += untouched[i];
    expected += ROW(i);
  }
  printf("untouched pages %s\n", sum == expected ? "read the file" : "differ");
  return 0;
}
