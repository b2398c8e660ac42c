#include "harness/results/hlog_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

#include "harness/core/errors.hpp"
#include "harness/core/files.hpp"

namespace lg::results {

double epoch_seconds_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

HlogSink::HlogSink(const std::filesystem::path& file, double run_start_epoch_s)
    : file_(file),
      fd_(::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)),
      writer_(buffer_, run_start_epoch_s, LOADGATE_VERSION) {
  if (fd_ < 0) throw InfraError(write_error(file, errno));
  // The header, before anything is measured: a failure here can still stop the run cleanly.
  if (const int err = write_all_fd(fd_, buffer_.str()); err != 0) {
    ::close(fd_);
    throw InfraError(write_error(file, err));
  }
  buffer_.str({});
}

HlogSink::~HlogSink() { close(); }

void HlogSink::drain() noexcept {
  const std::string bytes = buffer_.str();
  buffer_.str({});
  if (!error_.empty() || fd_ < 0 || bytes.empty()) return;
  if (const int err = write_all_fd(fd_, bytes); err != 0) {
    error_ = write_error(file_, err);
    // Once, at once: what follows in this file is lost, and the run will end with exit 3.
    std::fprintf(stderr, "loadgate: %s (latency.hlog stops here; the run goes on)\n",
                 error_.c_str());
  }
}

void HlogSink::interval(const std::string& option, const std::string& stage, double option_start_s,
                        const exec::IntervalInfo& info, const std::vector<metrics::SlotSpec>& slots,
                        const std::vector<metrics::SlotData>& data, const std::string& trial) {
  if (!error_.empty()) return;
  const double start = option_start_s + static_cast<double>(info.start) / 1e9;
  const double length = static_cast<double>(info.end - info.start) / 1e9;
  try {
    for (std::size_t i = 0; i < slots.size() && i < data.size(); ++i) {
      if (slots[i].kind != metrics::MetricKind::kTrend || data[i].hist.count() == 0) continue;
      Tags tags = slots[i].tags;
      tags.emplace_back("option", option);
      tags.emplace_back("stage", stage);
      if (!trial.empty()) tags.emplace_back("trial", trial);
      writer_.write_interval(hlog_tag(slots[i].metric, make_tags(std::move(tags))), start, length,
                             data[i].hist);
    }
  } catch (const std::exception& e) {
    // An encoding failure (zlib) must not end a measured run either; it is reported the same way.
    buffer_.str({});
    error_ = "cannot write " + file_.string() + ": " + e.what();
    std::fprintf(stderr, "loadgate: %s (latency.hlog stops here; the run goes on)\n",
                 error_.c_str());
    return;
  }
  drain();
}

void HlogSink::close() noexcept {
  if (fd_ < 0) return;
  drain();
  const int fd = fd_;
  fd_ = -1;
  const bool synced = ::fsync(fd) == 0;
  const int err = synced ? 0 : errno;
  if (::close(fd) != 0 && synced && error_.empty()) error_ = write_error(file_, errno);
  if (!synced && error_.empty()) error_ = write_error(file_, err);
}

void merge_hlogs(const std::vector<std::filesystem::path>& in, const std::filesystem::path& out) {
  struct Slot {
    double length_s = 0;
    metrics::Histogram hist;
  };
  std::map<std::pair<std::int64_t, std::string>, Slot> slots;  // (wall-clock second, tag)
  double start = 0;
  for (const auto& file : in) {
    std::ifstream f(file);
    if (!f) throw InputError(SourceLoc{file.string(), 0, 0}, "latency.hlog", "cannot read");
    metrics::Hlog log;
    try {
      log = metrics::read_hlog(f);
    } catch (const std::exception& e) {
      throw InputError(SourceLoc{file.string(), 0, 0}, "latency.hlog", e.what());
    }
    if (start == 0 || log.start_epoch_s < start) start = log.start_epoch_s;
    for (auto& iv : log.intervals) {
      const auto second = static_cast<std::int64_t>(std::floor(log.base_epoch_s + iv.start_s));
      auto [it, fresh] = slots.try_emplace({second, iv.tag}, Slot{iv.length_s, iv.hist});
      if (fresh) continue;
      it->second.hist.add(iv.hist);
      it->second.length_s = std::max(it->second.length_s, iv.length_s);
    }
  }
  std::ostringstream f;
  start = std::floor(start);  // whole seconds, so every aligned interval starts at >= 0
  metrics::HlogWriter writer(f, start, LOADGATE_VERSION);
  for (const auto& [key, slot] : slots) {
    writer.write_interval(key.second, static_cast<double>(key.first) - start, slot.length_s,
                          slot.hist);
  }
  write_file_atomic(out, f.str());
}

}  // namespace lg::results
