// Result files that never lie: each is whole or absent, every write error names the path and
// the system's reason, one failing file does not keep the others from being written, and
// latency.hlog reports a full disk once instead of throwing from a measured run. A real full
// disk is a 64 KiB tmpfs (skipped when mount is not permitted); /dev/full needs no privilege.

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "harness/core/errors.hpp"
#include "harness/core/files.hpp"
#include "harness/results/hlog_sink.hpp"
#include "harness/results/report.hpp"

namespace lg {
namespace {

namespace fs = std::filesystem;

const std::string kNoSpace = std::strerror(ENOSPC);

fs::path temp_dir(const std::string& tag) {
  std::string tmpl = (fs::temp_directory_path() / ("lgunit-" + tag + "-XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

std::string read(const fs::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Names in `dir` that look like a writer's temporary (".<name>.tmp-<pid>").
int temporaries(const fs::path& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    n += e.path().filename().string().find(".tmp-") != std::string::npos ? 1 : 0;
  }
  return n;
}

// Fills the filesystem of `dir` until a write fails with ENOSPC; returns the filler's path.
fs::path fill(const fs::path& dir) {
  const fs::path filler = dir / "filler";
  std::FILE* f = std::fopen(filler.c_str(), "w");
  if (f == nullptr) throw std::runtime_error("cannot create filler");
  const std::string block(4096, 'x');
  while (std::fwrite(block.data(), 1, block.size(), f) == block.size() && std::fflush(f) == 0) {
  }
  std::fclose(f);
  return filler;
}

// One interval holding one trend sample, as the collector hands it to the sink.
struct OneInterval {
  std::vector<metrics::SlotSpec> slots{
      {"sql_duration", metrics::MetricKind::kTrend, make_tags({{"query", "sku_lookup"}})}};
  std::vector<metrics::SlotData> data = std::vector<metrics::SlotData>(1);
  exec::IntervalInfo info;
  OneInterval() {
    data[0].hist.record(1500);
    data[0].count = 1;
    info.end = kNanosPerSecond;
  }
};

// A small tmpfs mounted on a fresh directory for the test's lifetime.
class SmallDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_dir("disk");
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=64k") != 0) {
      const std::string why = std::strerror(errno);
      fs::remove(dir_);
      dir_.clear();
      GTEST_SKIP() << "mount -t tmpfs is not permitted here (" << why
                   << "); the full-disk path is covered by the /dev/full tests";
    }
  }
  void TearDown() override {
    if (dir_.empty()) return;
    ::umount2(dir_.c_str(), MNT_DETACH);
    fs::remove_all(dir_);
  }
  fs::path dir_;
};

TEST(WriteFileAtomic, WritesTheWholeFileAndLeavesNoTemporary) {
  const auto dir = temp_dir("atomic");
  write_file_atomic(dir / "a.json", "{\"x\": 1}\n");
  write_file_atomic(dir / "a.json", "{\"x\": 2}\n");  // replaces
  EXPECT_EQ(read(dir / "a.json"), "{\"x\": 2}\n");
  EXPECT_EQ(temporaries(dir), 0);
  fs::remove_all(dir);
}

TEST(WriteFileAtomic, AMissingFolderIsAnErrorNamingThePathAndTheReason) {
  const auto dir = temp_dir("missing");
  const fs::path file = dir / "nope" / "summary.json";
  try {
    write_file_atomic(file, "x");
    FAIL() << "no error";
  } catch (const InfraError& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot write " + file.string() + ": " + std::strerror(ENOENT));
  }
  fs::remove_all(dir);
}

TEST(WriteFileAtomic, AFailedRenameKeepsNoTemporary) {
  const auto dir = temp_dir("rename");
  fs::create_directories(dir / "summary.json" / "occupied");  // a non-empty folder in the way
  EXPECT_THROW(write_file_atomic(dir / "summary.json", "x"), InfraError);
  EXPECT_EQ(temporaries(dir), 0);
  fs::remove_all(dir);
}

TEST(ProbeWritableDir, CreatesTheFolderAndLeavesNothingBehind) {
  const auto dir = temp_dir("probe");
  probe_writable_dir(dir / "results" / "deeper");
  EXPECT_TRUE(fs::is_empty(dir / "results" / "deeper"));
  fs::remove_all(dir);
}

TEST(ProbeWritableDir, AFolderUnderAFileIsAnErrorNamingIt) {
  const auto dir = temp_dir("probe-file");
  std::ofstream(dir / "file") << "x";
  try {
    probe_writable_dir(dir / "file" / "results");
    FAIL() << "no error";
  } catch (const InfraError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find((dir / "file" / "results").string()), std::string::npos) << what;
    EXPECT_NE(what.find(std::strerror(ENOTDIR)), std::string::npos) << what;
  }
  fs::remove_all(dir);
}

TEST(HlogSink, DevFullFailsAtCreationWithTheReason) {
  try {
    results::HlogSink sink("/dev/full", 0);
    FAIL() << "no error";
  } catch (const InfraError& e) {
    EXPECT_EQ(std::string(e.what()), "cannot write /dev/full: " + kNoSpace);
  }
}

TEST(WriteResultFiles, OneBlockedFileDoesNotKeepTheOthersFromBeingWritten) {
  const auto dir = temp_dir("blocked");
  results::RunReport report;
  report.run_id = "r";
  report.dir = dir;
  report.complete = false;
  report.incomplete_reason = "interrupted";
  fs::create_directories(dir / "summary.json" / "occupied");
  const auto failures = results::write_result_files(report);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_NE(failures[0].find((dir / "summary.json").string()), std::string::npos) << failures[0];
  for (const char* f : {"junit.xml", "summary.txt", "series.json", "timeseries.csv"}) {
    EXPECT_TRUE(fs::is_regular_file(dir / f)) << f;
    EXPECT_GT(fs::file_size(dir / f), 0u) << f;
  }
  EXPECT_NE(read(dir / "junit.xml").find("incomplete: interrupted"), std::string::npos);
  EXPECT_EQ(temporaries(dir), 0);
  EXPECT_THROW(results::write_all(report), InfraError);
  fs::remove_all(dir);
}

TEST_F(SmallDisk, HlogReportsAFullDiskOnceAndNeverThrows) {
  OneInterval one;
  results::HlogSink sink(dir_ / "latency.hlog", 0);
  sink.interval("A", "0", 0, one.info, one.slots, one.data);
  EXPECT_EQ(sink.error(), "");
  const fs::path filler = fill(dir_);
  testing::internal::CaptureStderr();
  for (int i = 0; i < 50; ++i) {  // enough lines to exceed any buffer
    EXPECT_NO_THROW(sink.interval("A", "0", 0, one.info, one.slots, one.data));
  }
  sink.close();
  const std::string said = testing::internal::GetCapturedStderr();
  EXPECT_EQ(sink.error(), "cannot write " + (dir_ / "latency.hlog").string() + ": " + kNoSpace);
  EXPECT_EQ(said.find(sink.error()), said.rfind(sink.error())) << "said more than once: " << said;
  EXPECT_NE(said.find(sink.error()), std::string::npos) << said;
  fs::remove(filler);
}

TEST_F(SmallDisk, AFullDiskReportsEveryFileAndLeavesNoPartialOne) {
  results::RunReport report;
  report.run_id = "r";
  report.dir = dir_ / "run";
  fs::create_directories(report.dir);
  const fs::path filler = fill(dir_);
  const auto failures = results::write_result_files(report);
  EXPECT_EQ(failures.size(), 5u);  // every file but scenario.toml (no scenario: nothing to write)
  for (const auto& f : failures) EXPECT_NE(f.find(kNoSpace), std::string::npos) << f;
  EXPECT_EQ(temporaries(report.dir), 0);
  for (const auto& e : fs::directory_iterator(report.dir)) {
    ADD_FAILURE() << "partial file left: " << e.path();
  }
  fs::remove(filler);
  EXPECT_TRUE(results::write_result_files(report).empty());
  EXPECT_GT(fs::file_size(report.dir / "summary.json"), 0u);
}

}  // namespace
}  // namespace lg
