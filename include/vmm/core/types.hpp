#pragma once
#include <cstdint>

namespace vmm {

/// A guest physical or virtual address. Kept as a plain integer: guest
/// addresses are data, never host pointers.
using GuestAddr = std::uint64_t;

inline constexpr unsigned kPageShift = 12;
inline constexpr std::uint64_t kPageSize = std::uint64_t{1} << kPageShift;
inline constexpr std::uint64_t kPageOffsetMask = kPageSize - 1;

constexpr GuestAddr page_floor(GuestAddr addr) { return addr & ~kPageOffsetMask; }
constexpr GuestAddr page_ceil(GuestAddr addr) { return (addr + kPageOffsetMask) & ~kPageOffsetMask; }

/// Build options as constexpr values, so code branches with `if constexpr`.
#if defined(__x86_64__)
inline constexpr bool kHostX86_64 = true;
#else
inline constexpr bool kHostX86_64 = false;
#endif
#if defined(__linux__)
inline constexpr bool kHostLinux = true;
#else
inline constexpr bool kHostLinux = false;
#endif

}  // namespace vmm
