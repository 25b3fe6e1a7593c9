/* C11 <stdatomic.h> on 32- and 64-bit objects, single threaded: fetch_add,
 * fetch_sub, fetch_and/or/xor, exchange, compare_exchange strong/weak
 * (success and failure paths), load/store with several memory orders, flags,
 * fences; 8/16-bit atomics (lowered to LR/SC loops on word). */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

static _Atomic int32_t a32 = 10;
static _Atomic int64_t a64 = 1000000000000LL;
static _Atomic uint32_t u32 = 0xf0f0f0f0u;
static _Atomic uint64_t u64 = 0x0123456789abcdefULL;
static _Atomic uint8_t b8 = 250;
static _Atomic uint16_t h16 = 65530;
static atomic_flag flag = ATOMIC_FLAG_INIT;

int main(void) {
    printf("fetch_add32 old=%" PRId32, atomic_fetch_add(&a32, 5));
    printf(" new=%" PRId32 "\n", atomic_load(&a32));
    printf("fetch_sub32 old=%" PRId32, atomic_fetch_sub(&a32, 20));
    printf(" new=%" PRId32 "\n", atomic_load(&a32));
    printf("fetch_add64 old=%" PRId64, atomic_fetch_add(&a64, -1LL));
    printf(" new=%" PRId64 "\n", atomic_load_explicit(&a64, memory_order_acquire));
    printf("fetch_and32 old=%08" PRIx32, atomic_fetch_and(&u32, 0x0ff00ff0u));
    printf(" new=%08" PRIx32 "\n", atomic_load(&u32));
    printf("fetch_or32 old=%08" PRIx32, atomic_fetch_or(&u32, 0x80000001u));
    printf(" new=%08" PRIx32 "\n", atomic_load(&u32));
    printf("fetch_xor64 old=%016" PRIx64, atomic_fetch_xor(&u64, 0xffffffff00000000ULL));
    printf(" new=%016" PRIx64 "\n", atomic_load(&u64));
    printf("fetch_and64 old=%016" PRIx64, atomic_fetch_and_explicit(&u64, 0x00ff00ff00ff00ffULL, memory_order_relaxed));
    printf(" new=%016" PRIx64 "\n", atomic_load(&u64));
    printf("fetch_or64 old=%016" PRIx64, atomic_fetch_or_explicit(&u64, 1ULL << 63, memory_order_seq_cst));
    printf(" new=%016" PRIx64 "\n", atomic_load(&u64));

    printf("exchange32 old=%" PRId32, atomic_exchange(&a32, -123456));
    printf(" new=%" PRId32 "\n", atomic_load(&a32));
    printf("exchange64 old=%" PRId64, atomic_exchange_explicit(&a64, INT64_MIN, memory_order_acq_rel));
    printf(" new=%" PRId64 "\n", atomic_load(&a64));

    int32_t e32 = -123456;
    _Bool ok = atomic_compare_exchange_strong(&a32, &e32, 77);
    printf("cas32 success ok=%d expected=%" PRId32 " now=%" PRId32 "\n", ok, e32, atomic_load(&a32));
    e32 = 5;
    ok = atomic_compare_exchange_strong(&a32, &e32, 88);
    printf("cas32 failure ok=%d expected=%" PRId32 " now=%" PRId32 "\n", ok, e32, atomic_load(&a32));
    int64_t e64 = INT64_MIN;
    ok = atomic_compare_exchange_strong_explicit(&a64, &e64, INT64_MAX, memory_order_seq_cst, memory_order_relaxed);
    printf("cas64 success ok=%d now=%" PRId64 "\n", ok, atomic_load(&a64));
    e64 = 0;
    ok = atomic_compare_exchange_strong(&a64, &e64, 1);
    printf("cas64 failure ok=%d expected=%" PRId64 "\n", ok, e64);
    /* weak CAS loop: may fail spuriously in theory, so loop */
    int64_t cur = atomic_load(&a64), iterations = 0;
    for (int k = 0; k < 1000; k++) {
        cur = atomic_load(&a64);
        while (!atomic_compare_exchange_weak(&a64, &cur, cur - 3)) iterations++;
    }
    printf("weak cas loop result=%" PRId64 " (spurious retries not printed)\n", atomic_load(&a64));
    (void)iterations;
    uint32_t eu = atomic_load(&u32);
    while (!atomic_compare_exchange_weak_explicit(&u32, &eu, eu * 3 + 1, memory_order_release, memory_order_relaxed)) {}
    printf("weak cas32 now=%08" PRIx32 "\n", atomic_load(&u32));

    /* sub-word atomics */
    printf("u8 fetch_add old=%u", (unsigned)atomic_fetch_add(&b8, 10));
    printf(" new=%u\n", (unsigned)atomic_load(&b8));
    printf("u16 fetch_add old=%u", (unsigned)atomic_fetch_add(&h16, 10));
    printf(" new=%u\n", (unsigned)atomic_load(&h16));
    uint16_t eh = 4;
    ok = atomic_compare_exchange_strong(&h16, &eh, 0xbeef);
    printf("u16 cas ok=%d now=%04x\n", ok, (unsigned)atomic_load(&h16));
    printf("u8 exchange old=%u now=", (unsigned)atomic_exchange(&b8, 0x7f));
    printf("%u\n", (unsigned)atomic_load(&b8));

    /* flags and fences */
    int first = atomic_flag_test_and_set(&flag);
    int second = atomic_flag_test_and_set(&flag);
    printf("flag test_and_set first=%d second=%d\n", first, second);
    atomic_flag_clear(&flag);
    printf("flag after clear=%d\n", atomic_flag_test_and_set(&flag));
    atomic_thread_fence(memory_order_seq_cst);
    atomic_signal_fence(memory_order_seq_cst);
    atomic_store_explicit(&a32, 1, memory_order_release);
    printf("store/load release/acquire=%" PRId32 "\n", atomic_load_explicit(&a32, memory_order_acquire));

    /* counter loop */
    _Atomic uint64_t counter = 0;
    uint64_t sum_old = 0;
    for (uint64_t k = 0; k < 100000; k++) sum_old += atomic_fetch_add_explicit(&counter, k, memory_order_relaxed);
    printf("counter=%" PRIu64 " sum_old=%" PRIu64 "\n", atomic_load(&counter), sum_old);
    printf("lock free 32=%d 64=%d\n", atomic_is_lock_free(&a32), atomic_is_lock_free(&a64));
    /* max via CAS loop */
    _Atomic int64_t mx = 0;
    int64_t vals[] = {5, -7, 42, 13, 41, -100};
    for (int k = 0; k < 6; k++) {
        int64_t c = atomic_load(&mx);
        while (vals[k] > c && !atomic_compare_exchange_weak(&mx, &c, vals[k])) {}
    }
    printf("cas max=%" PRId64 "\n", atomic_load(&mx));
    return 0;
}
