#include "vmm/core/log.hpp"

#include <algorithm>
#include <array>
#include <string>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace vmm::log {
namespace {

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::kTrace:
      return spdlog::level::trace;
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
    case Level::kOff:
      break;
  }
  return spdlog::level::off;
}

}  // namespace

bool to_stderr(std::string_view level) {
  static constexpr std::array<std::string_view, 6> kNames = {"trace", "debug", "info",
                                                             "warn",  "error", "off"};
  auto named = std::find(kNames.begin(), kNames.end(), level);
  if (named == kNames.end()) return false;
  auto logger = spdlog::stderr_color_mt("vm");
  logger->set_pattern("vm: [%l] %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(to_spdlog(static_cast<Level>(named - kNames.begin())));
  return true;
}

bool enabled(Level level) { return spdlog::should_log(to_spdlog(level)); }

void write(Level level, std::string_view message) { spdlog::log(to_spdlog(level), "{}", message); }

}  // namespace vmm::log
