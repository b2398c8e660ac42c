#include "harness/results/run_folder.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "harness/core/errors.hpp"
#include "harness/core/files.hpp"
#include "harness/results/series_file.hpp"

namespace lg::results {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// ---- timeseries.csv ----

// The columns the reader knows. A file may order them otherwise, lack the optional ones or
// carry more; the error classes' columns follow the historical ones.
enum Column : std::size_t {
  kOption,
  kStage,
  kTStart,
  kTEnd,
  kMetric,
  kQuery,
  kRequest,
  kReadSource,
  kKind,
  kDuringRefresh,
  kCount,
  kErrors,
  kThroughput,
  kP50,
  kP95,
  kP99,
  kMax,
  kVus,
  kRefreshInFlight,
  kFirstClass,
  kTrial = kFirstClass + kErrorClasses,  // after the classes: added with trials (issue 14)
  kColumns,
};

constexpr std::array<const char*, kFirstClass> kNames = {
    "option",           "stage",       "t_start_s", "t_end_s",        "metric", "query",
    "request",          "read_source", "kind",      "during_refresh", "count",  "errors",
    "throughput_per_s", "p50_ms",      "p95_ms",    "p99_ms",         "max_ms", "vus",
    "refresh_in_flight"};

// Every loadgate since the first wrote these; a file without them is not a timeseries.csv.
constexpr Column kRequired[] = {kOption, kStage, kTStart, kTEnd, kMetric, kQuery,
                                kKind,   kCount, kP50,    kP95,  kP99};

std::string column_name(std::size_t c) {
  if (c < kFirstClass) return kNames[c];
  if (c == kTrial) return "trial";
  return "errors_" + std::string(error_class_name(error_class_at(c - kFirstClass)));
}

std::vector<std::string_view> split(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  std::size_t from = 0;
  while (true) {
    const std::size_t at = line.find(sep, from);
    out.push_back(line.substr(from, at == std::string_view::npos ? at : at - from));
    if (at == std::string_view::npos) return out;
    from = at + 1;
  }
}

// Field positions by column, from the header line; -1 for a column the file does not have.
class Header {
 public:
  Header(std::string_view line, const std::string& file) : file_(file) {
    at_.fill(-1);
    const auto names = split(line, ',');
    width_ = names.size();
    for (std::size_t c = 0; c < kColumns; ++c) {
      const std::string name = column_name(c);
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == name) at_[c] = static_cast<int>(i);
      }
    }
    std::string missing;
    for (const Column c : kRequired) {
      if (at_[c] < 0) missing += std::string(missing.empty() ? "" : ", ") + '"' + kNames[c] + '"';
    }
    if (!missing.empty()) fail(1, "missing column " + missing);
  }

  [[noreturn]] void fail(int line, const std::string& why) const {
    throw InputError(SourceLoc{file_, line, 0}, "timeseries", why);
  }
  std::size_t width() const { return width_; }

  std::string text(const std::vector<std::string_view>& f, Column c) const {
    return at_[c] < 0 ? std::string() : std::string(f[static_cast<std::size_t>(at_[c])]);
  }
  // A column the file does not have reads as zero; a present one must hold a number.
  template <class T>
  T number(const std::vector<std::string_view>& f, Column c, int line) const {
    if (at_[c] < 0) return T{};
    const std::string_view s = f[static_cast<std::size_t>(at_[c])];
    T value{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size()) {
      fail(line, "column " + column_name(c) + ": \"" + std::string(s) + "\" is not a number");
    }
    return value;
  }

 private:
  std::string file_;
  std::array<int, kColumns> at_{};
  std::size_t width_ = 0;
};

IntervalRow parse_row(const Header& h, const std::vector<std::string_view>& f, int line) {
  IntervalRow r;
  r.option = h.text(f, kOption);
  r.stage = h.text(f, kStage);
  r.t_start_s = h.number<double>(f, kTStart, line);
  r.t_end_s = h.number<double>(f, kTEnd, line);
  r.metric = h.text(f, kMetric);
  r.query = h.text(f, kQuery);
  r.request = h.text(f, kRequest);
  r.read_source = h.text(f, kReadSource);
  r.kind = h.text(f, kKind);
  r.during_refresh = h.text(f, kDuringRefresh);
  r.count = h.number<std::int64_t>(f, kCount, line);
  r.errors = h.number<std::int64_t>(f, kErrors, line);
  r.throughput_per_s = h.number<double>(f, kThroughput, line);
  r.p50_ms = h.number<double>(f, kP50, line);
  r.p95_ms = h.number<double>(f, kP95, line);
  r.p99_ms = h.number<double>(f, kP99, line);
  r.max_ms = h.number<double>(f, kMax, line);
  r.vus = h.number<int>(f, kVus, line);
  r.refresh_in_flight = h.number<int>(f, kRefreshInFlight, line) != 0;
  for (std::size_t i = 0; i < kErrorClasses; ++i) {
    r.by_class[i] = h.number<std::int64_t>(f, static_cast<Column>(kFirstClass + i), line);
  }
  // A file from before trials is one trial.
  r.trial = std::max(1, h.number<int>(f, kTrial, line));
  return r;
}

// ---- the folder ----

// `name` in `dir` when `need` asks for it and it is there; InputError when required and absent.
std::optional<fs::path> locate(const fs::path& dir, const char* name, Need need) {
  if (need == Need::kSkip) return std::nullopt;
  std::error_code ec;
  const fs::path file = dir / name;
  if (fs::exists(file, ec)) return file;
  if (need == Need::kRequired) {
    throw InputError(SourceLoc{dir.string()}, "", std::string("not a run folder: no ") + name);
  }
  return std::nullopt;
}

json read_summary(const fs::path& file) {
  try {
    json doc = json::parse(read_input_file(file, "summary"));
    const auto options = doc.is_object() ? doc.find("options") : doc.end();
    if (options == doc.end() || !options->is_object()) {
      throw InputError(SourceLoc{file.string()}, "summary", "no \"options\" object");
    }
    return doc;
  } catch (const json::exception& e) {
    throw InputError(SourceLoc{file.string()}, "summary", std::string("malformed: ") + e.what());
  }
}

}  // namespace

std::vector<IntervalRow> parse_timeseries_csv(std::string_view text, const std::string& file) {
  std::vector<IntervalRow> rows;
  std::optional<Header> header;
  int line_no = 0;
  for (std::string_view line : split(text, '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (!header) {
      header.emplace(line, file);
      continue;
    }
    const auto fields = split(line, ',');
    // A short or long row is a cut or mangled file: reading it by position would shift values
    // into the wrong columns.
    if (fields.size() != header->width()) {
      header->fail(line_no, "expected " + std::to_string(header->width()) + " fields, found " +
                                std::to_string(fields.size()));
    }
    rows.push_back(parse_row(*header, fields, line_no));
  }
  return rows;
}

RunFolder read_run_folder(const fs::path& dir, const RunFolderNeeds& needs) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw InputError(SourceLoc{dir.string()}, "", "not a run folder: no such directory");
  }
  const auto summary = locate(dir, "summary.json", needs.summary);
  const auto series = locate(dir, "series.json", needs.series);
  const auto timeseries = locate(dir, "timeseries.csv", needs.timeseries);
  const auto scenario = locate(dir, "scenario.toml", needs.scenario);
  if (needs.summary_or_series && !summary && !series) {
    throw InputError(SourceLoc{dir.string()}, "",
                     "not a run folder: it has neither summary.json nor series.json");
  }
  RunFolder run;
  run.dir = dir;
  run.hlog = locate(dir, "latency.hlog", needs.hlog);
  if (summary) run.summary = read_summary(*summary);
  if (series) run.series = read_series_json(*series);
  if (timeseries) {
    run.timeseries =
        parse_timeseries_csv(read_input_file(*timeseries, "timeseries"), timeseries->string());
  }
  if (scenario) run.scenario_text = read_input_file(*scenario, "scenario");
  return run;
}

}  // namespace lg::results
