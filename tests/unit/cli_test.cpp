// Command-line parsing: flags land in the option structs; bad flags are input errors (exit 2).

#include <gtest/gtest.h>

#include "harness/cli/options.hpp"
#include "harness/core/duration.hpp"
#include "harness/core/errors.hpp"

namespace lg::cli {
namespace {

Command parse_args(std::vector<std::string> args) {
  args.insert(args.begin(), "loadgate");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return parse(static_cast<int>(argv.size()), argv.data());
}

TEST(Cli, RunTakesScenarioAndTargetFlags) {
  auto cmd =
      parse_args({"run", "s.toml", "--dsn", "host=/tmp", "--keep-db", "--results-dir", "out"});
  const auto& run = std::get<run::RunOptions>(cmd);
  EXPECT_EQ(run.scenario_file, "s.toml");
  EXPECT_EQ(run.target.dsn, "host=/tmp");
  EXPECT_TRUE(run.target.keep_db);
  EXPECT_FALSE(run.target.mark_db);
  EXPECT_EQ(run.results_dir, "out");
  EXPECT_EQ(run.trials, 0);  // the scenario's
  EXPECT_EQ(std::get<run::RunOptions>(parse_args({"run", "s.toml", "--trials", "7"})).trials, 7);
  EXPECT_THROW(parse_args({"run", "s.toml", "--trials", "0"}), InputError);
  EXPECT_THROW(parse_args({"run", "s.toml", "--trials", "101"}), InputError);
}

TEST(Cli, DatagenParsesOptionsAndProducts) {
  auto cmd = parse_args({"datagen", "--products", "5000", "--seed", "7", "--options", "A,C"});
  const auto& d = std::get<DatagenOptions>(cmd);
  EXPECT_EQ(d.products, 5000);
  EXPECT_EQ(d.seed, 7u);
  EXPECT_EQ(d.options, (std::vector<char>{'A', 'C'}));
}

TEST(Cli, BadInputIsAnInputErrorNamingTheFlag) {
  EXPECT_THROW(parse_args({}), InputError);
  EXPECT_THROW(parse_args({"frobnicate"}), InputError);
  EXPECT_THROW(parse_args({"run"}), InputError);
  EXPECT_THROW(parse_args({"run", "s.toml", "--no-such-flag"}), InputError);
  try {
    parse_args({"datagen", "--products", "50"});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--products"), std::string::npos);
  }
  EXPECT_THROW(parse_args({"verify", "--options", "A"}), InputError);
  EXPECT_THROW(parse_option_list("A,D", "--options"), InputError);
  EXPECT_THROW(parse_option_list("A,A", "--options"), InputError);
}

TEST(Duration, ParsesUnitsAndRejectsJunk) {
  EXPECT_EQ(parse_duration("500ms"), 500 * kNanosPerMilli);
  EXPECT_EQ(parse_duration("1.5s"), 1'500 * kNanosPerMilli);
  EXPECT_EQ(parse_duration("2m"), 120 * kNanosPerSecond);
  EXPECT_EQ(parse_duration("250us"), 250 * kNanosPerMicro);
  EXPECT_FALSE(parse_duration("-5s"));
  EXPECT_FALSE(parse_duration("5"));
  EXPECT_FALSE(parse_duration("5 parsecs"));
  EXPECT_EQ(format_duration(30 * kNanosPerSecond), "30s");
  EXPECT_EQ(format_duration(1'500 * kNanosPerMicro), "1500us");
}

}  // namespace
}  // namespace lg::cli
