/* vm's built-in default guest: a small static riscv64 Linux program that
 * shows the machine working (integer, floating point, memory, libc, system
 * calls). `vm run` with no program runs it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

static int is_prime(unsigned n) {
  if (n < 2) return 0;
  for (unsigned d = 2; d * d <= n; ++d)
    if (n % d == 0) return 0;
  return 1;
}

static int compare(const void* a, const void* b) {
  return *(const int*)a - *(const int*)b;
}

int main(int argc, char** argv) {
  struct utsname u;
  uname(&u);
  printf("Hello from a RISC-V guest! (%s %s, argc=%d)\n", u.sysname, u.machine, argc);
  for (int i = 1; i < argc; ++i) printf("  argv[%d] = %s\n", i, argv[i]);

  printf("primes below 50:");
  for (unsigned n = 0; n < 50; ++n)
    if (is_prime(n)) printf(" %u", n);
  printf("\n");

  volatile double two = 2.0;
  printf("sqrt(2) = %.15f, pi = %.15f\n", sqrt(two), 4.0 * atan(1.0));

  int values[8] = {42, 7, 19, 3, 88, 1, 56, 23};
  qsort(values, 8, sizeof values[0], compare);
  printf("sorted:");
  for (int i = 0; i < 8; ++i) printf(" %d", values[i]);
  printf("\n");

  size_t total = 0;
  for (int i = 1; i <= 64; ++i) {
    char* block = malloc((size_t)i * 1024);
    memset(block, i, (size_t)i * 1024);
    total += (unsigned char)block[i * 512];
    free(block);
  }
  printf("malloc/free of 64 blocks ok (checksum %zu)\n", total);
  return 0;
}
