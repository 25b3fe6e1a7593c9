/* A guest that tries to reach vm's own memory through /proc: every path to a
 * mem file must fail with EACCES (vm checks the opened file, not the name). */
#include <fcntl.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
int main(void) {
  const char* paths[] = {"/proc/self/mem", "/proc/./self/mem", "/proc/thread-self/mem", "/proc/self/maps", "/etc/hostname"};
  for (int i = 0; i < 5; ++i) {
    int fd = open(paths[i], O_RDWR);
    if (fd < 0) fd = open(paths[i], O_RDONLY);
    printf("%s -> %s\n", paths[i], fd < 0 ? strerror(errno) : "opened");
    if (fd >= 0) close(fd);
  }
  char buf[64]; snprintf(buf, sizeof buf, "/proc/%d/mem", getpid());
  int fd = open(buf, O_RDWR); printf("pid mem -> %s\n", fd < 0 ? strerror(errno) : "opened");
  int dir = open("/proc/self", O_RDONLY | O_DIRECTORY);
  fd = openat(dir, "mem", O_RDWR); printf("openat(dir, mem) -> %s\n", fd < 0 ? strerror(errno) : "opened");
  return 0;
}
