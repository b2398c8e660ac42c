#include "harness/db/backend_usage.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace lg::db {
namespace {

// utime and stime are fields 14 and 15 of /proc/<pid>/stat, counted after the ")" that ends
// the command name (which may itself contain spaces).
std::optional<double> cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 2));
  std::string f;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) utime = std::stoll(f);
    if (i == 15) stime = std::stoll(f);
  }
  const long ticks = ::sysconf(_SC_CLK_TCK);
  if (ticks <= 0) return std::nullopt;
  return static_cast<double>(utime + stime) / static_cast<double>(ticks);
}

}  // namespace

std::optional<BackendUsage> read_backend_usage(int pid) {
  if (pid <= 0) return std::nullopt;
  try {
    const auto cpu = cpu_seconds(pid);
    if (!cpu) return std::nullopt;
    BackendUsage u;
    u.cpu_s = *cpu;
    std::ifstream io("/proc/" + std::to_string(pid) + "/io");
    std::string key;
    std::int64_t value = 0;
    while (io >> key >> value) {
      if (key == "read_bytes:") u.read_bytes = value;
      if (key == "write_bytes:") u.write_bytes = value;
    }
    return u;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace lg::db
