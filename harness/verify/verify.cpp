#include "harness/verify/verify.hpp"

#include <algorithm>
#include <set>

#include "harness/core/rng.hpp"
#include "harness/workload/params.hpp"

namespace lg::verify {
namespace {

using Params = std::vector<std::optional<std::string>>;

struct Answer {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

Answer run(db::Connection& conn, const workload::QuerySpec& q, const Params& params) {
  db::Result r = conn.query(q.sql, params);
  Answer a;
  for (int c = 0; c < r.cols(); ++c) a.columns.push_back(r.column_name(c));
  a.rows.resize(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    auto& row = a.rows[static_cast<std::size_t>(i)];
    for (int c = 0; c < r.cols(); ++c) {
      row.push_back(r.is_null(i, c) ? std::nullopt : std::optional<std::string>(r.get(i, c)));
    }
  }
  return a;
}

template <class T>
std::string join(const std::vector<T>& values) {
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    if constexpr (std::is_same_v<T, std::string>) {
      out += values[i];
    } else {
      out += values[i] ? *values[i] : "NULL";
    }
  }
  return out + ")";
}

// Empty string when equal; otherwise where the two answers first differ.
std::string compare(const Answer& first, const std::string& a, const Answer& other,
                    const std::string& b) {
  if (first.columns != other.columns) {
    return "columns: " + a + " " + join(first.columns) + " vs " + b + " " + join(other.columns);
  }
  const std::size_t n = std::min(first.rows.size(), other.rows.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (first.rows[i] != other.rows[i]) {
      return "row " + std::to_string(i + 1) + ": " + a + " " + join(first.rows[i]) + " vs " + b +
             " " + join(other.rows[i]);
    }
  }
  if (first.rows.size() != other.rows.size()) {
    const auto& longer = first.rows.size() > n ? first.rows : other.rows;
    return "row count: " + a + " " + std::to_string(first.rows.size()) + " vs " + b + " " +
           std::to_string(other.rows.size()) + "; first extra row " + join(longer[n]);
  }
  return {};
}

// Mismatch when an option's header draws different parameters: the comparison would be void.
bool same_generators(const workload::Catalog& catalog, const std::string& name,
                     const std::vector<std::string>& options, VerifyReport& report) {
  const auto& first = catalog.query(options.front(), name);
  for (const auto& o : options) {
    const auto& q = catalog.query(o, name);
    if (q.generators != first.generators) {
      report.mismatches.push_back({name,
                                   {},
                                   o,
                                   "'-- params:' generators differ from option " + options.front() +
                                       "'s (" + q.file.string() + ")"});
      return false;
    }
  }
  return true;
}

void verify_query(db::Connection& conn, const workload::Catalog& catalog,
                  const datagen::ProductGenerator& data, const std::vector<std::string>& options,
                  const std::string& name, int param_sets, std::uint64_t seed,
                  VerifyReport& report) {
  workload::ParamGenerator params(data, seed, hash_name(name));
  const auto& first_spec = catalog.query(options.front(), name);
  int with_rows = 0;
  for (int k = 0; k < param_sets; ++k) {
    const Params p = params.next(first_spec);
    const Answer first = run(conn, first_spec, p);
    if (!first.rows.empty()) ++with_rows;
    for (std::size_t i = 1; i < options.size(); ++i) {
      const Answer other = run(conn, catalog.query(options[i], name), p);
      ++report.comparisons;
      std::string diff = compare(first, options.front(), other, options[i]);
      if (!diff.empty()) report.mismatches.push_back({name, p, options[i], std::move(diff)});
    }
  }
  report.sets_with_rows[name] = with_rows;
  if (with_rows == 0) report.empty_queries.push_back(name);
}

}  // namespace

VerifyReport verify_options(db::Connection& conn, const workload::Catalog& catalog,
                            const datagen::ProductGenerator& data,
                            const std::vector<option::SchemaOption>& selected, int param_sets,
                            std::uint64_t seed) {
  VerifyReport report;
  report.param_sets = param_sets;
  if (selected.empty()) return report;
  std::vector<std::string> options;
  for (const auto& o : selected) {
    options.push_back(o.name);
    // A view shows what its last refresh saw: refreshed now, it answers from the dataset.
    if (o.view) conn.exec("REFRESH MATERIALIZED VIEW " + o.view->relation);
  }
  // Every query any selected option has, compared among the options that have it: an option
  // may carry queries of its own (E's fuzzy_search), which still run, so a broken one fails.
  std::set<std::string> names;
  for (const auto& o : options) {
    for (auto& n : catalog.names(o)) names.insert(std::move(n));
  }
  for (const auto& name : names) {
    std::vector<std::string> sharing;
    for (const auto& o : options) {
      const auto own = catalog.names(o);
      if (std::binary_search(own.begin(), own.end(), name)) sharing.push_back(o);
    }
    ++report.queries;
    report.options_of[name] = sharing;
    if (!same_generators(catalog, name, sharing, report)) continue;
    verify_query(conn, catalog, data, sharing, name, param_sets, seed, report);
  }
  return report;
}

std::string format_report(const VerifyReport& report, std::size_t max_mismatches) {
  std::string out;
  for (const auto& [name, sets] : report.sets_with_rows) {
    out += name + ": " + std::to_string(sets) + "/" + std::to_string(report.param_sets) +
           " parameter sets returned rows";
    const auto among = report.options_of.find(name);
    if (among != report.options_of.end() && !among->second.empty()) {
      const auto& o = among->second;
      if (o.size() == 1) {
        out += " (" + o.front() + " only: ran, compared with nobody)";
      } else {
        std::string list;
        for (const auto& x : o) list += (list.empty() ? "" : ", ") + x;
        out += " (" + list + ")";
      }
    }
    out += "\n";
  }
  for (std::size_t i = 0; i < report.mismatches.size() && i < max_mismatches; ++i) {
    const auto& m = report.mismatches[i];
    out += "MISMATCH " + m.query + " option " + m.option + " params " + join(m.params) + ": " +
           m.detail + "\n";
  }
  if (report.mismatches.size() > max_mismatches) {
    out +=
        "... " + std::to_string(report.mismatches.size() - max_mismatches) + " more mismatches\n";
  }
  for (const auto& name : report.empty_queries) {
    out += "NO ROWS " + name + ": no parameter set returned a row; agreement proves nothing\n";
  }
  out += (report.ok() ? "verify: OK, " : "verify: FAILED, ") + std::to_string(report.queries) +
         " queries x " + std::to_string(report.param_sets) + " parameter sets, " +
         std::to_string(report.comparisons) + " comparisons, " +
         std::to_string(report.mismatches.size()) + " mismatches\n";
  return out;
}

}  // namespace lg::verify
