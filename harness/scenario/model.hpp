#pragma once
// The scenario a user writes (docs/reference.md "Scenario format"), parsed and validated into
// plain, immutable structs. Nothing here touches threads, clocks or the database.

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "harness/core/clock.hpp"
#include "harness/core/errors.hpp"
#include "harness/gate/threshold.hpp"
#include "harness/option/schema_option.hpp"

namespace lg::scenario {

/// One stage of an executor: ramp linearly from the previous target to `target` over `duration`.
struct Stage {
  Nanos duration = 0;  ///< > 0
  int target = 0;      ///< VUs (ramping-vus) or iterations per time unit (arrival-rate)
  std::string name;    ///< optional; the stage tag is the name, else the 0-based index
  SourceLoc at;
  int mv_rollout_percent = -1;  ///< 0..100: set the API's view rollout when the stage starts
};

/// How iterations arrive in the open model: evenly spaced (k6) or Poisson (pgbench -R).
enum class Arrivals { kEven, kPoisson };

/// Executor configuration as a value (k6 executor names and options, snake_case).
/// constant-arrival-rate is normalised on load to one stage {duration, rate} with
/// start_rate = rate, so both arrival-rate executors read the same fields.
struct ExecutorSpec {
  std::string type = "ramping-vus";
  Nanos warmup = 0;                     ///< run the mix first, unrecorded
  int start_vus = 1;                    ///< ramping-vus
  std::vector<Stage> stages;            ///< non-empty; arrival-rate: target = rate
  int start_rate = 0;                   ///< arrival-rate: iterations per time_unit at t=0
  Nanos time_unit = kNanosPerSecond;    ///< arrival-rate
  int pre_allocated_vus = 0;            ///< arrival-rate: connections opened up front
  int max_vus = 0;                      ///< arrival-rate: ceiling (>= pre_allocated_vus)
  Arrivals arrivals = Arrivals::kEven;  ///< arrival-rate
  Nanos graceful_ramp_down = 5 * kNanosPerSecond;  ///< let in-flight iterations of removed VUs end
  Nanos graceful_stop = 5 * kNanosPerSecond;
  /// True for constant-arrival-rate and ramping-arrival-rate (latency from intended start).
  bool open_model() const { return type != "ramping-vus"; }
  /// Most VUs (connections) the executor may use: the highest stage target for ramping-vus,
  /// max_vus for the arrival-rate executors.
  int peak_vus() const;
  /// Sum of stage durations.
  Nanos total_duration() const;
};

/// One weighted entry of the workload mix: sql/options/<option>/queries/<query>.sql.
struct MixEntry {
  std::string query;
  int weight = 0;  ///< > 0
  SourceLoc at;
};

/// One weighted HTTP request template of the workload (`[workload.requests.<name>]`).
struct RequestEntry {
  std::string name;
  std::string method = "GET";
  std::string path;  ///< "/api/products?categoryId={category}"; placeholders are generators
  std::string body;  ///< optional, same placeholders (JSON-escaped)
  int weight = 1;
  int expect_status = 0;  ///< 0: any 2xx
  std::string field;      ///< "workload.requests.<name>", for errors found later
  SourceLoc at;
};

/// The HTTP target (`[http]`): a base URL, or catalog-api started by loadgate per option.
struct HttpSpec {
  std::string base_url;                  ///< empty when catalog_api
  bool catalog_api = false;              ///< start catalog-api on a free loopback port per option
  int mv_rollout_percent = 100;          ///< catalog-api's initial view rollout
  int api_pool = 16;                     ///< catalog-api's database connections
  Nanos timeout = 10 * kNanosPerSecond;  ///< per request (connect, read, write)
};

/// Think time after a journey step (Gatling pauses, JMeter timers): a pause that is never
/// latency. Written "1s", "uniform(500ms, 1500ms)" or "exponential(1s)".
struct ThinkTime {
  enum class Kind { kNone, kConstant, kUniform, kExponential };
  Kind kind = Kind::kNone;
  Nanos a = 0;  ///< kConstant: the pause; kUniform: the lower bound; kExponential: the mean
  Nanos b = 0;  ///< kUniform: the upper bound (>= a)
};

/// k6-style checks on one step's response (`checks = { status = 200, max_duration = "200ms" }`).
/// Each check a step carries is one sample of the rate metric `checks` per execution; a failed
/// check is not a failed request.
struct CheckSpec {
  int status = 0;          ///< HTTP status the response must have; 0: not checked
  std::string body;        ///< text the HTTP body must contain; empty: not checked
  Nanos max_duration = 0;  ///< the step's *_duration must not exceed it; 0: not checked
  bool any() const { return status != 0 || !body.empty() || max_duration != 0; }
};

/// One step of a journey: a SQL query or an HTTP request, then an optional think time.
struct StepSpec {
  std::string query;    ///< SQL step: sql/options/<option>/queries/<query>.sql; else empty
  std::string request;  ///< HTTP step: [workload.requests.<request>]; else empty
  ThinkTime think;
  CheckSpec checks;
  SourceLoc at;
};

/// A user journey (`[workload.journeys.<name>]`): one iteration runs its steps in order.
struct JourneySpec {
  std::string name;
  int weight = 1;               ///< > 0; journeys are picked per iteration by weight, like the mix
  std::vector<StepSpec> steps;  ///< non-empty
  SourceLoc at;
};

/// The event-driven engine (`[engine]`).
struct EngineSpec {
  int threads = 0;  ///< event-loop threads; 0: one per core
};

/// A fault injected at a time during the measured run (`[[faults]]`).
struct FaultSpec {
  std::string action;  ///< "view_unavailable": the view of an option that has one renamed away,
                       ///< then restored
  Nanos at = 0;        ///< after the measured start (warmup excluded)
  Nanos duration = 0;  ///< > 0
  SourceLoc loc;
};

struct DatasetSpec {
  std::int64_t products = 10'000;  ///< 1'000 .. 1'000'000
  std::uint64_t seed = 42;
};

struct DatabaseSpec {
  /// Option names (folders under sql/options/) in run order; A, B, C when the file names none.
  std::vector<std::string> options{"A", "B", "C"};
  /// `options_dirs`: folders of options beside sql/options (or one option's folder each),
  /// resolved against the scenario file's folder.
  std::vector<std::filesystem::path> options_dirs;
  std::string dsn;  ///< empty: --dsn / PG* / embedded cluster
  /// `[database.settings]`: server settings for the embedded cluster (postgres -c key=value),
  /// e.g. shared_buffers = "2GB". An external database is never reconfigured.
  std::vector<std::pair<std::string, std::string>> settings;
  /// Session settings of every VU and writer connection, so that a locked table or a runaway
  /// statement cannot hang a run: statement_timeout and lock_timeout (0 = the server's own).
  /// A statement they end is an error of class timeout.
  Nanos statement_timeout = 30 * kNanosPerSecond;
  Nanos lock_timeout = 10 * kNanosPerSecond;
};

/// `[invariants]`: the built-in health checks that make a broken run fail even when no
/// threshold looks at what broke (k6's "checks" spirit: the default is honest). Each is on
/// by default and can be turned off for a scenario that injects that fault on purpose.
struct InvariantsSpec {
  bool refresh_failures = true;  ///< no refresh of an option's view failed for good
  bool staleness_unseen = true;  ///< every marker a successful refresh should show was seen
  bool connection_loss = true;   ///< no connection of the run (VU, writer, background) was lost
  bool target_exit = true;       ///< the system under test (catalog-api) did not exit
  /// every background activity (refresher, staleness probe, write mix, steps) ran to the end
  bool activities = true;
  /// The run stops (exit 3) once every operation has failed with a connection error for this
  /// long: the target is gone. 0 turns it off.
  Nanos unreachable_after = 10 * kNanosPerSecond;
};

/// When the refresher refreshes the view of an option that has one ([view] in option.toml).
enum class RefreshStrategy {
  kInterval,    ///< at t = 0, interval, 2·interval, … (what pg_cron does)
  kContinuous,  ///< the next refresh starts when the last ends
  /// at most once per interval, only while writes are queued (the option's debounced queue)
  kDebounced,
  /// No refresh: reads go to the option's live table (C: loadgate_c.product_search_live), which
  /// row triggers on the write relation keep current inside each writing transaction
  /// (staleness zero, the cost moved to writes).
  kTrigger,
};

/// The strategy's scenario name: "interval", "continuous", "debounced" or "trigger".
const char* strategy_name(RefreshStrategy s) noexcept;

struct RefresherSpec {
  bool enabled = false;  ///< true when [refresher] is present
  RefreshStrategy strategy = RefreshStrategy::kInterval;
  Nanos interval = 10 * kNanosPerSecond;  ///< interval, or the debounce window
  int max_retries = 3;                    ///< retries of a failed refresh before giving up on it
  Nanos retry_backoff = kNanosPerSecond;  ///< first retry delay; doubles per retry
};

/// The staleness probe (`[staleness]`): an option with a view, its write -> visible lag, as
/// mv_staleness.
struct StalenessSpec {
  bool enabled = false;              ///< true when [staleness] is present
  Nanos interval = kNanosPerSecond;  ///< one marker write per interval
  Nanos poll = 50 * kNanosPerMilli;  ///< how often the view is read (the lag's resolution)
};

/// The write mix (`[writer]`): weighted statements from sql/options/<option>/writes/ run on the
/// option's write path by an arrival-rate executor of their own, beside the reads.
struct WriterSpec {
  bool enabled = false;   ///< [writer] is present with a rate > 0 (or ramping stages)
  ExecutorSpec executor;  ///< constant-arrival-rate or ramping-arrival-rate, never warmed up
  /// Weighted writes (weight 0 turns one off); default {update_price_stock = 1}. A constant
  /// writer without a duration lasts as long as the executor's stages.
  std::vector<MixEntry> mix;
};

/// A whole scenario file.
/// Most trials a run may repeat its measured phase (`trials`, `--trials`).
inline constexpr int kMaxTrials = 100;

struct Scenario {
  std::string name;
  std::string description;
  /// How many times the measured phase (warmup, stages, background activities) runs per option
  /// on the one dataset: `trials`, 1..kMaxTrials. Trials go round the options (A B C A B C …)
  /// so that a drift of the machine falls on every option alike; each trial's series carry a
  /// `trial` tag (1-based) when there is more than one. Independent trials, not a run's
  /// autocorrelated intervals, are what `compare` tests over (JMH forks, Google Benchmark
  /// repetitions).
  int trials = 1;
  std::filesystem::path file;  ///< as given
  std::string source_text;     ///< the file's bytes, copied into results
  DatasetSpec dataset;
  DatabaseSpec database;
  std::vector<MixEntry> mix;           ///< SQL workload; empty for an HTTP workload
  std::vector<RequestEntry> requests;  ///< HTTP workload; empty for a SQL workload
  /// `[workload.journeys.*]`, in file order. When present they are the workload: `mix` is
  /// empty, and `requests` are only templates the steps name (their weights are unused).
  std::vector<JourneySpec> journeys;
  EngineSpec engine;
  HttpSpec http;  ///< meaningful when requests is non-empty
  std::vector<FaultSpec> faults;
  ExecutorSpec executor;
  RefresherSpec refresher;
  StalenessSpec staleness;
  WriterSpec writer;
  InvariantsSpec invariants;
  std::vector<gate::Threshold> thresholds;
  /// True when the workload is HTTP requests rather than SQL queries.
  bool http_workload() const { return !requests.empty(); }
};

/// What a scenario's names are checked against: the options that exist (the folders of the sql
/// folder's options/, option::discover) with their roles, and the query and write names of each.
struct KnownOptions {
  std::vector<option::SchemaOption> options;
  std::map<std::string, std::set<std::string>> queries;  ///< option name -> its queries/ names
  /// option name -> its writes/ names; empty: [writer.mix] names are not checked here (the run
  /// checks them against the catalog).
  std::map<std::string, std::set<std::string>> writes;
};

/// Parses and validates a scenario file with toml++. Throws InputError with file:line:column
/// and the field for: TOML syntax errors, unknown keys, wrong types, an option `known` does not
/// have, queries and writes that not every selected option has, an empty stage list, negative
/// or malformed durations, out-of-range numbers, malformed thresholds, and a refresh strategy
/// or fault that a selected option's roles cannot serve. A file that cannot be read (missing, a
/// directory) is an InputError too.
Scenario load_scenario(const std::filesystem::path& file, const KnownOptions& known);

/// The `[database] options_dirs` of scenario `file`, resolved against its folder: read before
/// the scenario itself, because the options they hold are what the scenario is checked
/// against. Throws InputError (file, line, field) for a TOML error, a value that is not an
/// array of strings, or a folder that does not exist.
std::vector<std::filesystem::path> scenario_option_dirs(const std::filesystem::path& file);

/// Same, from text already in memory; `file` is used only in error messages.
Scenario parse_scenario(std::string_view text, const std::filesystem::path& file,
                        const KnownOptions& known);

}  // namespace lg::scenario
