#include "harness/core/errors.hpp"

namespace lg {
namespace {

std::string format_input_error(const SourceLoc& at, const std::string& field,
                               const std::string& message) {
  std::string out;
  if (!at.file.empty()) {
    out += at.file;
    if (at.line > 0) out += ":" + std::to_string(at.line);
    if (at.column > 0) out += ":" + std::to_string(at.column);
    out += ": ";
  }
  if (!field.empty()) out += field + ": ";
  return out + message;
}

}  // namespace

InputError::InputError(SourceLoc at, std::string field, const std::string& message)
    : std::runtime_error(format_input_error(at, field, message)),
      at_(std::move(at)),
      field_(std::move(field)) {}

InputError::InputError(std::string field, const std::string& message)
    : InputError(SourceLoc{}, std::move(field), message) {}

}  // namespace lg
