#pragma once
// Reading the user's input files (scenarios, sql/) whole.

#include <filesystem>
#include <string>

namespace lg {

/// The bytes of `file`. Throws InputError naming the file and `field` (exit 2) when it is
/// missing, a directory, or unreadable.
std::string read_input_file(const std::filesystem::path& file, const std::string& field);

}  // namespace lg
