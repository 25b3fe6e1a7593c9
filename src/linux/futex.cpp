// futex for a guest with one thread: nothing but a signal handler (or the
// clock) can change the word it waits on, so a wait lasts until its
// timeout or a signal the guest takes, and a wake finds no one to wake.
#include <linux/futex.h>
#include <time.h>

#include <cerrno>

#include "vmm/linux/syscalls.hpp"

namespace vmm::linux_user {

namespace {

constexpr std::uint64_t kCommandMask = 0x7f;  // without FUTEX_PRIVATE_FLAG, FUTEX_CLOCK_REALTIME

/// `later` - `earlier`.
timespec difference(const timespec& later, const timespec& earlier) {
  timespec d{later.tv_sec - earlier.tv_sec, later.tv_nsec - earlier.tv_nsec};
  if (d.tv_nsec < 0) {
    d.tv_sec -= 1;
    d.tv_nsec += 1000000000;
  }
  return d;
}

}  // namespace

bool Syscalls::futex_waits(const Args& a) {
  const std::uint64_t command = a[1] & kCommandMask;
  return command == FUTEX_WAIT || command == FUTEX_WAIT_BITSET;
}

std::int64_t Syscalls::sys_futex(const Args& a, Outcome& outcome) {
  const std::uint64_t command = a[1] & kCommandMask;
  // FUTEX_CLOCK_REALTIME goes with FUTEX_WAIT_BITSET only (of what we know).
  if ((a[1] & FUTEX_CLOCK_REALTIME) != 0 && command != FUTEX_WAIT_BITSET) return -ENOSYS;
  if ((a[0] & 3) != 0) return -EINVAL;  // the word is 32-bit aligned
  std::uint32_t word = 0;
  switch (command) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
      break;
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
    case FUTEX_WAKE_OP:
      // No other thread waits: none is woken, once the word is known to be there.
      if (command == FUTEX_WAKE_BITSET && static_cast<std::uint32_t>(a[5]) == 0) return -EINVAL;
      if (!get(a[0], word)) return -EFAULT;
      return command == FUTEX_CMP_REQUEUE && word != static_cast<std::uint32_t>(a[5]) ? -EAGAIN : 0;
    default:
      return -ENOSYS;
  }
  if (command == FUTEX_WAIT_BITSET && static_cast<std::uint32_t>(a[5]) == 0) return -EINVAL;
  // The timeout is read before the word, as Linux does.
  std::optional<timespec> deadline;
  if (a[3] != 0) {
    if (const std::int64_t r = futex_deadline(a, deadline); r != 0) return r;
  }
  if (!get(a[0], word)) return -EFAULT;
  if (word != static_cast<std::uint32_t>(a[2])) return -EAGAIN;
  const std::int64_t r = wait_for_signal(nullptr, 0, deadline, outcome);
  return r == 0 ? -ETIMEDOUT : r;
}

std::int64_t Syscalls::futex_deadline(const Args& a, std::optional<timespec>& deadline) {
  // FUTEX_WAIT's timeout is relative; FUTEX_WAIT_BITSET's is a time on
  // CLOCK_MONOTONIC, or CLOCK_REALTIME with FUTEX_CLOCK_REALTIME.
  if ((a[1] & kCommandMask) == FUTEX_WAIT) return read_deadline(a[3], deadline);
  timespec at{};
  if (!get(a[3], at)) return -EFAULT;
  if (at.tv_sec < 0 || at.tv_nsec < 0 || at.tv_nsec >= 1000000000) return -EINVAL;
  timespec mono{};
  ::clock_gettime(CLOCK_MONOTONIC, &mono);
  if ((a[1] & FUTEX_CLOCK_REALTIME) == 0) {
    deadline = at;
    return 0;
  }
  timespec real{};
  ::clock_gettime(CLOCK_REALTIME, &real);
  const timespec left = difference(at, real);
  deadline = left.tv_sec < 0 ? mono : timespec{mono.tv_sec + left.tv_sec, mono.tv_nsec + left.tv_nsec};
  if (deadline->tv_nsec >= 1000000000) {
    deadline->tv_sec += 1;
    deadline->tv_nsec -= 1000000000;
  }
  return 0;
}

}  // namespace vmm::linux_user
