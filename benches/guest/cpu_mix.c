/* A CPU-bound guest program of ours for engine comparisons: linked-list
 * sorting, integer matrix multiply, a CRC and a switch-dispatched state
 * machine, like the kernels CoreMark mixes. Deterministic; prints a checksum.
 * Usage: cpu_mix [ROUNDS] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct Node { struct Node* next; int32_t value; } Node;

static uint32_t lcg(uint32_t* s) { return *s = *s * 1664525u + 1013904223u; }

static Node* merge_sort(Node* list) {
  if (!list || !list->next) return list;
  Node *slow = list, *fast = list->next;
  while (fast && fast->next) { slow = slow->next; fast = fast->next->next; }
  Node* right = slow->next;
  slow->next = NULL;
  Node *a = merge_sort(list), *b = merge_sort(right), head, *tail = &head;
  while (a && b) {
    if (a->value <= b->value) { tail->next = a; a = a->next; } else { tail->next = b; b = b->next; }
    tail = tail->next;
  }
  tail->next = a ? a : b;
  return head.next;
}

static uint32_t list_kernel(uint32_t seed) {
  enum { N = 512 };
  static Node nodes[N];
  for (int i = 0; i < N; ++i) { nodes[i].value = (int32_t)(lcg(&seed) >> 8); nodes[i].next = i + 1 < N ? &nodes[i + 1] : NULL; }
  Node* sorted = merge_sort(&nodes[0]);
  uint32_t sum = 0;
  for (int i = 0; sorted; sorted = sorted->next, ++i) sum += (uint32_t)sorted->value * (uint32_t)(i + 1);
  return sum;
}

static uint32_t matrix_kernel(uint32_t seed) {
  enum { M = 24 };
  static int32_t a[M][M], b[M][M], c[M][M];
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < M; ++j) { a[i][j] = (int32_t)(lcg(&seed) & 0xff) - 128; b[i][j] = (int32_t)(lcg(&seed) & 0xff) - 128; }
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < M; ++j) {
      int32_t s = 0;
      for (int k = 0; k < M; ++k) s += a[i][k] * b[k][j];
      c[i][j] = s;
    }
  uint32_t sum = 0;
  for (int i = 0; i < M; ++i) for (int j = 0; j < M; ++j) sum = sum * 31u + (uint32_t)c[i][j];
  return sum;
}

static uint32_t crc_kernel(uint32_t seed) {
  uint32_t crc = ~0u;
  for (int i = 0; i < 4096; ++i) {
    crc ^= lcg(&seed) & 0xff;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

static uint32_t state_kernel(uint32_t seed) {
  static char text[2048];
  for (int i = 0; i < 2047; ++i) {
    uint32_t r = lcg(&seed) % 16;
    text[i] = r < 6 ? (char)('0' + r) : r < 8 ? '.' : r < 10 ? 'e' : r < 12 ? '-' : r < 14 ? ',' : ' ';
  }
  int state = 0;
  uint32_t counts[5] = {0};
  for (const char* p = text; *p; ++p) {
    char ch = *p;
    switch (state) {
      case 0: state = (ch >= '0' && ch <= '9') ? 1 : ch == '-' ? 2 : 0; break;
      case 1: state = (ch >= '0' && ch <= '9') ? 1 : ch == '.' ? 3 : ch == ',' ? 0 : 4; break;
      case 2: state = (ch >= '0' && ch <= '9') ? 1 : 4; break;
      case 3: state = (ch >= '0' && ch <= '9') ? 3 : ch == 'e' ? 2 : ch == ',' ? 0 : 4; break;
      default: state = ch == ',' ? 0 : 4; break;
    }
    counts[state]++;
  }
  return counts[0] ^ (counts[1] << 4) ^ (counts[2] << 8) ^ (counts[3] << 12) ^ (counts[4] << 16);
}

int main(int argc, char** argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 200;
  uint32_t check = 0;
  for (int r = 0; r < rounds; ++r) {
    uint32_t seed = (uint32_t)r * 2654435761u;
    check = check * 33u ^ list_kernel(seed) ^ matrix_kernel(seed + 1) ^ crc_kernel(seed + 2) ^ state_kernel(seed + 3);
  }
  printf("cpu_mix rounds=%d checksum=%08x\n", rounds, check);
  return 0;
}
