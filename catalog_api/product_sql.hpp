#pragma once
// Single-product SQL against an option's write table (A: loadgate_a.products; B/C:
// loadgate_<b|c>.custom_posts with post_type_id 1 and the fields in "customFields", keyed and
// typed as datagen/copy_loader.cpp writes them). Every value is a $n parameter.

#include <cstdint>

#include "catalog_api/listing_sql.hpp"
#include "catalog_api/request_params.hpp"
#include "catalog_api/source.hpp"

namespace lg::api {

/// One product by slug; columns select_list(write_table(option), true).
SqlText product_by_slug_sql(Option option, const std::string& slug);

/// Inserts a product and RETURNs it (same columns as product_by_slug_sql). The id is f.id or,
/// when absent, nextval of the option's id sequence (id_sequence.hpp): that id can be taken by
/// an explicit id or another writer, so the caller skips the sequence past it and retries on a
/// primary-key violation (is_primary_key_constraint).
SqlText insert_product_sql(Option option, const ProductFields& f);

/// Updates the given fields of product `id` (absent fields keep their value, the other
/// customFields keys too) and RETURNs it; no row when the id does not exist.
SqlText update_product_sql(Option option, std::int64_t id, const ProductFields& f);

/// Deletes product `id`, RETURNING id; no row when it does not exist.
SqlText delete_product_sql(Option option, std::int64_t id);

/// True when the constraint named in a unique violation is the write table's primary key.
bool is_primary_key_constraint(Option option, std::string_view constraint);

}  // namespace lg::api
