#pragma once
// The three renderings of a Comparison: a table for the terminal, Markdown
// for a pull-request comment and the GitHub step summary, and a JSON verdict
// for scripts. All list the most severe benchmarks first.
#include <string>

#include <nlohmann/json.hpp>

#include "bench/compare.hpp"

namespace vmm::bench {

/// Colours when stdout is a terminal and NO_COLOR is unset or empty (no-color.org).
[[nodiscard]] bool stdout_wants_colour();

/// "1.23 ms", "850 ns"; µ for microseconds only when `unicode`.
[[nodiscard]] std::string format_duration(double ns, bool unicode = true);

/// Table of every benchmark, the reasons of those that are not STABLE, and
/// the overall result. ANSI colours only when `colour`.
[[nodiscard]] std::string render_terminal(const Comparison& comparison, bool colour);

/// Summary line, the benchmarks that need attention, and the STABLE ones in a
/// collapsed table.
[[nodiscard]] std::string render_markdown(const Comparison& comparison);

/// {"overall", "exit_code", "counts", "rows", ...}; absent numbers are null.
[[nodiscard]] nlohmann::json render_json(const Comparison& comparison);

}  // namespace vmm::bench
