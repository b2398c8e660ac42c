#include "harness/core/files.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "harness/core/errors.hpp"

namespace lg {

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

}  // namespace lg
