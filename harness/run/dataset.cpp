#include "harness/run/dataset.hpp"

#include <unistd.h>

#include <cstdio>

#include "datagen/schema.hpp"
#include "harness/core/errors.hpp"
#include "harness/exec/run_state.hpp"

namespace lg::run {
namespace {

void ensure_meta_table(db::Connection& conn) {
  conn.exec(
      "CREATE TABLE IF NOT EXISTS loadgate_meta.dataset ("
      " option text PRIMARY KEY, products bigint NOT NULL, seed numeric NOT NULL,"
      " built_at timestamptz NOT NULL DEFAULT now())");
}

// One progress line, rewritten in place on a terminal and printed every 10% otherwise.
datagen::ProgressFn progress_line(char option) {
  const bool tty = isatty(STDERR_FILENO) != 0;
  auto last_decile = std::make_shared<std::int64_t>(-1);
  return [option, tty, last_decile](std::int64_t done, std::int64_t total) {
    if (exec::interrupt_flag().load()) throw Interrupted();
    const std::int64_t decile = total > 0 ? done * 10 / total : 10;
    if (tty) {
      std::fprintf(stderr, "\r  option %c: %lld / %lld rows", option, static_cast<long long>(done),
                   static_cast<long long>(total));
      if (done == total) std::fputc('\n', stderr);
    } else if (decile != *last_decile) {
      *last_decile = decile;
      std::fprintf(stderr, "  option %c: %lld / %lld rows\n", option, static_cast<long long>(done),
                   static_cast<long long>(total));
    }
  };
}

}  // namespace

std::vector<datagen::BuildTimes> build_dataset(db::Connection& conn,
                                               const std::vector<char>& options,
                                               const datagen::ProductGenerator& gen,
                                               const std::filesystem::path& sql_dir) {
  ensure_meta_table(conn);
  std::vector<datagen::BuildTimes> times;
  for (char option : options) {
    std::fprintf(stderr, "building option %c: %lld products, seed %llu\n", option,
                 static_cast<long long>(gen.count()), static_cast<unsigned long long>(gen.seed()));
    times.push_back(datagen::build_option(conn, option, gen, sql_dir, progress_line(option)));
    conn.query(
        "INSERT INTO loadgate_meta.dataset(option, products, seed) VALUES ($1, $2, $3) "
        "ON CONFLICT (option) DO UPDATE SET products = EXCLUDED.products, seed = EXCLUDED.seed, "
        "built_at = now()",
        {std::string(1, option), std::to_string(gen.count()), std::to_string(gen.seed())});
  }
  return times;
}

std::optional<BuiltDataset> built_dataset(db::Connection& conn, char option) {
  ensure_meta_table(conn);
  auto r = conn.query("SELECT products, seed FROM loadgate_meta.dataset WHERE option = $1",
                      {std::string(1, option)});
  if (r.rows() == 0) return std::nullopt;
  return BuiltDataset{std::stoll(std::string(r.get(0, 0))), std::stoull(std::string(r.get(0, 1)))};
}

}  // namespace lg::run
