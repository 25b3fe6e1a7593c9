/* Reads stdin a byte at a time until end of file, retrying when a read fails
 * (EINTR): for SIGINT while the guest is blocked in a system call. */
#include <unistd.h>

int main(void) {
  char c;
  for (;;) {
    if (read(0, &c, 1) == 0) return 0;
  }
}
