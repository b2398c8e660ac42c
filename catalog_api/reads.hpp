#pragma once
// Product reads and option C's staged rollout: a listing goes to the view with probability
// rollout_percent / 100 (per request), else to custom_posts; a failed view query is rerun on
// custom_posts and counted as a fallback, so the client still gets a normal answer.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "catalog_api/request_params.hpp"
#include "catalog_api/routes.hpp"

namespace lg::api {

/// A listing response body and where its rows came from.
struct ListingResult {
  nlohmann::json body;  ///< {"success":true,"data":[…],"meta":{total,page,limit,totalPages}}
  ReadSource source;    ///< products (A), custom_posts (B, C), mv or fallback (C)
};

/// Runs a listing for app.option. Throws QueryError / DbUnavailable when the table that must
/// answer (never the view: its failures fall back) fails.
ListingResult read_listing(AppState& app, const ListingRequest& r);

/// One product by slug from the option's write table, with description and updatedAt;
/// nullopt when absent. Throws QueryError / DbUnavailable.
std::optional<nlohmann::json> read_product_by_slug(AppState& app, const std::string& slug);

/// True with probability percent / 100 (thread-local generator; percent clamped to 0..100).
bool draw_view_read(int percent);

}  // namespace lg::api
