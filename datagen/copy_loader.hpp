#pragma once
// Streams generated products into an option's [dataset] relation with COPY (issue 2, item 4):
// constant memory whatever the product count, formatted without iostreams.

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include "datagen/product_gen.hpp"
#include "harness/db/connection.hpp"
#include "harness/option/schema_option.hpp"

namespace lg::datagen {

/// Progress callback: rows sent so far and the total. Called at most every kProgressRows rows
/// and once at the end, on the loading thread.
using ProgressFn = std::function<void(std::int64_t rows_done, std::int64_t rows_total)>;
inline constexpr std::int64_t kProgressRows = 50'000;

/// The COPY statement's target for an option, e.g. `loadgate_a.products (id, sku, ...)`: its
/// [dataset] relation and the columns of its landing format (typed: one per field;
/// documents: custom_posts' columns with the fields in "customFields"). Generated columns are
/// excluded.
std::string copy_target(const option::SchemaOption& option);

/// One product's COPY text-format row in `landing` format, '\n' included: the formatter the
/// loader uses (for tests and tools; the loader itself formats into a reusable buffer).
std::string format_copy_row(option::Landing landing, const Product& p);

/// Writes the COPY text-format rows for products first_id..last_id (last_id -1: count()) to
/// `out`, byte-identical to what copy_products sends, so `psql -c "\copy <copy_target> from
/// file"` loads the same bytes. Throws InfraError on a write error.
void write_copy_rows(option::Landing landing, const ProductGenerator& gen, std::FILE* out,
                     std::int64_t first_id = 1, std::int64_t last_id = -1);

/// COPY <copy_target> FROM STDIN of all gen.count() products, in ~256 KiB chunks.
/// freeze: add FREEZE; only valid when the table was created or truncated in the current
/// transaction (rows are then loaded frozen and all-visible, sparing a later VACUUM).
/// Throws db::DbError when the server rejects the data.
void copy_products(db::Connection& conn, const option::SchemaOption& option,
                   const ProductGenerator& gen, const ProgressFn& progress, bool freeze = false);

}  // namespace lg::datagen
