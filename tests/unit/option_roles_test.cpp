// The harness asks an option for roles, never for its name (issue 15): what runs beside an
// option's VUs, what its reads name and how much disk its dataset takes follow from what its
// manifest declares, whatever the option is called.

#include <gtest/gtest.h>

#include <string>

#include "harness/option/schema_option.hpp"
#include "harness/run/preflight.hpp"
#include "harness/run/steps_plan.hpp"
#include "harness/run/workload_layout.hpp"
#include "harness/scenario/model.hpp"

namespace lg::run {
namespace {

// A typed option called `name` without a view (A's shape).
option::SchemaOption plain(const std::string& name) {
  option::SchemaOption o;
  o.name = name;
  o.schema = "loadgate_test";
  o.write_relation = o.read_relation = o.schema + ".items";
  o.bytes_per_product = 900;
  return o;
}

// `plain(name)` with a view, a debounced queue and a live table under names of its own.
option::SchemaOption with_view(const std::string& name) {
  option::SchemaOption o = plain(name);
  o.read_relation = o.schema + ".item_view";
  o.view = option::ViewRole{o.schema + ".item_view", o.schema + ".refresh_items",
                            o.schema + ".item_refresh_log"};
  o.debounced = option::DebouncedRole{o.schema + ".item_queue", "item_enqueue"};
  o.live = option::LiveRole{o.schema + ".item_live", o.schema + ".item_live_source", "item_sync"};
  return o;
}

scenario::Scenario with_background() {
  scenario::Scenario s;
  s.refresher.enabled = true;
  s.staleness.enabled = true;
  return s;
}

TEST(OptionRoles, AViewDecidesTheRefresherAndTheStalenessProbeNotTheName) {
  const scenario::Scenario s = with_background();
  // Called A but with a view: refreshed and probed.
  const OptionActivities a = option_activities(s, with_view("A"));
  EXPECT_TRUE(a.refresher);
  EXPECT_TRUE(a.staleness_probe);
  // Called C but without one: nothing to refresh or lag behind.
  const OptionActivities c = option_activities(s, plain("C"));
  EXPECT_FALSE(c.refresher);
  EXPECT_FALSE(c.staleness_probe);
  // A view, but the scenario asks for neither.
  const OptionActivities quiet = option_activities(scenario::Scenario{}, with_view("Shop"));
  EXPECT_FALSE(quiet.refresher);
  EXPECT_FALSE(quiet.staleness_probe);
}

TEST(OptionRoles, TheTriggerStrategyReadsTheOptionsOwnLiveTable) {
  scenario::Scenario s = with_background();
  const option::SchemaOption shop = with_view("Shop");
  const std::string sql = "SELECT id FROM loadgate_test.item_view WHERE sku = $1";
  EXPECT_EQ(read_relation_sql(s, shop, sql), sql);  // interval: the view
  s.refresher.strategy = scenario::RefreshStrategy::kTrigger;
  EXPECT_EQ(read_relation_sql(s, shop, sql),
            "SELECT id FROM loadgate_test.item_live WHERE sku = $1");
  // No live table, or no view: the SQL is the option's as written.
  option::SchemaOption no_live = shop;
  no_live.live.reset();
  EXPECT_EQ(read_relation_sql(s, no_live, sql), sql);
  EXPECT_EQ(read_relation_sql(s, plain("C"), sql), sql);
}

TEST(OptionRoles, AViewFaultRenamesTheOptionsOwnViewAndOnlyAnOptionWithOne) {
  scenario::Scenario s;
  scenario::FaultSpec f;
  f.action = "view_unavailable";
  f.at = kNanosPerSecond;
  f.duration = kNanosPerSecond;
  s.faults.push_back(f);
  const auto steps = plan_steps(s, with_view("A"), "", "dbname=unused");
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].what, "view_unavailable begin");
  EXPECT_FALSE(steps[0].undo);
  EXPECT_EQ(steps[1].what, "view_unavailable end");
  EXPECT_TRUE(steps[1].undo);
  EXPECT_EQ(steps[1].at, 2 * kNanosPerSecond);
  EXPECT_TRUE(plan_steps(s, plain("C"), "", "dbname=unused").empty());
}

TEST(OptionRoles, DiskFootprintComesFromTheManifestsAndAnUnknownOneIsTheLargest) {
  scenario::Scenario s;
  s.dataset.products = 100'000;
  option::SchemaOption small = plain("A");
  option::SchemaOption large = with_view("Shop");
  large.bytes_per_product = 3000;
  option::SchemaOption unknown = plain("Other");
  unknown.bytes_per_product = 0;
  const auto known_only = dataset_disk_bytes(s, {small, large});
  const auto with_unknown = dataset_disk_bytes(s, {small, large, unknown});
  // The unknown one costs what the largest selected one does: 3000 bytes per product, a
  // quarter more for the run's writes, as much again for the WAL.
  EXPECT_EQ(with_unknown - known_only, static_cast<std::uint64_t>(3000 * 100'000 * 1.25 * 2));
  // On its own, the footprint stated in option.toml.
  EXPECT_EQ(dataset_disk_bytes(s, {small}),
            static_cast<std::uint64_t>(900 * 100'000 * 1.25 * 2) + (64ULL << 20));
}

}  // namespace
}  // namespace lg::run
