#pragma once
// Talking to gnuplot: quoting user text into scripts and running gnuplot as a child process.

#include <filesystem>
#include <string>
#include <string_view>

namespace lg::report {

/// `text` as a gnuplot single-quoted string: quotes doubled (gnuplot's only escape inside '…'),
/// control characters replaced by spaces so a tag cannot end the command. Scripts must be run
/// with a `noenhanced` terminal, else '_' and '^' in names become sub- and superscripts.
std::string gp_quote(std::string_view text);

/// Writes `content` to `file`. Throws InfraError naming the file on I/O failure.
void write_file(const std::filesystem::path& file, std::string_view content);

/// Runs `gnuplot <script>` in directory `dir` (so the script names its data and output files
/// relatively) without a shell, its stdout and stderr going to `<script>.log` in `dir`.
/// `program` is the gnuplot to run, looked up on PATH when it has no slash.
/// Throws InfraError when gnuplot is not installed (with how to install it), when it cannot be
/// started, or when it exits non-zero or is killed (quoting the end of its log).
void run_gnuplot(const std::filesystem::path& dir, const std::string& script,
                 const std::string& program = "gnuplot");

}  // namespace lg::report
