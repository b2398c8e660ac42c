#pragma once
// Ids of products created without one come from a sequence in the option's own schema,
// <schema>.catalog_api_product_id_seq, owned by the write table's id column (so it goes when
// the table is dropped or rebuilt). The loader's tables have no sequence of their own: they
// are filled by COPY with the generator's ids.
//
// The sequence never moves backwards and is never dragged to the largest id: an explicit id of
// 2^63 - 1 would otherwise leave no id for later creations. Instead, when a drawn id turns out
// to be taken (an explicit id, the harness's write mix, a restored dump), the sequence skips
// past the taken ids found in a window after it (skip_taken_ids_sql) and the insert is retried.

#include <cstdint>
#include <string>

#include "catalog_api/listing_sql.hpp"
#include "catalog_api/pool.hpp"
#include "catalog_api/source.hpp"

namespace lg::api {

/// Width of the id range one skip looks at past a taken id: a run of taken ids up to this long
/// is skipped in one step, and an id further away than this does not move the sequence.
inline constexpr std::int64_t kIdSkipWindow = std::int64_t{1} << 20;

/// The option's id sequence, schema-qualified, e.g. "loadgate_a.catalog_api_product_id_seq".
std::string id_sequence(Option option);

/// Statement moving the sequence past the taken ids of [from, from + kIdSkipWindow] (capped
/// at 2^63 - 1): to the largest of them, unless the sequence is already there. Returns one row
/// (the new value) when it moved, none otherwise.
SqlText skip_taken_ids_sql(Option option, std::int64_t from);

/// Creates the option's sequence if it is missing and moves it past the ids already taken
/// from its next value on, window by window. Serialised against other catalog-api processes by
/// an advisory lock. Touches nothing outside the option's schema.
/// Throws QueryError (e.g. no such schema, no CREATE privilege) or DbUnavailable.
void prepare_id_sequence(ConnectionPool& pool, Option option);

}  // namespace lg::api
