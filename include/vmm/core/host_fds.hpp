#pragma once
// The host's file descriptors, split between the guest and vm. A user-mode
// guest uses host descriptors as its own, so the ones vm keeps open while
// it runs (the program's file, file mappings, --trace and --stats-file)
// live at or above a floor the guest never reaches: it cannot use them by
// number (read, close, replace them), and its first open() returns 3, as on
// Linux. (It can still see them in /proc/self/fd, and reopen their files
// by path there, as it could open them by name: the same user's files.)
#include <cstdio>

namespace vmm::host_fds {

/// The first descriptor vm keeps for itself; the guest's are below it, and
/// RLIMIT_NOFILE as the guest sees it. The guest gets the soft limit vm was
/// started with, or half the hard limit when that is lower (vm needs room
/// above it), and 3 at least (the standard streams); vm raises its own
/// soft limit to the hard one. A descriptor vm was given at or above the
/// floor is hidden from the guest. Computed on first use, before vm opens
/// anything (execute_run).
[[nodiscard]] int floor();

/// Whether the guest may name `fd` (negative ones, AT_FDCWD among them,
/// are left to the host to judge).
[[nodiscard]] inline bool guest_may_use(int fd) { return fd < floor(); }

/// The lowest descriptor number free now (what open() would return), or -1.
int lowest_free();

/// Moves `fd` to the lowest free number at or above floor(), close-on-exec,
/// closing the original; `fd` itself when there is no room (it still works,
/// only within the guest's reach).
int move_above_guest(int fd);

/// fopen(path, "w"), its descriptor above the guest's.
std::FILE* open_for_writing(const char* path);

}  // namespace vmm::host_fds
