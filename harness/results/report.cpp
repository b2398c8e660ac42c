#include "harness/results/report.hpp"

#include <ctime>
#include <fstream>

#include "harness/core/errors.hpp"
#include "harness/results/series_file.hpp"

namespace lg::results {

bool RunReport::thresholds_passed() const {
  for (const auto& t : thresholds) {
    if (!t.passed) return false;
  }
  return true;
}

std::string utc_now(bool compact) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, compact ? "%Y%m%dT%H%M%SZ" : "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void write_all(const RunReport& report) {
  std::error_code ec;
  std::filesystem::create_directories(report.dir, ec);
  if (ec) throw InfraError("cannot create " + report.dir.string() + ": " + ec.message());
  write_summary_json(report, report.dir / "summary.json");
  write_timeseries_csv(report, report.dir / "timeseries.csv");
  write_junit_xml(report, report.dir / "junit.xml");
  write_series_json(report.series, report.dir / "series.json");
  std::ofstream(report.dir / "summary.txt") << format_console(report);
  if (report.scenario) std::ofstream(report.dir / "scenario.toml") << report.scenario->source_text;
}

}  // namespace lg::results
