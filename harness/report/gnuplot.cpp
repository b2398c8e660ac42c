#include "harness/report/gnuplot.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "harness/core/errors.hpp"

extern char** environ;

namespace lg::report {
namespace {

// posix_spawn_file_actions_t with RAII, so every exit path destroys it.
class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&fa_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&fa_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &fa_; }

 private:
  posix_spawn_file_actions_t fa_;
};

std::string log_tail(const std::filesystem::path& log) {
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  constexpr std::size_t kKeep = 800;
  if (text.size() > kKeep) text = "…" + text.substr(text.size() - kKeep);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

pid_t spawn(const std::filesystem::path& dir, const std::string& script,
            const std::string& program) {
  const std::string log = script + ".log";
  FileActions fa;
  // The chdir comes first so that the log and the script's own file names are relative to dir.
  posix_spawn_file_actions_addchdir_np(fa.get(), dir.c_str());
  posix_spawn_file_actions_addopen(fa.get(), 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(fa.get(), 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(fa.get(), 1, 2);
  std::vector<char*> argv = {const_cast<char*>(program.c_str()), const_cast<char*>(script.c_str()),
                             nullptr};
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, program.c_str(), fa.get(), nullptr, argv.data(), environ);
  if (rc == ENOENT) {
    throw InfraError("report: " + program +
                     " not found on PATH; the plots need gnuplot (Debian/Ubuntu: apt-get install "
                     "gnuplot-nox)");
  }
  if (rc != 0) {
    throw InfraError("report: cannot start " + program + ": " + std::strerror(rc));
  }
  return pid;
}

}  // namespace

std::string gp_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "''";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += ' ';
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

void write_file(const std::filesystem::path& file, std::string_view content) {
  std::ofstream out(file, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) throw InfraError("report: cannot write " + file.string());
}

void run_gnuplot(const std::filesystem::path& dir, const std::string& script,
                 const std::string& program) {
  if (!std::filesystem::is_directory(dir)) {
    throw InfraError("report: plot folder " + dir.string() + " does not exist");
  }
  const pid_t pid = spawn(dir, script, program);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw InfraError(std::string("report: waitpid: ") + std::strerror(errno));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  const std::string how = WIFEXITED(status)
                              ? "exited with status " + std::to_string(WEXITSTATUS(status))
                              : "was killed by signal " + std::to_string(WTERMSIG(status));
  throw InfraError("report: gnuplot " + how + " on " + (dir / script).string() + ": " +
                   log_tail(dir / (script + ".log")));
}

}  // namespace lg::report
