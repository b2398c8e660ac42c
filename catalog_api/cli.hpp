#pragma once
// catalog-api's command line (Boost.Program_options) as one immutable options struct.

#include <string>

#include "catalog_api/pool.hpp"
#include "catalog_api/server.hpp"
#include "catalog_api/source.hpp"

namespace lg::api {

/// Everything the command line sets.
struct ApiOptions {
  Option option = Option::kA;
  PoolConfig pool;  ///< dsn, size (--pool), statement_timeout_ms (--statement-timeout)
  ServerConfig server;
  int rollout_percent = 100;  ///< --mv-rollout-percent, 0..100
  bool help = false;          ///< --help: print help_text and exit 0
  std::string help_text;
};

/// Parses argv. Throws InputError (harness/core/errors.hpp) naming the flag for an unknown
/// flag, a missing --dsn/--option or a value out of range.
ApiOptions parse_cli(int argc, char** argv);

}  // namespace lg::api
