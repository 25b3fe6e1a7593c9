#include "bench/report.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

namespace vmm::bench {
namespace {

using nlohmann::json;

constexpr Verdict kAllVerdicts[] = {Verdict::kRegression, Verdict::kWarning, Verdict::kNoisy,
                                    Verdict::kMissing,    Verdict::kNew,     Verdict::kImprovement,
                                    Verdict::kStable};

constexpr const char* kReset = "\033[0m";
constexpr const char* kBold = "\033[1m";

const char* ansi_colour(Verdict v) {
  switch (v) {
    case Verdict::kRegression:
      return "\033[1;31m";  // bold red
    case Verdict::kWarning:
      return "\033[33m";  // yellow
    case Verdict::kNoisy:
      return "\033[35m";  // magenta
    case Verdict::kMissing:
    case Verdict::kNew:
      return "\033[36m";  // cyan
    case Verdict::kImprovement:
      return "\033[32m";  // green
    case Verdict::kStable:
      return "";
  }
  return "";
}

const char* ansi_colour(Overall o) {
  switch (o) {
    case Overall::kRegression:
    case Overall::kNotComparable:
      return "\033[1;31m";
    case Overall::kWarning:
      return "\033[1;33m";
    case Overall::kPass:
      return "\033[1;32m";
  }
  return "";
}

const char* icon(Verdict v) {
  switch (v) {
    case Verdict::kRegression:
      return "🔴";
    case Verdict::kWarning:
      return "🟠";
    case Verdict::kNoisy:
      return "🟣";
    case Verdict::kMissing:
      return "⚫";
    case Verdict::kNew:
      return "🆕";
    case Verdict::kImprovement:
      return "🟢";
    case Verdict::kStable:
      return "⚪";
  }
  return "";
}

const char* icon(Overall o) {
  switch (o) {
    case Overall::kRegression:
      return "🔴";
    case Overall::kNotComparable:
      return "⛔";
    case Overall::kWarning:
      return "🟠";
    case Overall::kPass:
      return "🟢";
  }
  return "";
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string pct(const std::optional<double>& value, int decimals = 1) {
  return value ? fmt::format("{:+.{}f}%", *value, decimals) : "-";
}

std::string q_cell(const std::optional<double>& q) {
  if (!q) return "-";
  return *q < 1e-4 ? "<0.0001" : fmt::format("{:.4f}", *q);
}

std::string change_cell(const ComparisonRow& row) {
  if (!row.change_pct) return "-";
  std::string out = pct(row.change_pct);
  if (row.ci_low_pct && row.ci_high_pct)
    out += fmt::format(" [{}, {}]", pct(row.ci_low_pct), pct(row.ci_high_pct));
  return out;
}

std::string cv_cell(const ComparisonRow& row) {
  const auto one = [](const std::optional<double>& cv) { return cv ? fmt::format("{:.1f}%", *cv) : "-"; };
  if (!row.cv_baseline_pct && !row.cv_current_pct) return "-";
  return one(row.cv_baseline_pct) + " / " + one(row.cv_current_pct);
}

std::string time_cell(const std::optional<double>& ns, bool unicode) {
  return ns ? format_duration(*ns, unicode) : "-";
}

std::string instructions_cell(const ComparisonRow& row) {
  if (row.instructions_change_pct) return pct(row.instructions_change_pct, 2);
  const auto& only = row.instructions_baseline ? row.instructions_baseline : row.instructions_current;
  return only ? fmt::format("{:.0f}", *only) : "-";
}

std::string verdict_label(const ComparisonRow& row) {
  std::string label(verdict_name(row.verdict));
  if (row.verdict == Verdict::kRegression) label += row.gating ? " (gating)" : " (not gating)";
  return label;
}

/// "1 regression (gating), 2 warnings, 10 stable".
std::string counts_text(const Comparison& c) {
  std::string out;
  for (Verdict v : kAllVerdicts) {
    const std::size_t n = c.count(v);
    if (n == 0) continue;
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", n, lower(verdict_name(v)));
    if (v == Verdict::kRegression) {
      const std::size_t gating = c.gating_regressions();
      out += gating == n ? " (gating)" : gating == 0 ? " (not gating)" : fmt::format(" ({} gating)", gating);
    }
  }
  return out.empty() ? "no benchmarks" : out;
}

std::string overall_explanation(const Comparison& c) {
  switch (c.overall()) {
    case Overall::kRegression:
      return fmt::format("{} gating regression{}", c.gating_regressions(),
                         c.gating_regressions() == 1 ? "" : "s");
    case Overall::kWarning:
      return "no gating regression, but some benchmarks got slower";
    case Overall::kPass:
      return "no regression";
    case Overall::kNotComparable:
      return "different machine or build than the baseline";
  }
  return {};
}

std::string method_text(const Comparison& c) {
  std::size_t tests = 0;
  for (const auto& row : c.rows) tests += row.q_value ? 1 : 0;
  const int level = static_cast<int>(std::lround(100.0 * std::clamp(1.0 - c.alpha, 0.5, 0.999)));
  return fmt::format(
      "Instruction counts (callgrind, fixed iterations) gate. Wall time: Mann-Whitney U test per benchmark, "
      "Benjamini-Hochberg correction across {} test{} (false discovery rate {}%), Hodges-Lehmann shift with "
      "a "
      "{}% distribution-free confidence interval; NOISY when the coefficient of variation exceeds the noise "
      "threshold. Wall-time regressions {}.",
      tests, tests == 1 ? "" : "s", 100.0 * c.alpha, level,
      c.wall_time_gates ? "gate" : "are reported but do not gate");
}

std::string md_escape(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|') out += '\\';
    out += ch;
  }
  return out;
}

std::string markdown_table(const std::vector<const ComparisonRow*>& rows) {
  std::string out =
      "| Benchmark | Verdict | Wall time change [CI] | q | Instructions change |\n"
      "|---|---|---|---|---|\n";
  for (const ComparisonRow* row : rows) {
    std::string wall = change_cell(*row);
    if (row->baseline_ns || row->current_ns) {
      wall += fmt::format(" ({} → {})", time_cell(row->baseline_ns, true), time_cell(row->current_ns, true));
    }
    if (row->cv_baseline_pct || row->cv_current_pct) wall += fmt::format(", CV {}", cv_cell(*row));
    out += fmt::format("| `{}` | {} {} | {} | {} | {} |\n", md_escape(row->name), icon(row->verdict),
                       verdict_label(*row), md_escape(wall), q_cell(row->q_value), instructions_cell(*row));
  }
  return out;
}

json number_or_null(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? json(*v) : json(nullptr);
}

}  // namespace

bool stdout_wants_colour() {
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && *no_colour != '\0') return false;
  return isatty(fileno(stdout)) != 0;
}

std::string format_duration(double ns, bool unicode) {
  const double magnitude = std::fabs(ns);
  const char* unit = "ns";
  double value = ns;
  if (magnitude >= 1e9) {
    unit = "s";
    value = ns / 1e9;
  } else if (magnitude >= 1e6) {
    unit = "ms";
    value = ns / 1e6;
  } else if (magnitude >= 1e3) {
    unit = unicode ? "µs" : "us";
    value = ns / 1e3;
  }
  // Three significant digits, trailing zeros kept so that columns line up.
  const double abs_value = std::fabs(value);
  const int decimals = abs_value >= 99.95 ? 0 : abs_value >= 9.995 ? 1 : 2;
  return fmt::format("{:.{}f} {}", value, decimals, unit);
}

std::string render_terminal(const Comparison& c, bool colour) {
  const auto paint = [&](const char* code, const std::string& text) {
    return colour && *code != '\0' ? std::string(code) + text + kReset : text;
  };
  std::string out;
  out += paint(kBold, fmt::format("Benchmark comparison: {} benchmark{}", c.rows.size(),
                                  c.rows.size() == 1 ? "" : "s"));
  out += fmt::format(" ({})\n", counts_text(c));
  if (!c.comparable) {
    out +=
        fmt::format("warning: not comparable ({}); compared anyway because of --force\n", c.incompatibility);
  }
  for (const auto& note : c.notes) out += fmt::format("note: {}\n", note);

  const std::vector<std::string> header = {"VERDICT",     "BENCHMARK", "BASELINE", "CURRENT",
                                           "CHANGE [CI]", "Q",         "CV B/C",   "INSTR"};
  std::vector<std::vector<std::string>> cells;
  for (const ComparisonRow& row : c.rows) {
    std::string verdict(verdict_name(row.verdict));
    if (row.verdict == Verdict::kRegression && row.gating) verdict += "*";
    cells.push_back({verdict, row.name, time_cell(row.baseline_ns, false), time_cell(row.current_ns, false),
                     change_cell(row), q_cell(row.q_value), cv_cell(row), instructions_cell(row)});
  }
  std::vector<std::size_t> width(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& line : cells) {
    for (std::size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  }
  const auto render_line = [&](const std::vector<std::string>& line, const char* first_colour) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      // Pad before painting: escape codes have no width on screen.
      std::string cell = i + 1 == line.size() ? line[i] : fmt::format("{:<{}}", line[i], width[i]);
      if (i == 0) cell = paint(first_colour, cell);
      text += (i == 0 ? "" : "  ") + cell;
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text + "\n";
  };
  out += "\n" + render_line(header, kBold);
  for (std::size_t r = 0; r < cells.size(); ++r) out += render_line(cells[r], ansi_colour(c.rows[r].verdict));

  bool any_reason = false;
  for (const ComparisonRow& row : c.rows) {
    if (row.verdict == Verdict::kStable) continue;
    if (!any_reason) out += "\n";
    any_reason = true;
    out += fmt::format("{} {}: {}\n", paint(ansi_colour(row.verdict), std::string(verdict_name(row.verdict))),
                       row.name, row.reason);
  }
  if (c.gating_regressions() > 0) out += "\n* gating regression (fails the comparison)\n";
  const Overall overall = c.overall();
  out += fmt::format("\nResult: {} ({})\n", paint(ansi_colour(overall), std::string(overall_name(overall))),
                     overall_explanation(c));
  return out;
}

std::string render_markdown(const Comparison& c) {
  const Overall overall = c.overall();
  std::string out = "## Benchmark comparison\n\n";
  if (overall == Overall::kNotComparable) {
    out += fmt::format(
        "**{} {}**: the baseline was measured on a different machine or build ({}). Refresh the baseline on "
        "this runner, or compare with `--force`.\n",
        icon(overall), overall_name(overall), md_escape(c.incompatibility));
    return out;
  }
  out += fmt::format("**{} {}**: {}. {} benchmark{}: {}.\n", icon(overall), overall_name(overall),
                     overall_explanation(c), c.rows.size(), c.rows.size() == 1 ? "" : "s", counts_text(c));
  if (!c.comparable) {
    out += fmt::format("\n> **Warning:** not comparable ({}); compared anyway because of `--force`.\n",
                       md_escape(c.incompatibility));
  }
  for (const auto& note : c.notes) out += fmt::format("\n> Note: {}\n", md_escape(note));

  std::vector<const ComparisonRow*> attention;
  std::vector<const ComparisonRow*> stable;
  for (const ComparisonRow& row : c.rows)
    (row.verdict == Verdict::kStable ? stable : attention).push_back(&row);
  if (!attention.empty()) {
    out += "\n" + markdown_table(attention);
    out += "\n<details><summary>Why</summary>\n\n";
    for (const ComparisonRow* row : attention) {
      out += fmt::format("- `{}` {}: {}\n", md_escape(row->name), verdict_name(row->verdict),
                         md_escape(row->reason));
    }
    out += "\n</details>\n";
  }
  if (!stable.empty()) {
    // Collapsed so that a pull-request comment shows what needs attention first.
    out += fmt::format("\n<details><summary>{} stable benchmark{}</summary>\n\n", stable.size(),
                       stable.size() == 1 ? "" : "s");
    out += markdown_table(stable);
    out += "\n</details>\n";
  }
  out += fmt::format("\n<sub>{}</sub>\n", method_text(c));
  return out;
}

nlohmann::json render_json(const Comparison& c) {
  json counts = json::object();
  for (Verdict v : kAllVerdicts) counts[std::string(verdict_name(v))] = c.count(v);
  json rows = json::array();
  for (const ComparisonRow& row : c.rows) {
    std::string test = "none";
    if (row.wall_test == WallTest::kMannWhitney) test = "mann-whitney";
    if (row.wall_test == WallTest::kWelch) test = "welch";
    rows.push_back(json{
        {"name", row.name},
        {"verdict", verdict_name(row.verdict)},
        {"decided_by", metric_name(row.decided_by)},
        {"gating", row.gating},
        {"reason", row.reason},
        {"baseline_ns", number_or_null(row.baseline_ns)},
        {"current_ns", number_or_null(row.current_ns)},
        {"change_pct", number_or_null(row.change_pct)},
        {"ci_low_pct", number_or_null(row.ci_low_pct)},
        {"ci_high_pct", number_or_null(row.ci_high_pct)},
        {"p", number_or_null(row.p_value)},
        {"q", number_or_null(row.q_value)},
        {"cv_baseline_pct", number_or_null(row.cv_baseline_pct)},
        {"cv_current_pct", number_or_null(row.cv_current_pct)},
        {"baseline_samples", row.baseline_samples},
        {"current_samples", row.current_samples},
        {"wall_test", test},
        {"wall_verdict", row.wall_verdict ? json(verdict_name(*row.wall_verdict)) : json(nullptr)},
        {"instructions_baseline", number_or_null(row.instructions_baseline)},
        {"instructions_current", number_or_null(row.instructions_current)},
        {"instructions_change_pct", number_or_null(row.instructions_change_pct)},
        {"instructions_verdict",
         row.instructions_verdict ? json(verdict_name(*row.instructions_verdict)) : json(nullptr)},
    });
  }
  const auto fingerprint = [](const std::optional<Fingerprint>& f) {
    return f ? f->to_json() : json(nullptr);
  };
  return json{
      {"overall", overall_name(c.overall())},
      {"exit_code", c.exit_code()},
      {"comparable", c.comparable},
      {"forced", c.forced},
      {"incompatibility", c.incompatibility},
      {"gating_regressions", c.gating_regressions()},
      {"alpha", c.alpha},
      {"wall_time_gates", c.wall_time_gates},
      {"counts", counts},
      {"notes", c.notes},
      {"baseline_fingerprint", fingerprint(c.baseline_fingerprint)},
      {"current_fingerprint", fingerprint(c.current_fingerprint)},
      {"rows", rows},
  };
}

}  // namespace vmm::bench
