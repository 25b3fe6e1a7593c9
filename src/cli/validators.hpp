#pragma once
// Checks shared by the options of several `vm` commands.
#include <string>

#include <CLI/CLI.hpp>

namespace vmm::cli {

/// For options that name a file or directory: "" would mean the working
/// directory, or no file at all, never what was meant.
inline const CLI::Validator& non_empty_path() {
  static const CLI::Validator check(
      [](std::string& value) { return value.empty() ? std::string("an empty path") : std::string(); },
      "PATH");
  return check;
}

}  // namespace vmm::cli
