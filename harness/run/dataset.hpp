#pragma once
// The dataset step shared by `run`, `datagen` and `verify`: build options from one seeded
// generator and remember what was built in loadgate_meta.dataset.

#include <filesystem>
#include <optional>
#include <vector>

#include "datagen/product_gen.hpp"
#include "datagen/schema.hpp"
#include "harness/db/connection.hpp"

namespace lg::run {

/// What loadgate_meta.dataset says was built for one option.
struct BuiltDataset {
  std::int64_t products = 0;
  std::uint64_t seed = 0;
};

/// Builds every option in `options` (drop, create, COPY, indexes, ANALYZE), printing a progress
/// line on stderr, and records (products, seed) per option. Returns the phase times per option.
std::vector<datagen::BuildTimes> build_dataset(db::Connection& conn,
                                               const std::vector<char>& options,
                                               const datagen::ProductGenerator& gen,
                                               const std::filesystem::path& sql_dir);

/// The recorded dataset of an option, or nullopt if it was never built.
std::optional<BuiltDataset> built_dataset(db::Connection& conn, char option);

}  // namespace lg::run
