#pragma once
// Logging for the library and the CLI: one seam in front of spdlog, so that
// only src/core/log.cpp compiles spdlog (used header-only, it costs seconds
// per translation unit). Messages are formatted only when their level is on.
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace vmm::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError, kOff };

/// Logs from now on to stderr as "vm: [level] message", at `level` and above
/// ("trace", "debug", "info", "warn", "error" or "off"); false for any other name.
bool to_stderr(std::string_view level);

[[nodiscard]] bool enabled(Level level);
void write(Level level, std::string_view message);

template <typename... Args>
void at(Level level, fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(level)) write(level, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void trace(fmt::format_string<Args...> format, Args&&... args) {
  at(Level::kTrace, format, std::forward<Args>(args)...);
}
template <typename... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
  at(Level::kDebug, format, std::forward<Args>(args)...);
}
template <typename... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
  at(Level::kWarn, format, std::forward<Args>(args)...);
}
template <typename... Args>
void error(fmt::format_string<Args...> format, Args&&... args) {
  at(Level::kError, format, std::forward<Args>(args)...);
}

}  // namespace vmm::log
