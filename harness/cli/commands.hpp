#pragma once
// The datagen and verify subcommands (run lives in run/). Each returns its exit code.

#include "harness/cli/options.hpp"

namespace lg::cli {

/// Builds the requested options (or prints COPY rows with --emit-copy). Returns 0.
int execute_datagen(const DatagenOptions& options);

/// Compares A/B/C answers; prints each mismatch (query, option, parameters) and returns 1 when
/// any option answered differently, 0 when all agree. On the embedded cluster it builds the
/// dataset first; on an external database it uses the recorded dataset (or --rebuild).
int execute_verify(const VerifyOptions& options);

}  // namespace lg::cli
