#include "vmm/core/host_fds.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

namespace vmm::host_fds {

namespace {

int compute_floor() {
  constexpr int kStandardStreams = 3;  // never hidden, however low the limits
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  const auto clamp = [](rlim_t n) { return static_cast<int>(std::min<rlim_t>(n, INT_MAX / 2)); };
  const int soft = limit.rlim_cur == RLIM_INFINITY ? INT_MAX / 2 : clamp(limit.rlim_cur);
  const int hard = limit.rlim_max == RLIM_INFINITY ? INT_MAX / 2 : clamp(limit.rlim_max);
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) != 0) return std::max(kStandardStreams, soft / 2);
  }
  return std::max(kStandardStreams, std::min(soft, hard / 2));
}

}  // namespace

int floor() {
  static const int value = compute_floor();
  return value;
}

int lowest_free() {
  const int probe = ::open("/", O_PATH | O_CLOEXEC);
  if (probe >= 0) ::close(probe);
  return probe;
}

int move_above_guest(int fd) {
  if (fd < 0 || fd >= floor()) return fd;
  const int high = ::fcntl(fd, F_DUPFD_CLOEXEC, floor());
  if (high < 0) return fd;
  ::close(fd);
  return high;
}

std::FILE* open_for_writing(const char* path) {
  const int fd = ::open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return nullptr;
  const int high = move_above_guest(fd);
  std::FILE* file = ::fdopen(high, "w");
  if (file == nullptr) {
    const int error = errno;
    ::close(high);
    errno = error;  // the caller reports why
  }
  return file;
}

}  // namespace vmm::host_fds
