#include "harness/db/environment.hpp"

#include <sys/utsname.h>

#include <fstream>
#include <string>
#include <thread>

#include "harness/core/version.hpp"

#ifndef LOADGATE_VERSION
#define LOADGATE_VERSION "unknown"
#endif

namespace lg::db {
namespace {

using nlohmann::json;

// Value after the colon of the first /proc line starting with `key`, trimmed; empty if none.
std::string proc_field(const char* file, const std::string& key) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const auto start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? "" : line.substr(start);
  }
  return "";
}

json mem_total_bytes() {
  const std::string kb = proc_field("/proc/meminfo", "MemTotal");  // "16318412 kB"
  if (kb.empty()) return nullptr;
  try {
    return static_cast<std::int64_t>(std::stoll(kb)) * 1024;
  } catch (const std::exception&) {
    return nullptr;
  }
}

json host_facts() {
  json host;
  const unsigned cores = std::thread::hardware_concurrency();
  host["cores"] = cores > 0 ? json(cores) : json(nullptr);
  const std::string model = proc_field("/proc/cpuinfo", "model name");
  host["cpu_model"] = model.empty() ? json(nullptr) : json(model);
  host["mem_total_bytes"] = mem_total_bytes();
  utsname u{};
  const bool ok = ::uname(&u) == 0;
  host["sysname"] = ok ? json(u.sysname) : json(nullptr);
  host["release"] = ok ? json(u.release) : json(nullptr);
  host["machine"] = ok ? json(u.machine) : json(nullptr);
  return host;
}

json server_settings(Connection& conn) {
  std::string names = "{";
  json settings = json::object();
  for (const char* name : kResultSettings) {
    names += std::string(names.size() > 1 ? "," : "") + name;
    settings[name] = nullptr;
  }
  const Result r = conn.query(
      "SELECT name, setting, unit, current_setting(name) FROM pg_settings "
      "WHERE name = ANY($1::text[])",
      {names + "}"});
  for (int i = 0; i < r.rows(); ++i) {
    settings[std::string(r.get(i, 0))] = {
        {"value", std::string(r.get(i, 1))},
        {"unit", r.is_null(i, 2) ? json(nullptr) : json(std::string(r.get(i, 2)))},
        {"display", std::string(r.get(i, 3))}};
  }
  return settings;
}

}  // namespace

nlohmann::json capture_environment(Connection& conn) {
  const Result v = conn.query("SELECT version(), current_setting('server_version_num')::int");
  return {{"postgres",
           {{"version", std::string(v.get(0, 0))},
            {"server_version_num", std::stoi(std::string(v.get(0, 1)))}}},
          {"settings", server_settings(conn)},
          {"host", host_facts()},
          {"loadgate", {{"version", LOADGATE_VERSION}, {"git_commit", kGitCommit}}}};
}

BufferStats buffer_stats(Connection& conn) {
  // 15+: make this backend's own pending counters visible too (flushed when it next goes idle).
  if (conn.server_version() >= 150000) conn.exec("SELECT pg_stat_force_next_flush()");
  conn.exec("SELECT pg_stat_clear_snapshot()");
  const Result r = conn.query(
      "SELECT blks_hit, blks_read FROM pg_stat_database WHERE datname = current_database()");
  BufferStats s;
  if (r.rows() == 0) return s;
  s.blks_hit = std::stoll(std::string(r.get(0, 0)));
  s.blks_read = std::stoll(std::string(r.get(0, 1)));
  return s;
}

std::optional<double> hit_ratio(const BufferStats& before, const BufferStats& after) {
  const std::int64_t hit = after.blks_hit - before.blks_hit;
  const std::int64_t read = after.blks_read - before.blks_read;
  if (hit < 0 || read < 0 || hit + read == 0) return std::nullopt;
  return static_cast<double>(hit) / static_cast<double>(hit + read);
}

}  // namespace lg::db
