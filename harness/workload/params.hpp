#pragma once
// Parameter generators (issue 2, item 6): draw real values from the generated dataset, seeded,
// so queries hit existing rows with the data's own skew. The write mix's generators (issue 6,
// item 1) draw new values the way datagen draws them, so writes keep the data's distributions.

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
/// Reads: sku, slug, category, brand, page_offset (0, 20, ...), page (1-based, same draw),
/// search_words, stock_limit, product_id (1 each) and price_range (2: low, high).
/// Writes (sql/options/<option>/writes): write_id (an existing id, uniform in 2..N), write_price
/// ("D.CC", the data's log-normal), write_stock (the data's distribution), write_status ('publish'
/// with p=0.95 as in the data, else 'draft'), 1 each; new_product (10: id, sku, slug, name,
/// description, category_id, brand, price, stock, status of ProductGenerator::make(id) for the
/// next id of the generator's insert lane).
int generator_arity(std::string_view name) noexcept;
/// All generator names, for error messages.
const std::vector<std::string>& generator_names();

/// Number of default insert lanes: see ParamGenerator::set_insert_lane.
inline constexpr std::int64_t kDefaultInsertLanes = 64;

/// Deterministic parameter source for one stream (a VU, the verifier, ...).
///
/// write_id never yields product 1: the staleness probe writes its markers (updated_at) on
/// product 1 and polls the view for them. A mix write on it would overwrite a marker's stamp
/// (with an older now(), hiding the marker until the next one: lag inflated) and a delete would
/// leave the probe nothing to mark. Ids above N (inserted products) are never updated or
/// deleted either, so every write draw stays independent of what was inserted before.
class ParamGenerator {
 public:
  /// Draws from Rng::stream(seed, "params", stream): never the datagen streams. The insert
  /// lane defaults to first = N + 1 + stream % kDefaultInsertLanes, step = kDefaultInsertLanes:
  /// generators whose streams differ modulo 64 (VUs 0..63) never insert the same id, without
  /// any set-up. Anything else sets its lane explicitly.
  ParamGenerator(const datagen::ProductGenerator& data, std::uint64_t seed, std::uint64_t stream);

  /// Ids of new products: the k-th new_product drawn after this call (k = 0, 1, ...) carries id
  /// first + k * step. Disjoint lanes (e.g. writer VU v of V: first = N + 1 + v, step = V)
  /// give ids unique across generators; the ids of one lane are deterministic. Throws
  /// std::invalid_argument when first <= N (an existing product) or step < 1.
  void set_insert_lane(std::int64_t first, std::int64_t step);
  /// The id the next new_product will carry.
  std::int64_t next_insert_id() const noexcept { return insert_first_ + inserts_ * insert_step_; }

  /// Text values for q's $1..$n, in the order of its `-- params:` generators (queries and
  /// write statements alike). Throws std::invalid_argument for an unknown generator, for
  /// write_id when N < 2, and std::out_of_range for a new_product id above 2^32 - 1 (SKUs are a
  /// bijection of 32-bit ids only).
  std::vector<std::optional<std::string>> next(const QuerySpec& q);
  /// Same, reusing `out`'s strings (no allocation after warm-up).
  void next_into(const QuerySpec& q, std::vector<std::optional<std::string>>& out);

  /// The parameters of update_price_stock.sql (write_id write_price write_stock): $1 id
  /// (uniform 2..N), $2 new price (text, 2 decimals, the data's log-normal), $3 new stock (the
  /// data's distribution). Same draws as next() on that statement.
  std::vector<std::optional<std::string>> next_write();
  void next_write_into(std::vector<std::optional<std::string>>& out);

 private:
  void fill(std::string_view generator, std::vector<std::optional<std::string>>& out,
            std::size_t& slot);
  bool fill_write(std::string_view generator, std::vector<std::optional<std::string>>& out,
                  std::size_t& slot);
  void fill_new_product(std::vector<std::optional<std::string>>& out, std::size_t& slot);
  std::int64_t random_id() noexcept;
  std::int64_t random_write_id();

  const datagen::ProductGenerator* data_;
  Rng rng_;
  datagen::Product scratch_;
  std::int64_t insert_first_;
  std::int64_t insert_step_ = kDefaultInsertLanes;
  std::int64_t inserts_ = 0;  ///< new products drawn since the lane was set
};

/// Price in cents as "D.CC" (the text form of numeric(10,2)).
std::string format_cents(std::int64_t cents);

}  // namespace lg::workload
