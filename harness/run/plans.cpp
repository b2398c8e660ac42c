#include "harness/run/plans.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/workload/params.hpp"

namespace lg::run {
namespace {

using nlohmann::json;

void find_seq_scans(const json& node, std::vector<std::pair<std::string, std::string>>& out) {
  if (node.is_object()) {
    if (node.value("Node Type", "") == "Seq Scan") {
      out.emplace_back(node.value("Schema", ""), node.value("Relation Name", ""));
    }
    for (const auto& [key, child] : node.items()) find_seq_scans(child, out);
  } else if (node.is_array()) {
    for (const auto& child : node) find_seq_scans(child, out);
  }
}

double relation_rows(db::Connection& conn, const std::string& schema, const std::string& rel) {
  auto v = conn.scalar(
      "SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND c.relname = $2",
      {schema, rel});
  return v ? std::stod(*v) : 0;
}

}  // namespace

std::vector<std::string> capture_plans(db::Connection& conn, const workload::Catalog& catalog,
                                       const std::string& option,
                                       const std::vector<driver::Statement>& statements,
                                       const datagen::ProductGenerator& gen, std::uint64_t seed,
                                       const std::filesystem::path& out_dir) {
  std::vector<std::string> warnings;
  const auto dir = out_dir / option;
  std::filesystem::create_directories(dir);
  workload::ParamGenerator params(gen, seed, /*stream=*/0xE7);
  const std::string prefix = "option " + option + " query ";
  for (const auto& [name, sql] : statements) {
    const auto& q = catalog.query(option, name);
    try {
      auto values = params.next(q);
      auto r = conn.query("EXPLAIN (FORMAT JSON, VERBOSE) " + sql, values);
      const json plan = json::parse(r.get(0, 0));
      json doc = {{"query", name}, {"option", option}, {"plan", plan}};
      doc["params"] = json::array();
      for (const auto& v : values) doc["params"].push_back(v ? json(*v) : json(nullptr));
      std::ofstream(dir / (name + ".json")) << doc.dump(2) << '\n';
      std::vector<std::pair<std::string, std::string>> scans;
      find_seq_scans(plan, scans);
      for (const auto& [schema, rel] : scans) {
        const double rows = relation_rows(conn, schema, rel);
        if (rows >= kLargeRelationRows) {
          warnings.push_back(prefix + name + ": Seq Scan on " + schema + "." + rel + " (" +
                             std::to_string(static_cast<long long>(rows)) + " rows)");
        }
      }
    } catch (const std::exception& e) {
      warnings.push_back(prefix + name + ": EXPLAIN failed: " + e.what());
    }
  }
  return warnings;
}

}  // namespace lg::run
