// `loadgate run` end to end through the CLI binary, against real PostgreSQL: exit codes, the
// results folder, the embedded cluster's lifecycle, Ctrl-C, and the safety guard.

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness/db/connection.hpp"
#include "harness/metrics/hlog.hpp"
#include "harness/results/series_file.hpp"
#include "harness/results/stats.hpp"
#include "tests/integration/pg_fixture.hpp"

namespace lg::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A short scenario: 1,000 products, one option, a few seconds of load.
std::string scenario_text(const std::string& name, const std::string& options,
                          const std::string& stages, const std::string& thresholds,
                          const std::string& extra = "") {
  return "name = \"" + name +
         "\"\n[dataset]\nproducts = 1000\nseed = 7\n[database]\noptions = " + options +
         "\n[workload.mix]\nsku_lookup = 3\ncategory_page = 1\nfull_text_search = 1\n"
         "[executor]\ntype = \"ramping-vus\"\nwarmup = \"500ms\"\nstart_vus = 2\nstages = " +
         stages + "\n" + extra + "[thresholds]\n" + thresholds;
}

fs::path write_file(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name) << text;
  return dir / name;
}

std::int64_t count_rows(const std::string& dsn, const std::string& sql) {
  auto conn = db::Connection::open(dsn);
  return std::stoll(conn.scalar(sql).value_or("-1"));
}

TEST(Run, ImpossibleThresholdExits99AfterWritingResults) {
  const std::string dsn = fresh_database("run_threshold");
  const auto dir = make_temp_dir("thr");
  const auto file =
      write_file(dir, "s.toml",
                 scenario_text("impossible", "[\"A\"]", "[{ duration = \"2s\", target = 2 }]",
                               "\"sql_duration{kind:read}\" = [\"p(50)<0.001\"]\n"
                               "\"sql_failed\" = [\"rate<0.5\"]\n"));
  std::string out;
  const int code = run_loadgate({"run", file.string(), "--dsn", dsn, "--mark-db", "--results-dir",
                                 (dir / "results").string()},
                                &out);
  ASSERT_EQ(code, 99) << out;
  EXPECT_NE(out.find("THRESHOLD CROSSED"), std::string::npos) << out;
  const auto run = only_run(dir / "results");
  const auto summary = read_json(run / "summary.json");
  EXPECT_EQ(summary["verdict"], "fail");
  EXPECT_TRUE(summary["run"]["complete"].get<bool>());
  ASSERT_EQ(summary["thresholds"].size(), 2u);
  EXPECT_FALSE(summary["thresholds"][0]["passed"].get<bool>());
  EXPECT_GT(summary["thresholds"][0]["observed"].get<double>(), 0.001);
  EXPECT_TRUE(summary["thresholds"][1]["passed"].get<bool>());
  const auto& sku = summary["options"]["A"]["queries"]["sku_lookup"];
  EXPECT_GT(sku["all"]["count"].get<std::int64_t>(), 0);
  EXPECT_GE(sku["all"]["p99_ms"].get<double>(), sku["all"]["p50_ms"].get<double>());
  EXPECT_GT(summary["options"]["A"]["sizes"].size(), 0u);
  EXPECT_TRUE(summary["environment"]["settings"].contains("fsync"));
  // The machine's calibration: a CPU loop and statements on one connection, both measured.
  const auto& cal = summary["environment"]["calibration"];
  EXPECT_GT(cal["cpu_mops"].get<double>(), 1.0) << cal.dump();
  EXPECT_GT(cal["statements_per_s"].get<double>(), 10.0) << cal.dump();
  EXPECT_GT(cal["statement_p50_us"].get<double>(), 0.0) << cal.dump();
  EXPECT_LT(cal["statement_p50_us"].get<double>(), 1e6 / cal["statements_per_s"].get<double>() * 2)
      << "the median round trip and the rate must agree: " << cal.dump();
  EXPECT_GE(cal["seconds"].get<double>(), 0.5) << cal.dump();
  EXPECT_TRUE(fs::exists(run / "timeseries.csv"));
  EXPECT_TRUE(fs::exists(run / "plans" / "A" / "sku_lookup.json"));
  EXPECT_TRUE(fs::exists(run / "scenario.toml"));
  fs::remove_all(dir);
}

// --trials 3: the measured phase runs three times on one dataset; every trial keeps its own
// histograms (series.json, latency.hlog) and its figures, and the whole is their union.
TEST(Run, TrialsRepeatTheMeasuredPhaseAndKeepEachTrial) {
  const std::string dsn = fresh_database("run_trials");
  const auto dir = make_temp_dir("trials");
  const auto file = write_file(
      dir, "s.toml",
      scenario_text("trials", "[\"A\"]", "[{ duration = \"1s\", target = 2, name = \"steady\" }]",
                    "\"sql_duration{kind:read}\" = [\"p(99)<2000\"]\n"));
  std::string out;
  const int code = run_loadgate({"run", file.string(), "--dsn", dsn, "--mark-db", "--trials", "3",
                                 "--results-dir", (dir / "results").string()},
                                &out);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("across 3 trials"), std::string::npos) << out;
  const auto run = only_run(dir / "results");
  const auto summary = read_json(run / "summary.json");
  EXPECT_EQ(summary["run"]["trials"], 3);
  const auto& a = summary["options"]["A"];
  ASSERT_EQ(a["trials"].size(), 3u) << a.dump();
  for (std::size_t i = 1; i < 3; ++i) {
    // Each trial starts after the one before has ended (its warmup in between).
    EXPECT_GT(a["trials"][i]["start_s"].get<double>(),
              a["trials"][i - 1]["start_s"].get<double>() +
                  a["trials"][i - 1]["measured_s"].get<double>());
  }
  const auto& sku = a["queries"]["sku_lookup"];
  ASSERT_TRUE(sku.contains("trials")) << sku.dump();
  EXPECT_EQ(sku["trials"]["n"], 3);
  EXPECT_EQ(sku["trials"]["p95_ms"]["values"].size(), 3u);
  EXPECT_DOUBLE_EQ(sku["trials"]["p95_ms"]["ci_level"].get<double>(), 0.75);
  // The trials' histograms add up to the whole: no sample is lost or counted twice.
  const auto series = results::read_series_json(run / "series.json");
  std::int64_t sum = 0;
  for (const char* t : {"1", "2", "3"}) {
    const auto m =
        results::merge_series(series, "sql_duration",
                              make_tags({{"query", "sku_lookup"}, {"kind", "read"}, {"trial", t}}));
    ASSERT_TRUE(m) << "trial " << t;
    EXPECT_GT(m->count, 0);
    sum += m->count;
  }
  EXPECT_EQ(sum, sku["all"]["count"].get<std::int64_t>());
  std::ifstream hlog(run / "latency.hlog");
  std::string text((std::istreambuf_iterator<char>(hlog)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("trial:3"), std::string::npos);
  fs::remove_all(dir);
}

// The default target: an embedded cluster started and removed by loadgate itself, with the
// refresher running on option C.
TEST(Run, EmbeddedClusterRunsOptionCWithRefreshesAndIsRemovedAfterwards) {
  const auto dir = make_temp_dir("emb");
  const auto tmp = dir / "tmp";
  fs::create_directories(tmp);
  const auto file = write_file(
      dir, "s.toml",
      scenario_text(
          "embedded", "[\"A\", \"C\"]", "[{ duration = \"3s\", target = 4 }]",
          "\"sql_duration\" = [\"p(99)<2000\"]\n\"mv_refresh_duration\" = [\"max<10s\"]\n",
          "[refresher]\ninterval = \"1s\"\n[writer]\nrate = 20\n"));
  ::setenv("TMPDIR", tmp.c_str(), 1);
  std::string out;
  const int code =
      run_loadgate({"run", file.string(), "--results-dir", (dir / "results").string()}, &out);
  ::unsetenv("TMPDIR");
  ASSERT_EQ(code, 0) << out;
  EXPECT_TRUE(fs::is_empty(tmp)) << "embedded cluster left behind in " << tmp;
  const auto summary = read_json(only_run(dir / "results") / "summary.json");
  const auto& c = summary["options"]["C"];
  EXPECT_GE(c["refreshes"].size(), 3u) << c["refreshes"].dump();
  for (const auto& r : c["refreshes"]) EXPECT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_GT(c["writes"]["count"].get<std::int64_t>(), 20);
  EXPECT_EQ(c["writes"]["failures"].get<std::int64_t>(), 0);
  EXPECT_TRUE(c["queries"]["sku_lookup"].contains("during_refresh_true"));
  EXPECT_FALSE(summary["options"]["A"].contains("refresh_duration"));
  fs::remove_all(dir);
}

// Ctrl-C during the measured part: results are still written, marked incomplete, and the
// embedded cluster is stopped and removed.
TEST(Run, InterruptWritesIncompleteResultsAndRemovesTheCluster) {
  const auto dir = make_temp_dir("int");
  const auto tmp = dir / "tmp";
  fs::create_directories(tmp);
  const auto file =
      write_file(dir, "s.toml",
                 scenario_text("interrupted", "[\"A\"]", "[{ duration = \"60s\", target = 2 }]",
                               "\"sql_duration\" = [\"p(99)<2000\"]\n"));
  LoadgateProcess process({"run", file.string(), "--results-dir", (dir / "results").string()},
                          {"TMPDIR=" + tmp.string()});
  ASSERT_TRUE(process.wait_for("measuring option A", std::chrono::seconds(60))) << process.output();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  process.signal(SIGINT);
  EXPECT_EQ(process.finish(), 130) << process.output();
  const auto summary = read_json(only_run(dir / "results") / "summary.json");
  EXPECT_FALSE(summary["run"]["complete"].get<bool>());
  EXPECT_EQ(summary["run"]["incomplete_reason"], "interrupted");
  EXPECT_GT(summary["options"]["A"]["queries"]["sku_lookup"]["all"]["count"].get<std::int64_t>(),
            0);
  EXPECT_TRUE(fs::is_empty(tmp)) << "embedded cluster left behind";
  fs::remove_all(dir);
}

TEST(Run, BadScenarioIsOneLineNamingFileLineAndFieldWithExit2) {
  const auto dir = make_temp_dir("bad");
  const auto file = write_file(
      dir, "bad.toml", scenario_text("bad", "[\"A\"]", "[{ duration = \"-5s\", target = 2 }]", ""));
  std::string out;
  EXPECT_EQ(run_loadgate({"run", file.string(), "--dsn", "host=/nonexistent"}, &out), 2) << out;
  EXPECT_NE(out.find("bad.toml:"), std::string::npos) << out;
  EXPECT_NE(out.find("stages[0].duration"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  fs::remove_all(dir);
}

TEST(Run, UnreachableDatabaseExits3) {
  const auto dir = make_temp_dir("unreach");
  const auto file = write_file(
      dir, "s.toml", scenario_text("x", "[\"A\"]", "[{ duration = \"1s\", target = 1 }]", ""));
  std::string out;
  EXPECT_EQ(run_loadgate({"run", file.string(), "--dsn", "host=/nonexistent-dir port=1"}, &out), 3)
      << out;
  fs::remove_all(dir);
}

// Against a database loadgate did not mark, nothing is created or dropped without --mark-db;
// and with it, only loadgate's schemas change: the user's table in public survives everything.
TEST(Guard, UserTableInPublicSurvivesEverySubcommand) {
  const std::string dsn = fresh_database("guard_user");
  {
    auto conn = db::Connection::open(dsn);
    conn.exec(
        "CREATE TABLE public.customer_orders(id int primary key, total numeric);"
        "INSERT INTO public.customer_orders SELECT g, g * 1.5 FROM generate_series(1, 25) g;");
  }
  const std::string user_rows = "SELECT count(*) FROM public.customer_orders";
  const std::string loadgate_schemas =
      "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'loadgate%'";
  const auto dir = make_temp_dir("guard");
  const auto file = write_file(
      dir, "s.toml",
      scenario_text("guard", "[\"A\", \"B\", \"C\"]", "[{ duration = \"1s\", target = 1 }]", "",
                    "[refresher]\ninterval = \"500ms\"\n[writer]\nrate = 10\n"));
  const std::string results = (dir / "results").string();
  const std::vector<std::vector<std::string>> commands = {
      {"datagen", "--products", "1000", "--dsn", dsn},
      {"verify", "--dsn", dsn},
      {"run", file.string(), "--dsn", dsn, "--results-dir", results},
  };
  for (const auto& args : commands) {
    std::string out;
    EXPECT_EQ(run_loadgate(args, &out), 2) << args[0] << ": " << out;
    EXPECT_NE(out.find("--mark-db"), std::string::npos) << out;
    EXPECT_EQ(count_rows(dsn, loadgate_schemas), 0) << args[0];
    EXPECT_EQ(count_rows(dsn, user_rows), 25) << args[0];
  }
  for (auto args : commands) {
    args.push_back("--mark-db");
    std::string out;
    EXPECT_EQ(run_loadgate(args, &out), 0) << args[0] << ": " << out;
    EXPECT_EQ(count_rows(dsn, user_rows), 25) << args[0];
    EXPECT_EQ(count_rows(dsn,
                         "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON "
                         "n.oid = c.relnamespace WHERE n.nspname = 'public'"),
              2)  // the table and its primary key index
        << args[0];
  }
  EXPECT_EQ(count_rows(dsn, loadgate_schemas), 4);
  fs::remove_all(dir);
}

// A copy of sql/ with one extra query, `slow`, that sleeps `seconds` on every option.
fs::path sql_dir_with_slow_query(const fs::path& dir, const std::string& seconds = "3") {
  const auto sql = dir / "sql";
  fs::copy(fs::path(LOADGATE_SOURCE_DIR) / "sql", sql, fs::copy_options::recursive);
  for (const char* option : {"A", "B", "C"}) {
    write_file(sql / "options" / option / "queries", "slow.sql",
               "-- params:\nSELECT pg_sleep(" + seconds + ");\n");
  }
  return sql;
}

// Runs a scenario whose VUs ramp 2 -> 0 while running a 3 s query; returns summary.json.
json run_ramp_down(const std::string& dsn, const fs::path& dir, const std::string& grace) {
  const auto file = write_file(
      dir, grace + ".toml",
      "name = \"rampdown\"\n[dataset]\nproducts = 1000\n[database]\noptions = [\"A\"]\n"
      "[workload.mix]\nslow = 1\n[executor]\ntype = \"ramping-vus\"\nstart_vus = 2\n"
      "graceful_ramp_down = \"" +
          grace + "\"\ngraceful_stop = \"" + grace +
          "\"\n"
          "stages = [{ duration = \"1s\", target = 2 }, { duration = \"1s\", target = 0 }]\n");
  const auto results = dir / ("results-" + grace);
  std::string out;
  const int code = run_loadgate({"run", file.string(), "--dsn", dsn, "--mark-db", "--sql-dir",
                                 (dir / "sql").string(), "--results-dir", results.string()},
                                &out);
  EXPECT_EQ(code, 0) << out;
  return read_json(only_run(results) / "summary.json");
}

// k6's gracefulRampDown: iterations of removed VUs may finish within the grace period, and are
// interrupted (not recorded, not failed) past it.
TEST(Run, GracefulRampDownInterruptsIterationsPastTheGracePeriod) {
  const std::string dsn = fresh_database("ramp_down");
  const auto dir = make_temp_dir("ramp");
  sql_dir_with_slow_query(dir);
  const auto cut = run_ramp_down(dsn, dir, "200ms");
  EXPECT_FALSE(cut["options"]["A"]["queries"].contains("slow")) << cut["options"]["A"].dump();
  const auto waited = run_ramp_down(dsn, dir, "10s");
  const auto& slow = waited["options"]["A"]["queries"]["slow"]["all"];
  EXPECT_EQ(slow["count"].get<std::int64_t>(), 2) << slow.dump();
  EXPECT_EQ(slow["errors"].get<std::int64_t>(), 0);
  EXPECT_GE(slow["min_ms"].get<double>(), 2900.0);
  fs::remove_all(dir);
}

// Open model: 20 arrivals/s for 2 s (exactly 40 intended starts, k6's even spacing) against one
// VU whose query takes 200 ms. Every arrival is either run or counted as dropped, never lost.
TEST(OpenModel, EveryArrivalIsRunOrCountedAsDropped) {
  const std::string dsn = fresh_database("open_model");
  const auto dir = make_temp_dir("open");
  sql_dir_with_slow_query(dir, "0.2");
  const auto file = write_file(
      dir, "s.toml",
      "name = \"open\"\n[dataset]\nproducts = 1000\n[database]\noptions = [\"A\"]\n"
      "[workload.mix]\nslow = 1\n[executor]\ntype = \"constant-arrival-rate\"\nrate = 20\n"
      "duration = \"2s\"\npre_allocated_vus = 1\nmax_vus = 1\n"
      "[thresholds]\n\"dropped_iterations\" = [\"count<5\"]\n");
  std::string out;
  const int code =
      run_loadgate({"run", file.string(), "--dsn", dsn, "--mark-db", "--sql-dir",
                    (dir / "sql").string(), "--results-dir", (dir / "results").string()},
                   &out);
  EXPECT_EQ(code, 99) << out;  // the dropped-iterations budget is blown
  const auto summary = read_json(only_run(dir / "results") / "summary.json");
  const auto& a = summary["options"]["A"];
  const auto run = a["queries"]["slow"]["all"]["count"].get<std::int64_t>();
  const auto dropped = a["dropped_iterations"].get<std::int64_t>();
  EXPECT_EQ(run + dropped, 40) << a.dump();
  EXPECT_GE(dropped, 20);
  EXPECT_GE(run, 8);
  const auto& q = a["queries"]["slow"];
  EXPECT_GE(q["all"]["p50_ms"].get<double>(), q["service_time"]["p50_ms"].get<double>());
  EXPECT_GE(q["service_time"]["min_ms"].get<double>(), 199.0);
  EXPECT_TRUE(a.contains("schedule_lag"));
  fs::remove_all(dir);
}

// k6 abortOnFail: a crossed threshold marked so stops the run early (after its delay), the
// results say why, later options are not measured, and the exit code is 99.
TEST(Run, AbortOnFailThresholdStopsTheRunEarly) {
  const std::string dsn = fresh_database("abort_on_fail");
  const auto dir = make_temp_dir("abort");
  const auto file = write_file(
      dir, "s.toml",
      scenario_text("abort", "[\"A\", \"B\"]", "[{ duration = \"30s\", target = 2 }]",
                    "\"sql_duration\" = [{ threshold = \"p(50)<0.001\", abort_on_fail = true, "
                    "delay_abort_eval = \"1s\" }]\n"));
  const auto start = std::chrono::steady_clock::now();
  std::string out;
  const int code = run_loadgate({"run", file.string(), "--dsn", dsn, "--mark-db", "--results-dir",
                                 (dir / "results").string()},
                                &out);
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  EXPECT_EQ(code, 99) << out;
  EXPECT_LT(seconds.count(), 25.0);  // far less than the 30 s stage
  const auto summary = read_json(only_run(dir / "results") / "summary.json");
  EXPECT_FALSE(summary["run"]["complete"].get<bool>());
  EXPECT_NE(summary["run"]["incomplete_reason"].get<std::string>().find("abort_on_fail"),
            std::string::npos);
  EXPECT_TRUE(summary["options"]["A"]["measured"].get<bool>());
  EXPECT_FALSE(summary["options"]["B"]["measured"].get<bool>());
  fs::remove_all(dir);
}

// `merge` of two runs gives the percentiles of the union of their samples, sums counts and
// errors, merges latency.hlog, and re-evaluates the scenario's thresholds on the merged data.
TEST(Merge, TwoRunsGiveThePercentilesOfTheUnionOfTheirSamples) {
  const std::string dsn = fresh_database("merge");
  const auto dir = make_temp_dir("merge");
  const auto file = write_file(
      dir, "s.toml",
      scenario_text("merge", "[\"A\"]", "[{ duration = \"2s\", target = 2, name = \"steady\" }]",
                    "\"sql_duration{kind:read}\" = [\"p(99)<0.001\"]\n"));
  std::vector<fs::path> runs;
  for (int i = 0; i < 2; ++i) {
    const auto results = dir / ("results" + std::to_string(i));
    std::string out;
    ASSERT_EQ(run_loadgate({"run", file.string(), "--dsn", dsn, "--mark-db", "--results-dir",
                            results.string()},
                           &out),
              99)
        << out;
    runs.push_back(only_run(results));
  }
  const auto merged_dir = dir / "merged";
  std::string out;
  EXPECT_EQ(run_loadgate(
                {"merge", runs[0].string(), runs[1].string(), "--out", merged_dir.string()}, &out),
            99)
      << out;
  const Tags sku = make_tags({{"query", "sku_lookup"}, {"kind", "read"}});
  metrics::Histogram uni;
  std::int64_t count = 0;
  for (const auto& run : runs) {
    const auto m =
        results::merge_series(results::read_series_json(run / "series.json"), "sql_duration", sku);
    ASSERT_TRUE(m);
    uni.add(*m->hist);
    count += m->count;
  }
  const auto merged = results::merge_series(results::read_series_json(merged_dir / "series.json"),
                                            "sql_duration", sku);
  ASSERT_TRUE(merged);
  EXPECT_EQ(merged->count, count);
  for (double p : {50.0, 90.0, 99.0, 99.9, 100.0}) {
    EXPECT_EQ(merged->hist->value_at_percentile(p), uni.value_at_percentile(p)) << "p" << p;
  }
  const auto summary = read_json(merged_dir / "summary.json");
  EXPECT_EQ(summary["options"]["A"]["queries"]["sku_lookup"]["all"]["count"].get<std::int64_t>(),
            count);
  EXPECT_EQ(summary["verdict"], "fail");
  std::ifstream hlog(merged_dir / "latency.hlog");
  const auto log = metrics::read_hlog(hlog);
  std::int64_t logged = 0;
  for (const auto& iv : log.intervals) {
    if (iv.tag.find("query:sku_lookup") != std::string::npos &&
        iv.tag.rfind("sql_duration{", 0) == 0) {
      logged += iv.hist.count();
    }
  }
  EXPECT_EQ(logged, count);

  // A run of another scenario does not merge: its thresholds and tags mean something else.
  std::ofstream(runs[1] / "scenario.toml", std::ios::app) << "# edited\n";
  EXPECT_EQ(
      run_loadgate(
          {"merge", runs[0].string(), runs[1].string(), "--out", (dir / "merged2").string()}, &out),
      2)
      << out;
  EXPECT_NE(out.find("different scenario"), std::string::npos) << out;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lg::test
