#pragma once
// The datagen and verify subcommands (run lives in run/). Each returns its exit code.

#include "harness/cli/options.hpp"
#include "harness/core/stop.hpp"

namespace lg::cli {

/// Builds the requested options (or prints COPY rows with --emit-copy). Returns 0. Throws
/// Interrupted when `stop` is requested during a load.
int execute_datagen(const DatagenOptions& options, const StopToken& stop = {});

/// Compares A/B/C answers; prints each mismatch (query, option, parameters) and returns 1 when
/// any option answered differently, 0 when all agree. On the embedded cluster it builds the
/// dataset first; on an external database it uses the recorded dataset (or --rebuild).
int execute_verify(const VerifyOptions& options, const StopToken& stop = {});

/// Merges runs of one scenario (load generators sharing one target): series.json histograms
/// and counts add, latency.hlog intervals align by wall-clock second, thresholds of the first
/// run's scenario are evaluated on the merged data. Writes a run folder at --out; returns 0 or
/// 99 like `run`.
int execute_merge(const MergeOptions& options);

}  // namespace lg::cli
