#include "harness/core/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "harness/core/errors.hpp"

namespace lg {
namespace fs = std::filesystem;

namespace {

// Closes a descriptor on every path out; close() errors matter only where checked explicitly.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  int release() {
    const int out = fd;
    fd = -1;
    return out;
  }
};

// Creates `tmp`, writes `bytes`, fsyncs and closes it. Returns 0 or the errno of the failure.
int write_synced(const fs::path& tmp, std::string_view bytes) {
  Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
  if (f.fd < 0) return errno;
  if (const int err = write_all_fd(f.fd, bytes); err != 0) return err;
  if (::fsync(f.fd) != 0) return errno;
  // close() is where NFS and some filesystems report a deferred write error.
  if (::close(f.release()) != 0) return errno;
  return 0;
}

// The rename is durable only once the folder's entry is on disk. Failure here is reported:
// the file is complete but a crash could still lose it.
int sync_dir(const fs::path& dir) {
  Fd d{::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0) return errno;
  if (::fsync(d.fd) != 0 && errno != EINVAL) return errno;  // EINVAL: fs cannot sync folders
  return 0;
}

}  // namespace

std::string read_input_file(const std::filesystem::path& file, const std::string& field) {
  const SourceLoc at{file.string(), 0, 0};
  std::error_code ec;
  // ifstream opens a directory without complaint and reads nothing.
  if (std::filesystem::is_directory(file, ec)) throw InputError(at, field, "is a directory");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(at, field, std::string("cannot read: ") + std::strerror(errno));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw InputError(at, field, "read error");
  return bytes.str();
}

std::string write_error(const std::filesystem::path& path, int err) {
  return "cannot write " + path.string() + ": " + std::strerror(err);
}

int write_all_fd(int fd, std::string_view bytes) noexcept {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

void write_file_atomic(const std::filesystem::path& file, std::string_view bytes) {
  const fs::path tmp =
      file.parent_path() / ("." + file.filename().string() + ".tmp-" + std::to_string(::getpid()));
  if (const int err = write_synced(tmp, bytes); err != 0) {
    ::unlink(tmp.c_str());  // a partial temporary would hold the space a later file needs
    throw InfraError(write_error(file, err));
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw InfraError(write_error(file, err));
  }
  if (const int err = sync_dir(file.parent_path()); err != 0) {
    throw InfraError(write_error(file.parent_path(), err));
  }
}

void probe_writable_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InfraError(write_error(dir, ec.value()));
  // A probe that holds a block: an empty file can be created on a full disk.
  const fs::path probe = dir / (".loadgate-probe-" + std::to_string(::getpid()));
  const std::string block(4096, '\n');
  const int err = write_synced(probe, block);
  ::unlink(probe.c_str());
  if (err != 0) throw InfraError(write_error(probe, err));
}

}  // namespace lg
