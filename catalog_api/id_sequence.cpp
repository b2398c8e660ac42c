#include "catalog_api/id_sequence.hpp"

#include <cstdlib>
#include <limits>

#include "catalog_api/table_shape.hpp"

namespace lg::api {
namespace {

constexpr std::int64_t kMaxId = std::numeric_limits<std::int64_t>::max();
// Windows walked at start: 2^20 ids each, so up to ~10^10 densely taken ids.
constexpr int kMaxStartSkips = 10'000;
// Any constant shared by catalog-api processes; only they take this advisory lock.
constexpr const char* kLockKey = "7429301152270512341";

std::string schema_of(Option option) {
  return option == Option::kA ? "loadgate_a" : option == Option::kB ? "loadgate_b" : "loadgate_c";
}

std::int64_t as_int(const PgResult& r, int col) {
  return std::strtoll(PQgetvalue(r.get(), 0, col), nullptr, 10);
}

// The value nextval() would return, or nullopt when the sequence is exhausted.
std::optional<std::int64_t> next_value(Lease& lease, const std::string& seq) {
  const PgResult r = lease.exec({"SELECT last_value, is_called FROM " + seq, {}}, Retry::kUnsafe);
  const std::int64_t last = as_int(r, 0);
  if (PQgetvalue(r.get(), 0, 1)[0] != 't') return last;
  if (last == kMaxId) return std::nullopt;
  return last + 1;
}

void create_and_walk(Lease& lease, Option option) {
  const std::string seq = id_sequence(option);
  // All statements run in one transaction: none is rerun on another connection.
  lease.exec({std::string("SELECT pg_advisory_xact_lock(") + kLockKey + ")", {}}, Retry::kUnsafe);
  lease.exec({"CREATE SEQUENCE IF NOT EXISTS " + seq + " AS bigint OWNED BY " +
                  write_table(option).from + ".id",
              {}},
             Retry::kUnsafe);
  std::optional<std::int64_t> from = next_value(lease, seq);
  for (int i = 0; from && i < kMaxStartSkips; ++i) {
    const PgResult moved = lease.exec(skip_taken_ids_sql(option, *from), Retry::kUnsafe);
    if (PQntuples(moved.get()) == 0) break;
    const std::int64_t to = as_int(moved, 0);
    from = to == kMaxId ? std::nullopt : std::optional<std::int64_t>(to + 1);
  }
}

}  // namespace

std::string id_sequence(Option option) { return schema_of(option) + ".catalog_api_product_id_seq"; }

SqlText skip_taken_ids_sql(Option option, std::int64_t from) {
  const std::string seq = id_sequence(option);
  const std::int64_t to = from > kMaxId - kIdSkipWindow ? kMaxId : from + kIdSkipWindow;
  // max(id) over a range is one backward step of the primary key index, whatever the range.
  return {"SELECT setval('" + seq + "', w.m) FROM (SELECT max(id) AS m FROM " +
              write_table(option).from + " WHERE id >= $1::bigint AND id <= $2::bigint) w, " + seq +
              " s WHERE w.m IS NOT NULL AND (w.m > s.last_value OR (w.m = s.last_value AND NOT "
              "s.is_called))",
          {std::to_string(from), std::to_string(to)}};
}

void prepare_id_sequence(ConnectionPool& pool, Option option) {
  Lease lease = pool.acquire();
  lease.exec({"BEGIN", {}}, Retry::kUnsafe);
  try {
    create_and_walk(lease, option);
    lease.exec({"COMMIT", {}}, Retry::kUnsafe);
  } catch (...) {
    try {
      lease.exec({"ROLLBACK", {}}, Retry::kUnsafe);
    } catch (const std::exception&) {
      // The first error is the one worth reporting; a lost connection rolled back anyway.
    }
    throw;
  }
}

}  // namespace lg::api
