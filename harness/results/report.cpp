#include "harness/results/report.hpp"

#include <ctime>
#include <functional>
#include <utility>

#include "harness/core/errors.hpp"
#include "harness/core/files.hpp"
#include "harness/results/series_file.hpp"

namespace lg::results {

bool RunReport::thresholds_passed() const {
  for (const auto& t : thresholds) {
    if (!t.passed) return false;
  }
  return true;
}

bool RunReport::invariants_held() const {
  for (const auto& i : invariants) {
    if (!i.passed) return false;
  }
  return true;
}

std::string RunReport::verdict() const {
  if (!complete) return "incomplete";
  return thresholds_passed() && invariants_held() ? "pass" : "fail";
}

std::string utc_now(bool compact) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, compact ? "%Y%m%dT%H%M%SZ" : "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::vector<std::string> write_result_files(const RunReport& report) {
  std::vector<std::string> failures;
  std::error_code ec;
  std::filesystem::create_directories(report.dir, ec);
  if (ec) return {write_error(report.dir, ec.value())};
  // Small files CI reads first: on a nearly full disk they still fit after a large one failed
  // (a failed file's temporary is removed, so it leaves its space to the next).
  const std::pair<const char*, std::function<void(const std::filesystem::path&)>> files[] = {
      {"junit.xml", [&](const auto& f) { write_junit_xml(report, f); }},
      {"summary.json", [&](const auto& f) { write_summary_json(report, f); }},
      {"summary.txt", [&](const auto& f) { write_file_atomic(f, format_console(report)); }},
      {"scenario.toml",
       [&](const auto& f) {
         if (report.scenario) write_file_atomic(f, report.scenario->source_text);
       }},
      {"series.json", [&](const auto& f) { write_series_json(report.series, f); }},
      {"timeseries.csv", [&](const auto& f) { write_timeseries_csv(report, f); }},
  };
  for (const auto& [name, write] : files) {
    try {
      write(report.dir / name);
    } catch (const std::exception& e) {
      failures.emplace_back(e.what());
    }
  }
  return failures;
}

void write_all(const RunReport& report) {
  const auto failures = write_result_files(report);
  if (failures.empty()) return;
  std::string all;
  for (const auto& f : failures) all += (all.empty() ? "" : "; ") + f;
  throw InfraError(all);
}

}  // namespace lg::results
