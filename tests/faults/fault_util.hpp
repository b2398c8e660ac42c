#pragma once
// What the fault tests share: a scenario file in a test folder, the run folder a run left and
// its results read back, the time a fault took, a small real file system.

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace lg::test {

/// Writes `text` to `dir`/s.toml; returns that path.
std::filesystem::path write_scenario(const std::filesystem::path& dir, const std::string& text);

/// summary.json of the only run under `dir`/results, after checking (EXPECT) that junit.xml,
/// latency.hlog and timeseries.csv are there too: a run that ended in a fault still wrote them.
nlohmann::json results_of(const std::filesystem::path& dir);

/// The invariant `name` of a summary.json; nullptr when the run did not judge it.
const nlohmann::json* invariant(const nlohmann::json& summary, const std::string& name);

/// Seconds from `t` to now.
double seconds_since(std::chrono::steady_clock::time_point t);

/// Mounts a tmpfs of `size` ("64k", "96m") on `dir` (created); false, with why, when mounting
/// is not permitted (the tests that need one skip then).
bool mount_tmpfs(const std::filesystem::path& dir, const std::string& size, std::string* why);

/// A private TMPDIR for the embedded cluster under `dir`. Running as root the server runs as
/// another user, and loadgate falls back to /tmp unless every folder above is searchable.
std::filesystem::path cluster_tmp(const std::filesystem::path& dir);

}  // namespace lg::test
