/* Atomics in a loop, as reference counts, a spinlock and shared statistics
 * use them (single threaded): fetch_add/sub, a compare-and-swap lock around
 * a critical section, a CAS loop keeping a maximum, exchange, and 8/16-bit
 * atomics (LR/SC loops on the containing word). Prints checksums. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

static _Atomic int64_t refs = 1;
static _Atomic int32_t lock_word;
static _Atomic uint64_t hits, bytes;
static _Atomic uint32_t max_seen;
static _Atomic uint16_t small16 = 7;
static _Atomic uint8_t small8 = 3;
static uint64_t protected_sum;

static void lock(void) {
    int32_t expected = 0;
    while (!atomic_compare_exchange_weak_explicit(&lock_word, &expected, 1, memory_order_acquire,
                                                  memory_order_relaxed))
        expected = 0;
}
static void unlock(void) { atomic_store_explicit(&lock_word, 0, memory_order_release); }

static void note_max(uint32_t v) {
    uint32_t cur = atomic_load_explicit(&max_seen, memory_order_relaxed);
    while (v > cur && !atomic_compare_exchange_weak(&max_seen, &cur, v)) {
    }
}

int main(void) {
    uint32_t x = 12345;
    for (int i = 0; i < 5000000; i++) {
        x = x * 1103515245u + 12345u;
        atomic_fetch_add_explicit(&refs, 1, memory_order_relaxed);
        lock();
        protected_sum += x >> 7;
        unlock();
        atomic_fetch_add(&hits, 1);
        atomic_fetch_add(&bytes, x & 0xff);
        note_max(x >> 8);
        if ((x & 7) == 0) atomic_fetch_xor(&small16, (uint16_t)x);
        if ((x & 15) == 1) atomic_fetch_add(&small8, 1);
        if (atomic_fetch_sub_explicit(&refs, 1, memory_order_acq_rel) == 0) return 1;
    }
    uint64_t old = atomic_exchange(&bytes, 0);
    printf("refs=%lld hits=%llu bytes=%llu max=%u small16=%u small8=%u sum=%llu lock=%d\n", (long long)refs,
           (unsigned long long)hits, (unsigned long long)old, (unsigned)max_seen, (unsigned)small16,
           (unsigned)small8, (unsigned long long)protected_sum, (int)lock_word);
    return 0;
}
