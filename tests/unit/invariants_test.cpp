// The built-in invariants: each breaks on what its option reported, names the option and the
// counts, and a scenario that turns one off does not see it at all. The verdict of a run: an
// incomplete run is never a pass, a broken invariant fails it like a threshold.

#include "harness/run/invariants.hpp"

#include <gtest/gtest.h>

namespace lg::run {
namespace {

const gate::InvariantResult* find(const std::vector<gate::InvariantResult>& all,
                                  const std::string& name) {
  for (const auto& r : all) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

results::OptionReport option(const std::string& name) {
  results::OptionReport o;
  o.option = name;
  return o;
}

TEST(Invariants, AHealthyRunKeepsEveryInvariantInSpecOrder) {
  const auto all = check_invariants({}, {option("A"), option("C")}, {});
  ASSERT_EQ(all.size(), 5u);
  const char* order[] = {"refresh_failures", "staleness_unseen", "connection_loss", "target_exit",
                         "activities"};
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].name, order[i]);
    EXPECT_TRUE(all[i].passed) << all[i].name << ": " << all[i].detail;
  }
}

TEST(Invariants, RefreshesThatFailedForGoodBreakRefreshFailuresWithTheLastError) {
  auto c = option("C");
  c.refreshes_failed = 2;
  background::RefreshEvent failed;
  failed.ok = false;
  failed.error = "cannot refresh concurrently";
  background::RefreshEvent ok;
  c.refreshes = {ok, failed, failed, failed};
  const auto all = check_invariants({}, {option("A"), c}, {});
  const auto* r = find(all, "refresh_failures");
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->passed);
  EXPECT_EQ(r->detail,
            "option C: 2 refreshes failed for good (3 of 4 attempts failed; last: cannot refresh "
            "concurrently)");
}

TEST(Invariants, OverdueMarkersAndFailedProbeStatementsBreakStalenessUnseen) {
  auto c = option("C");
  c.staleness_markers = 20;
  c.staleness_overdue = 3;
  c.staleness_poll_failures = 1;
  c.staleness_error = "server closed the connection";
  const auto all = check_invariants({}, {c}, {});
  const auto* r = find(all, "staleness_unseen");
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->passed);
  EXPECT_NE(r->detail.find("3 of 20 markers never seen"), std::string::npos) << r->detail;
  EXPECT_NE(r->detail.find("1 view polls failed (last: server closed the connection)"),
            std::string::npos)
      << r->detail;
  // Markers that were still unseen at the end but that no successful refresh should have
  // shown yet are not overdue: the invariant holds.
  c.staleness_overdue = 0;
  c.staleness_poll_failures = 0;
  c.staleness_unseen = 4;
  const auto again = check_invariants({}, {c}, {});
  EXPECT_TRUE(find(again, "staleness_unseen")->passed);
}

TEST(Invariants, VuAndBackgroundConnectionLossesBreakConnectionLoss) {
  auto a = option("A");
  a.connection_events = {{1, "refresher", "lost", "terminated"},
                         {2, "refresher", "reconnected", ""}};
  metrics::SeriesStats lost;
  lost.metric = "connections_lost";
  lost.kind = metrics::MetricKind::kCounter;
  lost.tags = {{"option", "A"}, {"kind", "read"}};
  lost.count = 4;
  metrics::SeriesStats back = lost;
  back.metric = "reconnects";
  back.count = 3;
  const auto all = check_invariants({}, {a}, {lost, back});
  const auto* r = find(all, "connection_loss");
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->passed);
  EXPECT_EQ(r->detail,
            "option A: 4 VU connections lost, 3 re-established; refresher lost its connection "
            "1×, reconnected 1×");
}

TEST(Invariants, ADeadActivityBreaksActivitiesWithWhenAndWhy) {
  auto c = option("C");
  c.activities_dead = {{"refresher", "std::bad_alloc", 12.34}};
  const auto all = check_invariants({}, {c}, {});
  const auto* r = find(all, "activities");
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->passed);
  EXPECT_EQ(r->detail, "option C: the refresher stopped working at 12.3 s: std::bad_alloc");
}

TEST(Invariants, AnInvariantTurnedOffIsNotJudged) {
  auto c = option("C");
  c.target_exit = "catalog-api was killed by signal 9";
  c.refreshes_failed = 1;
  scenario::InvariantsSpec spec;
  spec.target_exit = false;
  spec.refresh_failures = false;
  const auto all = check_invariants(spec, {c}, {});
  EXPECT_EQ(find(all, "target_exit"), nullptr);
  EXPECT_EQ(find(all, "refresh_failures"), nullptr);
  EXPECT_EQ(all.size(), 3u);
}

TEST(Verdict, IncompleteBeatsEverythingAndAnInvariantFailsLikeAThreshold) {
  results::RunReport r;
  EXPECT_EQ(r.verdict(), "pass");
  r.invariants = {{"connection_loss", false, "option A: 1 VU connections lost"}};
  EXPECT_EQ(r.verdict(), "fail");
  r.complete = false;
  EXPECT_EQ(r.verdict(), "incomplete");
  r.invariants.clear();
  EXPECT_EQ(r.verdict(), "incomplete") << "a run cut short is never a pass";
}

}  // namespace
}  // namespace lg::run
