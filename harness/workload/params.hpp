#pragma once
// Parameter generators (issue 2, item 6): draw real values from the generated dataset, seeded,
// so queries hit existing rows with the data's own skew.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "datagen/product_gen.hpp"
#include "harness/core/rng.hpp"
#include "harness/workload/catalog.hpp"

namespace lg::workload {

/// Number of values ($n slots) the named generator yields, or 0 for an unknown name.
/// Known: sku, slug, category, brand, page_offset (0, 20, ...), page (1-based, same draw),
/// search_words, stock_limit, product_id (1 each) and price_range (2: low, high).
int generator_arity(std::string_view name) noexcept;
/// All generator names, for error messages.
const std::vector<std::string>& generator_names();

/// Deterministic parameter source for one stream (a VU, the verifier, ...).
class ParamGenerator {
 public:
  /// Draws from Rng::stream(seed, "params", stream): never the datagen streams.
  ParamGenerator(const datagen::ProductGenerator& data, std::uint64_t seed, std::uint64_t stream);

  /// Text values for q's $1..$n, in the order of its `-- params:` generators.
  std::vector<std::optional<std::string>> next(const QuerySpec& q);
  /// Same, reusing `out`'s strings (no allocation after warm-up).
  void next_into(const QuerySpec& q, std::vector<std::optional<std::string>>& out);

  /// The writer's parameters for update_price_stock.sql: $1 id (uniform 1..N), $2 new price
  /// (text, 2 decimals, the data's log-normal), $3 new stock (the data's distribution).
  std::vector<std::optional<std::string>> next_write();
  void next_write_into(std::vector<std::optional<std::string>>& out);

 private:
  void fill(std::string_view generator, std::vector<std::optional<std::string>>& out,
            std::size_t& slot);
  std::int64_t random_id() noexcept;

  const datagen::ProductGenerator* data_;
  Rng rng_;
  datagen::Product scratch_;
};

/// Price in cents as "D.CC" (the text form of numeric(10,2)).
std::string format_cents(std::int64_t cents);

}  // namespace lg::workload
