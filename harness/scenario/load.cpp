// Scenario file -> Scenario (docs/reference.md "Scenario format"). Every check throws one
// InputError naming file:line:column and the dotted key path, so a user can jump straight to the
// mistake.

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <regex>
#include <tuple>
#include <utility>

#include "harness/core/duration.hpp"
#include "harness/core/files.hpp"
#include "harness/core/toml_reader.hpp"
#include "harness/scenario/model.hpp"
#include "harness/scenario/think_time.hpp"

namespace lg::scenario {

int ExecutorSpec::peak_vus() const {
  if (open_model()) return std::max(pre_allocated_vus, max_vus);
  int peak = start_vus;
  for (const auto& s : stages) peak = std::max(peak, s.target);
  return peak;
}

Nanos ExecutorSpec::total_duration() const {
  Nanos total = 0;
  for (const auto& s : stages) total += s.duration;
  return total;
}

// Reader, join, indexed, section, parse_toml, ...: the TOML reading every input shares.
using namespace lg::toml_reader;

namespace {

constexpr std::int64_t kMinProducts = 1'000;
constexpr std::int64_t kMaxProducts = 1'000'000;
constexpr std::int64_t kMaxWeight = 1'000'000;
constexpr std::int64_t kMaxVus = 100'000;
constexpr std::int64_t kMaxRate = 10'000'000;  // iterations per time_unit
constexpr std::int64_t kMaxEngineThreads = 256;

void read_dataset(const Reader& r, const toml::table& t, DatasetSpec& out) {
  r.check_keys(t, "dataset", {"products", "seed"});
  if (auto* n = t.get("products")) {
    out.products = r.integer(*n, "dataset.products", kMinProducts, kMaxProducts);
  }
  if (auto* n = t.get("seed")) {
    out.seed = static_cast<std::uint64_t>(
        r.integer(*n, "dataset.seed", 0, std::numeric_limits<std::int64_t>::max()));
  }
}

// An option is named by its folder under the sql folder's options/: any such folder will do.
std::string option_name(const Reader& r, const toml::node& n, const std::string& field,
                        const KnownOptions& known) {
  std::string s = r.string(n, field);
  if (option::find(known.options, s) == nullptr) {
    r.fail(n.source(), field,
           "unknown option \"" + s + "\"; options that exist (sql/options/<name>/): " +
               option::list_names(known.options));
  }
  return s;
}

// The query (or write) names every option of `selected` has: what a scenario running them
// all may name.
std::set<std::string> common_to(const std::map<std::string, std::set<std::string>>& by_option,
                                const std::vector<std::string>& selected) {
  std::set<std::string> out;
  if (selected.empty()) return out;
  const auto first = by_option.find(selected.front());
  if (first == by_option.end()) return out;
  for (const auto& name : first->second) {
    const bool everywhere = std::all_of(selected.begin(), selected.end(), [&](const auto& o) {
      const auto it = by_option.find(o);
      return it != by_option.end() && it->second.count(name) != 0;
    });
    if (everywhere) out.insert(name);
  }
  return out;
}

// Values may be strings, integers or booleans; they reach postgres -c as text.
void read_server_settings(const Reader& r, const toml::table& t, DatabaseSpec& out) {
  for (const auto& [key, node] : in_file_order(t)) {
    const std::string name(key->str());
    const std::string field = join("database.settings", name);
    const bool name_ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.';
    });
    if (!name_ok) r.fail(key->source(), field, "not a server setting name");
    std::string value;
    if (const auto* v = node->as_string()) {
      value = v->get();
    } else if (const auto* i = node->as_integer()) {
      value = std::to_string(i->get());
    } else if (const auto* b = node->as_boolean()) {
      value = b->get() ? "on" : "off";
    } else {
      r.wrong_type(*node, field, "a string, integer or boolean");
    }
    out.settings.emplace_back(name, value);
  }
}

// [database] options_dirs = ["my-options", ...]: folders of options (or one option's folder),
// relative to the scenario file's folder. `must_exist`: each must be a folder (false where the
// scenario is re-read from a run folder, e.g. by merge, and the paths resolve elsewhere).
std::vector<std::filesystem::path> read_options_dirs(const Reader& r, const toml::table& t,
                                                     bool must_exist) {
  std::vector<std::filesystem::path> out;
  const toml::node* n = t.get("options_dirs");
  if (n == nullptr) return out;
  if (!n->is_array()) r.wrong_type(*n, "database.options_dirs", "an array of folder paths");
  const auto& arr = *n->as_array();
  const std::filesystem::path base = std::filesystem::path(r.file()).parent_path();
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string field = indexed("database.options_dirs", i);
    const std::filesystem::path dir = r.string(arr[i], field);
    if (dir.empty()) r.fail(arr[i].source(), field, "must not be empty");
    const std::filesystem::path resolved = dir.is_absolute() ? dir : base / dir;
    std::error_code ec;
    if (must_exist && !std::filesystem::is_directory(resolved, ec)) {
      r.fail(arr[i].source(), field, "no such folder: " + resolved.string());
    }
    out.push_back(resolved);
  }
  return out;
}

void read_database(const Reader& r, const toml::table& t, const KnownOptions& known,
                   DatabaseSpec& out) {
  r.check_keys(t, "database",
               {"options", "options_dirs", "dsn", "settings", "statement_timeout", "lock_timeout"});
  // Read (and checked) before the scenario by scenario_option_dirs: the options they hold are
  // already in `known`. Kept here for the record of what the run used.
  out.options_dirs = read_options_dirs(r, t, false);
  if (auto* n = t.get("dsn")) out.dsn = r.string(*n, "database.dsn");
  if (auto* n = t.get("statement_timeout")) {
    out.statement_timeout = r.duration(*n, "database.statement_timeout", false);
  }
  if (auto* n = t.get("lock_timeout")) {
    out.lock_timeout = r.duration(*n, "database.lock_timeout", false);
  }
  if (auto* n = t.get("settings")) read_server_settings(r, r.table(*n, "database.settings"), out);
  const toml::node* n = t.get("options");
  if (n == nullptr) return;
  if (!n->is_array()) r.wrong_type(*n, "database.options", "an array like [\"A\", \"B\"]");
  const auto& arr = *n->as_array();
  if (arr.empty()) r.fail(n->source(), "database.options", "must name at least one option");
  out.options.clear();
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string field = indexed("database.options", i);
    std::string name = option_name(r, arr[i], field, known);
    if (std::find(out.options.begin(), out.options.end(), name) != out.options.end()) {
      r.fail(arr[i].source(), field, "option \"" + name + "\" is listed twice");
    }
    out.options.push_back(std::move(name));
  }
}

void read_mix(const Reader& r, const toml::table& t, const std::set<std::string>& known,
              std::vector<MixEntry>& out) {
  const std::string path = "workload.mix";
  if (t.empty()) r.fail(t.source(), path, "needs at least one query = weight entry");
  for (const auto& [key, node] : in_file_order(t)) {
    std::string field = join(path, key->str());
    if (known.count(std::string(key->str())) == 0) {
      r.fail(key->source(), field,
             "unknown query \"" + std::string(key->str()) +
                 "\"; known queries: " + list_names({known.begin(), known.end()}));
    }
    MixEntry e;
    e.query = std::string(key->str());
    e.weight = static_cast<int>(r.integer(*node, field, 1, kMaxWeight));
    e.at = r.loc(key->source());
    out.push_back(std::move(e));
  }
}

// One `[workload.requests.<name>]` table.
RequestEntry read_request(const Reader& r, const toml::key& key, const toml::node& n) {
  RequestEntry e;
  e.name = std::string(key.str());
  e.field = join("workload.requests", e.name);
  const toml::table& t = r.table(n, e.field);
  r.check_keys(t, e.field, {"method", "path", "body", "weight", "expect_status"});
  e.path = r.string(r.required(t, "path", e.field), e.field + ".path");
  if (auto* m = t.get("method")) e.method = r.string(*m, e.field + ".method");
  if (auto* b = t.get("body")) e.body = r.string(*b, e.field + ".body");
  if (auto* w = t.get("weight")) {
    e.weight = static_cast<int>(r.integer(*w, e.field + ".weight", 1, kMaxWeight));
  }
  if (auto* x = t.get("expect_status")) {
    e.expect_status = static_cast<int>(r.integer(*x, e.field + ".expect_status", 100, 599));
  }
  e.at = r.loc(key.source());
  return e;
}

// The kind of a journey step, and where the first step of that kind is, for errors.
struct StepKind {
  bool http = false;
  std::string field;  ///< "workload.journeys.<name>.steps[i]"; empty until a step is seen
};

std::string step_kind_name(bool http) { return http ? "an HTTP request step" : "a SQL query step"; }

// `checks = { status, body, max_duration }` of one step; status and body need an HTTP step.
CheckSpec read_checks(const Reader& r, const toml::node& n, const std::string& path, bool http) {
  const toml::table& t = r.table(n, path);
  r.check_keys(t, path, {"status", "body", "max_duration"});
  CheckSpec c;
  for (const char* k : {"status", "body"}) {
    const toml::node* v = t.get(k);
    if (v != nullptr && !http) {
      r.fail(v->source(), path + "." + k, std::string("only HTTP request steps have a ") + k);
    }
  }
  if (auto* v = t.get("status")) {
    c.status = static_cast<int>(r.integer(*v, path + ".status", 100, 599));
  }
  if (auto* v = t.get("body")) {
    c.body = r.string(*v, path + ".body");
    if (c.body.empty()) r.fail(v->source(), path + ".body", "must not be empty");
  }
  if (auto* v = t.get("max_duration")) {
    c.max_duration = r.duration(*v, path + ".max_duration", true);
  }
  return c;
}

// One `{ query = "..." | request = "...", think = "...", checks = {...} }` of a journey.
StepSpec read_step(const Reader& r, const toml::node& n, const std::string& path,
                   const std::set<std::string>& known, const std::vector<RequestEntry>& requests,
                   StepKind& kind) {
  const toml::table& t = r.table(n, path);
  r.check_keys(t, path, {"query", "request", "think", "checks"});
  const toml::node* query = t.get("query");
  const toml::node* request = t.get("request");
  if ((query == nullptr) == (request == nullptr)) {
    r.fail(request != nullptr ? request->source() : n.source(),
           request != nullptr ? path + ".request" : path,
           "set exactly one of query = \"<name>\" (SQL) or request = \"<name>\" (HTTP)");
  }
  const bool http = request != nullptr;
  const std::string name_field = path + (http ? ".request" : ".query");
  const toml::node& name_node = http ? *request : *query;
  if (kind.field.empty()) {
    kind = StepKind{http, path};
  } else if (kind.http != http) {
    r.fail(name_node.source(), name_field,
           "the steps of all journeys must be of one kind: this is " + step_kind_name(http) +
               " but " + kind.field + " is " + step_kind_name(kind.http));
  }
  StepSpec step;
  const std::string name = r.string(name_node, name_field);
  if (!http) {
    if (known.count(name) == 0) {
      r.fail(name_node.source(), name_field,
             "unknown query \"" + name +
                 "\"; known queries: " + list_names({known.begin(), known.end()}));
    }
    step.query = name;
  } else {
    std::vector<std::string> names;
    for (const auto& e : requests) names.push_back(e.name);
    if (names.empty()) {
      r.fail(name_node.source(), name_field,
             "unknown request \"" + name +
                 "\"; a request step names a [workload.requests.<name>] table and this file has "
                 "none");
    }
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      r.fail(name_node.source(), name_field,
             "unknown request \"" + name + "\"; known requests: " + list_names(names));
    }
    step.request = name;
  }
  if (auto* th = t.get("think")) {
    const std::string field = path + ".think";
    const std::string text = r.string(*th, field);
    std::string error;
    auto think = parse_think_time(text, &error);
    if (!think) r.fail(th->source(), field, error + ", got \"" + text + "\"");
    step.think = *think;
  }
  if (auto* c = t.get("checks")) step.checks = read_checks(r, *c, path + ".checks", http);
  step.at = r.loc(n.source());
  return step;
}

// One `[workload.journeys.<name>]` table.
JourneySpec read_journey(const Reader& r, const toml::key& key, const toml::node& n,
                         const std::set<std::string>& known,
                         const std::vector<RequestEntry>& requests, StepKind& kind) {
  JourneySpec j;
  j.name = std::string(key.str());
  const std::string path = join("workload.journeys", j.name);
  const toml::table& t = r.table(n, path);
  r.check_keys(t, path, {"weight", "steps"});
  if (auto* w = t.get("weight")) {
    j.weight = static_cast<int>(r.integer(*w, path + ".weight", 1, kMaxWeight));
  }
  const toml::node& steps = r.required(t, "steps", path);
  const std::string steps_path = path + ".steps";
  if (!steps.is_array()) {
    r.wrong_type(steps, steps_path, "an array of { query = ... } or { request = ... } tables");
  }
  const auto& arr = *steps.as_array();
  if (arr.empty()) r.fail(steps.source(), steps_path, "needs at least one step");
  for (size_t i = 0; i < arr.size(); ++i) {
    j.steps.push_back(read_step(r, arr[i], indexed(steps_path, i), known, requests, kind));
  }
  j.at = r.loc(n.source());
  return j;
}

// [workload.journeys]: after the requests, which request steps name.
void read_journeys(const Reader& r, const toml::table& t, const toml::node* requests,
                   const std::set<std::string>& known, Scenario& s) {
  const std::string path = "workload.journeys";
  if (t.empty()) r.fail(t.source(), path, "needs at least one [workload.journeys.<name>] table");
  StepKind kind;
  for (const auto& [key, node] : in_file_order(t)) {
    s.journeys.push_back(read_journey(r, *key, *node, known, s.requests, kind));
  }
  if (!kind.http && requests != nullptr) {
    r.fail(requests->source(), "workload.requests",
           "the journeys run SQL queries (" + kind.field +
               "); a scenario replays SQL queries or HTTP requests, not both");
  }
}

void read_workload(const Reader& r, const toml::table& t, const std::set<std::string>& known,
                   Scenario& s) {
  r.check_keys(t, "workload", {"mix", "requests", "journeys"});
  const toml::node* mix = t.get("mix");
  const toml::node* requests = t.get("requests");
  const toml::node* journeys = t.get("journeys");
  if (mix != nullptr && journeys != nullptr) {
    r.fail(mix->source(), "workload.mix",
           "a scenario with [workload.journeys] takes its workload from the journeys; remove the "
           "mix");
  }
  if (mix != nullptr && requests != nullptr) {
    r.fail(requests->source(), "workload.requests",
           "a scenario replays SQL queries ([workload.mix]) or HTTP requests "
           "([workload.requests]), not both");
  }
  if (requests == nullptr && journeys == nullptr) {
    read_mix(r, r.table(r.required(t, "mix", "workload"), "workload.mix"), known, s.mix);
    return;
  }
  if (requests != nullptr) {
    const toml::table& reqs = r.table(*requests, "workload.requests");
    if (reqs.empty()) r.fail(reqs.source(), "workload.requests", "needs at least one request");
    for (const auto& [key, node] : in_file_order(reqs)) {
      s.requests.push_back(read_request(r, *key, *node));
    }
  }
  if (journeys != nullptr) {
    read_journeys(r, r.table(*journeys, "workload.journeys"), requests, known, s);
  }
}

Stage read_stage(const Reader& r, const toml::node& n, const std::string& path,
                 std::int64_t max_target) {
  const toml::table& t = r.table(n, path);
  r.check_keys(t, path, {"duration", "target", "name", "mv_rollout_percent"});
  Stage s;
  s.duration = r.duration(r.required(t, "duration", path), path + ".duration", true);
  s.target =
      static_cast<int>(r.integer(r.required(t, "target", path), path + ".target", 0, max_target));
  if (auto* name = t.get("name")) s.name = r.string(*name, path + ".name");
  if (auto* p = t.get("mv_rollout_percent")) {
    s.mv_rollout_percent = static_cast<int>(r.integer(*p, path + ".mv_rollout_percent", 0, 100));
  }
  s.at = r.loc(n.source());
  return s;
}

// `owner` is the table the stages belong to ("executor" or "writer"), for error messages.
std::vector<Stage> read_stages(const Reader& r, const toml::node& n, std::int64_t max_target,
                               const std::string& owner) {
  const std::string path = owner + ".stages";
  if (!n.is_array()) r.wrong_type(n, path, "an array of { duration, target } tables");
  const auto& arr = *n.as_array();
  if (arr.empty()) r.fail(n.source(), path, "needs at least one stage");
  std::vector<Stage> out;
  for (size_t i = 0; i < arr.size(); ++i) {
    out.push_back(read_stage(r, arr[i], indexed(path, i), max_target));
  }
  return out;
}

std::string read_executor_type(const Reader& r, const toml::node& n, const std::string& owner) {
  std::string type = r.string(n, owner + ".type");
  if (type == "ramping-vus" || type == "constant-arrival-rate" || type == "ramping-arrival-rate") {
    return type;
  }
  r.fail(n.source(), owner + ".type",
         "unknown executor \"" + type +
             "\"; expected \"ramping-vus\", \"constant-arrival-rate\" or \"ramping-arrival-rate\"");
}

// pre_allocated_vus, max_vus, time_unit and arrivals of the arrival-rate executors.
// The writer's pool defaults (pre_allocated_vus 2, max_vus 8) suit a background write rate; the
// main executor must size its pool explicitly, as in k6.
void read_open_model(const Reader& r, const toml::table& t, ExecutorSpec& out,
                     const std::string& owner) {
  const bool writer = owner == "writer";
  if (!writer || t.get("pre_allocated_vus") != nullptr) {
    out.pre_allocated_vus = static_cast<int>(r.integer(r.required(t, "pre_allocated_vus", owner),
                                                       owner + ".pre_allocated_vus", 1, kMaxVus));
  } else {
    out.pre_allocated_vus = 2;
  }
  out.max_vus = writer ? std::max(out.pre_allocated_vus, 8) : out.pre_allocated_vus;
  if (auto* n = t.get("max_vus")) {
    out.max_vus =
        static_cast<int>(r.integer(*n, owner + ".max_vus", out.pre_allocated_vus, kMaxVus));
  }
  if (auto* n = t.get("time_unit")) out.time_unit = r.duration(*n, owner + ".time_unit", true);
  if (auto* n = t.get("arrivals")) {
    const std::string a = r.string(*n, owner + ".arrivals");
    if (a != "even" && a != "poisson") {
      r.fail(n->source(), owner + ".arrivals",
             "expected \"even\" or \"poisson\", got \"" + a + "\"");
    }
    out.arrivals = a == "poisson" ? Arrivals::kPoisson : Arrivals::kEven;
  }
}

void read_constant_arrival_rate(const Reader& r, const toml::table& t, ExecutorSpec& out) {
  r.check_keys(t, "executor",
               {"type", "warmup", "rate", "time_unit", "duration", "pre_allocated_vus", "max_vus",
                "arrivals", "graceful_stop"});
  read_open_model(r, t, out, "executor");
  const auto& rate = r.required(t, "rate", "executor");
  out.start_rate = static_cast<int>(r.integer(rate, "executor.rate", 1, kMaxRate));
  Stage s;
  s.duration = r.duration(r.required(t, "duration", "executor"), "executor.duration", true);
  s.target = out.start_rate;
  s.at = r.loc(rate.source());
  out.stages = {s};
}

void read_ramping_arrival_rate(const Reader& r, const toml::table& t, ExecutorSpec& out) {
  r.check_keys(t, "executor",
               {"type", "warmup", "start_rate", "time_unit", "stages", "pre_allocated_vus",
                "max_vus", "arrivals", "graceful_stop"});
  read_open_model(r, t, out, "executor");
  if (auto* n = t.get("start_rate")) {
    out.start_rate = static_cast<int>(r.integer(*n, "executor.start_rate", 0, kMaxRate));
  }
  out.stages = read_stages(r, r.required(t, "stages", "executor"), kMaxRate, "executor");
}

void read_executor(const Reader& r, const toml::table& t, ExecutorSpec& out) {
  // The type decides which keys are valid, so it is read before the keys are checked.
  if (auto* n = t.get("type")) out.type = read_executor_type(r, *n, "executor");
  if (auto* n = t.get("warmup")) out.warmup = r.duration(*n, "executor.warmup", false);
  if (auto* n = t.get("graceful_stop")) {
    out.graceful_stop = r.duration(*n, "executor.graceful_stop", false);
  }
  if (out.type == "constant-arrival-rate") return read_constant_arrival_rate(r, t, out);
  if (out.type == "ramping-arrival-rate") return read_ramping_arrival_rate(r, t, out);
  r.check_keys(t, "executor",
               {"type", "warmup", "start_vus", "stages", "graceful_ramp_down", "graceful_stop"});
  if (auto* n = t.get("start_vus")) {
    out.start_vus = static_cast<int>(r.integer(*n, "executor.start_vus", 0, kMaxVus));
  }
  out.stages = read_stages(r, r.required(t, "stages", "executor"), kMaxVus, "executor");
  if (auto* n = t.get("graceful_ramp_down")) {
    out.graceful_ramp_down = r.duration(*n, "executor.graceful_ramp_down", false);
  }
}

void read_refresher(const Reader& r, const toml::table& t, RefresherSpec& out) {
  r.check_keys(t, "refresher", {"strategy", "interval", "max_retries", "retry_backoff"});
  if (auto* n = t.get("strategy")) {
    const std::string v = r.string(*n, "refresher.strategy");
    if (v == "interval") {
      out.strategy = RefreshStrategy::kInterval;
    } else if (v == "continuous") {
      out.strategy = RefreshStrategy::kContinuous;
    } else if (v == "debounced") {
      out.strategy = RefreshStrategy::kDebounced;
    } else if (v == "trigger") {
      out.strategy = RefreshStrategy::kTrigger;
    } else {
      r.fail(n->source(), "refresher.strategy",
             "unknown strategy \"" + v + "\"; expected interval, continuous, debounced or trigger");
    }
  }
  if (auto* n = t.get("max_retries")) {
    out.max_retries = static_cast<int>(r.integer(*n, "refresher.max_retries", 0, 100));
  }
  if (auto* n = t.get("retry_backoff")) {
    out.retry_backoff = r.duration(*n, "refresher.retry_backoff", true);
  }
  out.enabled = true;
  if (auto* n = t.get("interval")) out.interval = r.duration(*n, "refresher.interval", true);
}

void read_staleness(const Reader& r, const toml::table& t, StalenessSpec& out) {
  r.check_keys(t, "staleness", {"interval", "poll"});
  out.enabled = true;
  if (auto* n = t.get("interval")) out.interval = r.duration(*n, "staleness.interval", true);
  if (auto* n = t.get("poll")) out.poll = r.duration(*n, "staleness.poll", true);
}

// `rate` = writes per second, fractional allowed: a fraction is expressed exactly as writes
// per 1000 s, since arrival rates are whole iterations per time_unit.
void read_writer_rate(const Reader& r, const toml::node& n, ExecutorSpec& out) {
  const double rate = r.number(n, "writer.rate");
  if (!std::isfinite(rate) || rate < 0 || rate > static_cast<double>(kMaxRate)) {
    r.fail(n.source(), "writer.rate", "must be a finite number >= 0 (writes per second)");
  }
  if (rate == std::floor(rate)) {
    out.start_rate = static_cast<int>(rate);
  } else {
    out.start_rate = static_cast<int>(std::llround(rate * 1000));
    out.time_unit = 1000 * kNanosPerSecond;
  }
}

// [writer]: the write mix as an arrival-rate executor of its own. `rate` alone is a constant
// rate for the whole measured run; `type = "ramping-arrival-rate"` takes start_rate and stages.
void read_writer(const Reader& r, const toml::table& t, const std::set<std::string>& known_writes,
                 WriterSpec& out) {
  r.check_keys(t, "writer",
               {"type", "rate", "duration", "start_rate", "stages", "time_unit",
                "pre_allocated_vus", "max_vus", "arrivals", "graceful_stop", "mix"});
  ExecutorSpec& e = out.executor;
  e.type = "constant-arrival-rate";
  if (auto* n = t.get("type")) e.type = read_executor_type(r, *n, "writer");
  if (e.type == "ramping-vus") {
    r.fail(t.get("type")->source(), "writer.type",
           "the write mix runs at an arrival rate: use constant-arrival-rate or "
           "ramping-arrival-rate");
  }
  read_open_model(r, t, e, "writer");
  if (auto* n = t.get("graceful_stop"))
    e.graceful_stop = r.duration(*n, "writer.graceful_stop", false);
  if (e.type == "constant-arrival-rate") {
    for (const char* k : {"start_rate", "stages"}) {
      if (auto* n = t.get(k)) {
        r.fail(n->source(), std::string("writer.") + k,
               "only for type = \"ramping-arrival-rate\"; a constant writer takes rate");
      }
    }
    read_writer_rate(r, r.required(t, "rate", "writer"), e);
    Stage s;
    if (auto* n = t.get("duration")) s.duration = r.duration(*n, "writer.duration", true);
    s.target = e.start_rate;
    s.at = r.loc(t.source());
    e.stages = {s};
  } else {
    for (const char* k : {"rate", "duration"}) {
      if (auto* n = t.get(k)) {
        r.fail(n->source(), std::string("writer.") + k,
               "only for type = \"constant-arrival-rate\"; a ramping writer takes stages");
      }
    }
    if (auto* n = t.get("start_rate")) {
      e.start_rate = static_cast<int>(r.integer(*n, "writer.start_rate", 0, kMaxRate));
    }
    e.stages = read_stages(r, r.required(t, "stages", "writer"), kMaxRate, "writer");
  }
  if (auto* n = t.get("mix")) {
    const toml::table& mix = r.table(*n, "writer.mix");
    if (mix.empty()) r.fail(mix.source(), "writer.mix", "needs at least one write = weight entry");
    for (const auto& [key, node] : in_file_order(mix)) {
      const std::string name(key->str());
      const std::string field = join("writer.mix", name);
      if (!known_writes.empty() && known_writes.count(name) == 0) {
        r.fail(key->source(), field,
               "unknown write \"" + name + "\"; known writes (sql/options/<option>/writes/): " +
                   list_names({known_writes.begin(), known_writes.end()}));
      }
      out.mix.push_back(
          {name, static_cast<int>(r.integer(*node, field, 0, kMaxWeight)), r.loc(key->source())});
    }
  } else {
    out.mix.push_back({"update_price_stock", 1, r.loc(t.source())});
  }
  bool any_weight = false;
  for (const auto& m : out.mix) any_weight = any_weight || m.weight > 0;
  out.enabled = any_weight && (e.type == "ramping-arrival-rate" || e.start_rate > 0);
}

void read_http(const Reader& r, const toml::table& t, HttpSpec& out) {
  r.check_keys(t, "http", {"base_url", "catalog_api", "mv_rollout_percent", "api_pool", "timeout"});
  if (auto* n = t.get("base_url")) {
    out.base_url = r.string(*n, "http.base_url");
    // The event-driven HTTP driver speaks plain HTTP/1.1 (a load test of TLS termination is
    // not what loadgate is for); anything else is caught here, with the file's line.
    static const std::regex kHttpUrl(R"(^http://[^/?#\s]+(/[^?#\s]*)?$)");
    if (!std::regex_match(out.base_url, kHttpUrl)) {
      r.fail(n->source(), "http.base_url",
             "expected an http://host[:port][/prefix] URL (https is not supported), got \"" +
                 out.base_url + "\"");
    }
  }
  if (auto* n = t.get("catalog_api")) {
    if (!n->is_boolean()) r.wrong_type(*n, "http.catalog_api", "a boolean");
    out.catalog_api = n->as_boolean()->get();
  }
  if (out.catalog_api == !out.base_url.empty()) {
    r.fail(t.source(), "http",
           "set exactly one of base_url = \"http://...\" or catalog_api = true");
  }
  if (auto* n = t.get("mv_rollout_percent")) {
    out.mv_rollout_percent = static_cast<int>(r.integer(*n, "http.mv_rollout_percent", 0, 100));
  }
  if (auto* n = t.get("api_pool")) {
    out.api_pool = static_cast<int>(r.integer(*n, "http.api_pool", 1, 1000));
  }
  if (auto* n = t.get("timeout")) out.timeout = r.duration(*n, "http.timeout", true);
}

void read_invariants(const Reader& r, const toml::table& t, InvariantsSpec& out) {
  r.check_keys(t, "invariants",
               {"refresh_failures", "staleness_unseen", "connection_loss", "target_exit",
                "activities", "unreachable_after"});
  for (auto [key, flag] :
       {std::pair{"refresh_failures", &out.refresh_failures},
        std::pair{"staleness_unseen", &out.staleness_unseen},
        std::pair{"connection_loss", &out.connection_loss},
        std::pair{"target_exit", &out.target_exit}, std::pair{"activities", &out.activities}}) {
    if (auto* n = t.get(key)) {
      if (!n->is_boolean()) r.wrong_type(*n, join("invariants", key), "a boolean");
      *flag = n->as_boolean()->get();
    }
  }
  if (auto* n = t.get("unreachable_after")) {
    out.unreachable_after = r.duration(*n, "invariants.unreachable_after", false);
  }
}

void read_engine(const Reader& r, const toml::table& t, EngineSpec& out) {
  r.check_keys(t, "engine", {"threads"});
  if (auto* n = t.get("threads")) {
    out.threads = static_cast<int>(r.integer(*n, "engine.threads", 1, kMaxEngineThreads));
  }
}

void read_faults(const Reader& r, const toml::node& n, std::vector<FaultSpec>& out) {
  if (!n.is_array()) r.wrong_type(n, "faults", "an array of [[faults]] tables");
  const auto& arr = *n.as_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string path = indexed("faults", i);
    const toml::table& t = r.table(arr[i], path);
    r.check_keys(t, path, {"action", "at", "duration"});
    FaultSpec f;
    const auto& action = r.required(t, "action", path);
    f.action = r.string(action, path + ".action");
    if (f.action != "view_unavailable") {
      r.fail(action.source(), path + ".action",
             "unknown fault \"" + f.action + "\"; expected \"view_unavailable\"");
    }
    f.at = r.duration(r.required(t, "at", path), path + ".at", false);
    f.duration = r.duration(r.required(t, "duration", path), path + ".duration", true);
    f.loc = r.loc(arr[i].source());
    out.push_back(std::move(f));
  }
}

// Rules that span sections: what HTTP, rollout steps and faults need from the rest.
void check_cross_rules(const Reader& r, const toml::table& root, const KnownOptions& known,
                       const Scenario& s) {
  if (s.http_workload() && root.get("http") == nullptr) {
    r.fail(root["workload"].node()->source(), "workload.requests",
           "an HTTP workload needs an [http] section with base_url or catalog_api = true");
  }
  if (!s.http_workload() && root.get("http") != nullptr) {
    r.fail(root["http"].node()->source(), "http",
           "[http] needs an HTTP workload: [workload.requests.<name>] tables");
  }
  for (size_t i = 0; i < s.executor.stages.size(); ++i) {
    const auto& st = s.executor.stages[i];
    if (st.mv_rollout_percent >= 0 && !s.http_workload()) {
      throw InputError(st.at, indexed("executor.stages", i) + ".mv_rollout_percent",
                       "a rollout step needs an HTTP workload against catalog-api");
    }
  }
  // Roles, never names: the refresher, the staleness probe and the faults act on the selected
  // options that have a view; each refresh strategy beyond interval and continuous needs its
  // objects in every one of them.
  std::vector<const option::SchemaOption*> views;
  for (const auto& name : s.database.options) {
    const option::SchemaOption* o = option::find(known.options, name);
    if (o != nullptr && o->view) views.push_back(o);
  }
  const bool debounced = s.refresher.strategy == RefreshStrategy::kDebounced;
  const bool trigger = s.refresher.strategy == RefreshStrategy::kTrigger;
  if (s.refresher.enabled && (debounced || trigger)) {
    for (const option::SchemaOption* o : views) {
      if (debounced ? o->debounced.has_value() : o->live.has_value()) continue;
      r.fail(root["refresher"]["strategy"].node()->source(), "refresher.strategy",
             std::string("\"") + strategy_name(s.refresher.strategy) + "\" needs [strategies." +
                 (debounced ? "debounced" : "trigger") + "] in " + o->manifest.string() +
                 ", which option " + o->name + " (it has a view) lacks");
    }
  }
  // Over HTTP the API decides what it reads: catalog-api (and an API like it) reads the
  // option's materialized view, which the trigger strategy never refreshes, while the harness
  // would record those reads as current (mv_age 0). Until an API can be told to read the live
  // table, the combination would report stale reads as fresh: refused.
  if (s.http_workload() && s.refresher.enabled && trigger) {
    for (const option::SchemaOption* o : views) {
      if (!o->live) continue;
      r.fail(root["refresher"]["strategy"].node()->source(), "refresher.strategy",
             "\"trigger\" keeps a live table current, but an HTTP workload reads option " +
                 o->name +
                 "'s view through the API, which this strategy never refreshes; use interval, "
                 "continuous or debounced with [workload.requests]");
    }
  }
  if (!s.faults.empty() && views.empty()) {
    throw InputError(s.faults.front().loc, "faults[0].action",
                     "view_unavailable needs an option with a view ([view] in its option.toml) "
                     "in database.options; none of " +
                         list_names(s.database.options) + " has one");
  }
}

// parse_threshold words its own error; re-issue it under our dotted field so every scenario
// error names the key path the same way.
gate::Threshold threshold_at(const Reader& r, std::string_view selector, const toml::node& n,
                             const std::string& field);

// k6's object form: { threshold = "p(95)<200", abort_on_fail = true, delay_abort_eval = "10s" }.
gate::Threshold threshold_object_at(const Reader& r, std::string_view selector,
                                    const toml::table& t, const std::string& field) {
  r.check_keys(t, field, {"threshold", "abort_on_fail", "delay_abort_eval"});
  gate::Threshold th =
      threshold_at(r, selector, r.required(t, "threshold", field), field + ".threshold");
  if (auto* n = t.get("abort_on_fail")) {
    if (!n->is_boolean()) r.wrong_type(*n, field + ".abort_on_fail", "a boolean");
    th.abort_on_fail = n->as_boolean()->get();
  }
  if (auto* n = t.get("delay_abort_eval")) {
    th.delay_abort_eval = r.duration(*n, field + ".delay_abort_eval", false);
  }
  return th;
}

gate::Threshold threshold_at(const Reader& r, std::string_view selector, const toml::node& n,
                             const std::string& field) {
  if (n.is_table()) return threshold_object_at(r, selector, *n.as_table(), field);
  std::string expr = r.string(n, field);
  SourceLoc at = r.loc(n.source());
  try {
    return gate::parse_threshold(selector, expr, at);
  } catch (const InputError& e) {
    std::string prefix = InputError(e.at(), e.field(), "").what();
    std::string_view what = e.what();
    if (what.substr(0, prefix.size()) == prefix) what.remove_prefix(prefix.size());
    throw InputError(e.at().file.empty() ? at : e.at(), field, std::string(what));
  }
}

void read_thresholds(const Reader& r, const toml::table& t, std::vector<gate::Threshold>& out) {
  for (const auto& [key, node] : in_file_order(t)) {
    std::string field = join("thresholds", key->str());
    if (node->is_string()) {
      out.push_back(threshold_at(r, key->str(), *node, field));
      continue;
    }
    if (!node->is_array()) {
      r.wrong_type(*node, field, "an array of expression strings or { threshold, ... } tables");
    }
    const auto& arr = *node->as_array();
    if (arr.empty()) r.fail(node->source(), field, "needs at least one expression");
    for (size_t i = 0; i < arr.size(); ++i) {
      out.push_back(threshold_at(r, key->str(), arr[i], indexed(field, i)));
    }
  }
}

void read_root(const Reader& r, const toml::table& root, const KnownOptions& known, Scenario& s) {
  r.check_keys(
      root, "",
      {"name", "description", "trials", "dataset", "database", "workload", "http", "engine",
       "executor", "refresher", "staleness", "writer", "faults", "invariants", "thresholds"});
  s.name = r.string(r.required(root, "name", ""), "name");
  if (s.name.empty()) r.fail(root["name"].node()->source(), "name", "must not be empty");
  if (auto* n = root.get("description")) s.description = r.string(*n, "description");
  if (auto* n = root.get("trials")) {
    s.trials = static_cast<int>(r.integer(*n, "trials", 1, kMaxTrials));
  }
  section(r, root, "dataset", [&](const toml::table& t) { read_dataset(r, t, s.dataset); });
  section(r, root, "database",
          [&](const toml::table& t) { read_database(r, t, known, s.database); });
  for (const auto& name : s.database.options) {
    // Only the default can be missing here: a named option was checked as it was read.
    if (option::find(known.options, name) == nullptr) {
      r.fail(root.source(), "database.options",
             "names no options, and the default " + list_names(s.database.options) +
                 " needs option \"" + name + "\"; options that exist (sql/options/<name>/): " +
                 option::list_names(known.options));
    }
  }
  // A scenario may name what every option it runs has; an option may have more of its own.
  const std::set<std::string> queries = common_to(known.queries, s.database.options);
  const std::set<std::string> writes = common_to(known.writes, s.database.options);
  read_workload(r, r.table(r.required(root, "workload", ""), "workload"), queries, s);
  section(r, root, "http", [&](const toml::table& t) { read_http(r, t, s.http); });
  section(r, root, "engine", [&](const toml::table& t) { read_engine(r, t, s.engine); });
  read_executor(r, r.table(r.required(root, "executor", ""), "executor"), s.executor);
  section(r, root, "refresher", [&](const toml::table& t) { read_refresher(r, t, s.refresher); });
  section(r, root, "staleness", [&](const toml::table& t) { read_staleness(r, t, s.staleness); });
  section(r, root, "writer", [&](const toml::table& t) { read_writer(r, t, writes, s.writer); });
  section(r, root, "invariants",
          [&](const toml::table& t) { read_invariants(r, t, s.invariants); });
  section(r, root, "thresholds",
          [&](const toml::table& t) { read_thresholds(r, t, s.thresholds); });
  if (const toml::node* n = root.get("faults")) read_faults(r, *n, s.faults);
  // A constant writer without a duration writes for as long as the reads are measured.
  auto& writer_stages = s.writer.executor.stages;
  if (writer_stages.size() == 1 && writer_stages[0].duration == 0) {
    writer_stages[0].duration = s.executor.total_duration();
  }
  check_cross_rules(r, root, known, s);
}

}  // namespace

const char* strategy_name(RefreshStrategy s) noexcept {
  switch (s) {
    case RefreshStrategy::kInterval:
      return "interval";
    case RefreshStrategy::kContinuous:
      return "continuous";
    case RefreshStrategy::kDebounced:
      return "debounced";
    case RefreshStrategy::kTrigger:
      return "trigger";
  }
  return "interval";
}

Scenario parse_scenario(std::string_view text, const std::filesystem::path& file,
                        const KnownOptions& known) {
  Scenario s;
  s.file = file;
  s.source_text = std::string(text);
  Reader reader(file.string());
  toml::table root = parse_toml(text, reader.file());
  read_root(reader, root, known, s);
  return s;
}

std::vector<std::filesystem::path> scenario_option_dirs(const std::filesystem::path& file) {
  const std::string text = read_input_file(file, "scenario");
  Reader reader(file.string());
  const toml::table root = parse_toml(text, reader.file());
  const toml::node* db = root.get("database");
  if (db == nullptr || !db->is_table()) return {};
  return read_options_dirs(reader, *db->as_table(), true);
}

Scenario load_scenario(const std::filesystem::path& file, const KnownOptions& known) {
  return parse_scenario(read_input_file(file, "scenario"), file, known);
}

}  // namespace lg::scenario
