#pragma once
// `loadgate verify` (issue 2, item 7): the same query with the same parameters must return the
// same rows on every option, or a comparison between options measures nothing.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "datagen/product_gen.hpp"
#include "harness/db/connection.hpp"
#include "harness/option/schema_option.hpp"
#include "harness/workload/catalog.hpp"

namespace lg::verify {

/// One option answering differently from the first option that has the query, for one
/// parameter set.
struct Mismatch {
  std::string query;
  std::vector<std::optional<std::string>> params;
  std::string option;  ///< the option that differs from the first one
  std::string detail;  ///< e.g. "row 3: A (12, SKU-.., 9.99) vs B (12, SKU-.., 10.49)"
};

struct VerifyReport {
  int queries = 0;      ///< queries compared
  int param_sets = 0;   ///< parameter sets per query (K)
  int comparisons = 0;  ///< (query, set, option) results compared with the query's first option
  /// Per query: the selected options that have it, in selection order (the first is the one
  /// the others are compared with; one alone: ran, compared with nobody).
  std::map<std::string, std::vector<std::string>> options_of;
  std::vector<Mismatch> mismatches;
  /// Per query: parameter sets whose result on the query's first option had >= 1 row.
  std::map<std::string, int> sets_with_rows;
  /// Queries whose every parameter set returned no row: their agreement proves nothing.
  std::vector<std::string> empty_queries;

  bool ok() const { return mismatches.empty() && empty_queries.empty(); }
};

/// Runs every query any of `options` has with `param_sets` parameter sets drawn from
/// ParamGenerator(data, seed, hash_name(query)) and compares, among the options that have it,
/// each one's full result (column names, then rows as text, in order) with the first one's. A
/// query of one option alone runs (a failing or row-less one still fails verify) but is
/// compared with nobody. The view of each option that
/// has one is refreshed first (non-concurrently), so it shows the dataset. A query whose
/// generators differ between options is reported as a mismatch. Throws db::DbError when a query
/// fails to run.
VerifyReport verify_options(db::Connection& conn, const workload::Catalog& catalog,
                            const datagen::ProductGenerator& data,
                            const std::vector<option::SchemaOption>& options, int param_sets = 50,
                            std::uint64_t seed = 42);

/// Human-readable summary: one line per query, then one line per mismatch (at most
/// `max_mismatches`), then a verdict line.
std::string format_report(const VerifyReport& report, std::size_t max_mismatches = 20);

}  // namespace lg::verify
