#include "catalog_api/cli.hpp"

#include <boost/program_options.hpp>
#include <sstream>

#include "harness/core/errors.hpp"

namespace lg::api {
namespace {

namespace po = boost::program_options;

po::options_description option_table() {
  po::options_description d("usage: catalog-api --dsn <conninfo> --option A|B|C [options]");
  // clang-format off
  d.add_options()
    ("dsn", po::value<std::string>(), "libpq connection string or URI (required)")
    ("option", po::value<std::string>(), "schema option to serve: A, B or C (required)")
    ("host", po::value<std::string>()->default_value("127.0.0.1"), "address to listen on")
    ("port", po::value<int>()->default_value(0), "port; 0 picks a free one")
    ("threads", po::value<int>()->default_value(64),
     "worker threads; must be >= the client's keep-alive connections")
    ("pool", po::value<int>()->default_value(16), "PostgreSQL connections")
    ("mv-rollout-percent", po::value<int>()->default_value(100),
     "option C: share of listing reads sent to the materialized view, 0..100")
    ("statement-timeout", po::value<int>()->default_value(5000),
     "statement_timeout of every connection, milliseconds; 0 disables")
    ("help,h", "show this help");
  // clang-format on
  return d;
}

int ranged(const po::variables_map& vm, const std::string& flag, int min, int max) {
  const int v = vm[flag].as<int>();
  if (v < min || v > max) {
    throw InputError("--" + flag,
                     "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return v;
}

Option parse_option(const std::string& text) {
  if (text == "A" || text == "a") return Option::kA;
  if (text == "B" || text == "b") return Option::kB;
  if (text == "C" || text == "c") return Option::kC;
  throw InputError("--option", "must be A, B or C, not '" + text + "'");
}

std::string required(const po::variables_map& vm, const std::string& flag) {
  if (!vm.count(flag)) throw InputError("--" + flag, "is required");
  return vm[flag].as<std::string>();
}

}  // namespace

ApiOptions parse_cli(int argc, char** argv) {
  const po::options_description table = option_table();
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(table).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError("command line", e.what());
  }
  ApiOptions o;
  if (vm.count("help")) {
    std::ostringstream text;
    text << table;
    o.help = true;
    o.help_text = text.str();
    return o;
  }
  o.pool.dsn = required(vm, "dsn");
  o.option = parse_option(required(vm, "option"));
  o.server.host = vm["host"].as<std::string>();
  o.server.port = ranged(vm, "port", 0, 65535);
  o.server.threads = ranged(vm, "threads", 1, 4096);
  o.pool.size = ranged(vm, "pool", 1, 1000);
  o.rollout_percent = ranged(vm, "mv-rollout-percent", 0, 100);
  o.pool.statement_timeout_ms = ranged(vm, "statement-timeout", 0, 3'600'000);
  return o;
}

}  // namespace lg::api
