#pragma once
// Reading the user's input files (scenarios, sql/) whole, and writing result files so that a
// reader never sees half a file: a full disk or an unwritable folder is an error that names the
// path and the system's reason, never a silent 0-byte file.

#include <filesystem>
#include <string>
#include <string_view>

namespace lg {

/// The bytes of `file`. Throws InputError naming the file and `field` (exit 2) when it is
/// missing, a directory, or unreadable.
std::string read_input_file(const std::filesystem::path& file, const std::string& field);

/// "cannot write <path>: <strerror(err)>", the one shape of every write error.
std::string write_error(const std::filesystem::path& path, int err);

/// Writes `bytes` to `file` so that it is either whole or absent: a temporary name in the same
/// folder (".<name>.tmp-<pid>"), every write checked, fsync, rename over `file`, fsync of the
/// folder. Throws InfraError with write_error() of the path that failed (the temporary is
/// removed, an older `file` stays as it was).
void write_file_atomic(const std::filesystem::path& file, std::string_view bytes);

/// Checks that `dir` can hold files now: creates it (and its parents), then writes, fsyncs and
/// removes a small probe file in it. Throws InfraError with write_error() of the directory or
/// the probe (e.g. "cannot write results/.loadgate-probe-12: No space left on device").
void probe_writable_dir(const std::filesystem::path& dir);

/// Writes all of `bytes` to the open descriptor `fd`, retrying short writes and EINTR.
/// Returns 0, or the errno of the failed write.
int write_all_fd(int fd, std::string_view bytes) noexcept;

}  // namespace lg
