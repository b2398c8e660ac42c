// Command-line parsing: flags land in the option structs; bad flags are input errors (exit 2).

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

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
  EXPECT_EQ(d.options, (std::vector<std::string>{"A", "C"}));
  EXPECT_TRUE(d.emit_copy.empty());
  EXPECT_EQ(std::get<DatagenOptions>(parse_args({"datagen", "--emit-copy", "B"})).emit_copy, "B");
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
  const auto available = run::load_options(run::default_sql_dir());
  EXPECT_THROW(parse_option_list("A,NoSuchOption", "--options", available), InputError);
  EXPECT_THROW(parse_option_list("A,A", "--options", available), InputError);
  EXPECT_THROW(parse_option_list("", "--options", available), InputError);
}

// A sql folder in a temporary directory holding the shipped option A and a copy of it named
// `other` (schema loadgate_<lowercase other>): an option that is neither A, B nor C.
class SqlDirWithOtherOption : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "lg-cli-XXXXXX").string();
    sql_ = std::filesystem::path(mkdtemp(tmpl.data()));
    const auto shipped = run::default_sql_dir() / "options" / "A";
    const auto copy = std::filesystem::copy_options::recursive;
    std::filesystem::create_directories(sql_ / "options");
    std::filesystem::copy(shipped, sql_ / "options" / "A", copy);
    std::filesystem::copy(shipped, sql_ / "options" / "Shop", copy);
    std::ifstream in(sql_ / "options" / "Shop" / "option.toml");
    std::stringstream text;
    text << in.rdbuf();
    std::ofstream(sql_ / "options" / "Shop" / "option.toml")
        << std::regex_replace(text.str(), std::regex("loadgate_a"), "loadgate_shop");
  }
  void TearDown() override { std::filesystem::remove_all(sql_); }
  std::filesystem::path sql_;
};

TEST_F(SqlDirWithOtherOption, AnyOptionFolderIsAnOptionName) {
  const auto cmd = parse_args(
      {"datagen", "--sql-dir", sql_.string(), "--options", "Shop,A", "--emit-copy", "Shop"});
  const auto& d = std::get<DatagenOptions>(cmd);
  EXPECT_EQ(d.options, (std::vector<std::string>{"Shop", "A"}));
  EXPECT_EQ(d.emit_copy, "Shop");
  const auto verify = parse_args({"verify", "--sql-dir", sql_.string(), "--options", "A,Shop"});
  const auto& v = std::get<VerifyOptions>(verify);
  EXPECT_EQ(v.options, (std::vector<std::string>{"A", "Shop"}));
}

TEST_F(SqlDirWithOtherOption, AnUnknownOptionIsOneLineNamingTheFlagAndTheOptionsThatExist) {
  // B exists in the source tree but not in this sql folder: what exists is what the folder has.
  for (const char* flag : {"--options", "--emit-copy"}) {
    try {
      parse_args({"datagen", "--sql-dir", sql_.string(), flag, "B"});
      FAIL() << flag << " B must be refused";
    } catch (const InputError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
      EXPECT_NE(what.find(flag), std::string::npos) << what;
      EXPECT_NE(what.find("unknown option \"B\""), std::string::npos) << what;
      EXPECT_NE(what.find("A, Shop"), std::string::npos) << what;
    }
  }
}

// A user keeps options outside the repository: --options-dir names a folder of options, or
// one option's folder, and its options are as good as the sql folder's.
TEST_F(SqlDirWithOtherOption, OptionsDirAddsOptionsFromOutsideTheSqlFolder) {
  const auto mine = sql_ / "elsewhere";
  std::filesystem::create_directories(mine);
  std::filesystem::rename(sql_ / "options" / "Shop", mine / "Shop");
  // Without the folder, Shop is unknown; with it (a folder of options), it is an option.
  EXPECT_THROW(parse_args({"verify", "--sql-dir", sql_.string(), "--options", "A,Shop"}),
               InputError);
  const auto v =
      std::get<VerifyOptions>(parse_args({"verify", "--sql-dir", sql_.string(), "--options-dir",
                                          mine.string(), "--options", "A,Shop"}));
  EXPECT_EQ(v.options, (std::vector<std::string>{"A", "Shop"}));
  EXPECT_EQ(v.options_dirs, (std::vector<std::filesystem::path>{mine}));
  // One option's own folder will do as well, for datagen and run alike.
  const auto d = std::get<DatagenOptions>(
      parse_args({"datagen", "--sql-dir", sql_.string(), "--options-dir", (mine / "Shop").string(),
                  "--options", "Shop", "--emit-copy", "Shop"}));
  EXPECT_EQ(d.emit_copy, "Shop");
  const auto r = std::get<run::RunOptions>(
      parse_args({"run", "s.toml", "--options-dir", mine.string(), "--options-dir", "x"}));
  EXPECT_EQ(r.options_dirs, (std::vector<std::filesystem::path>{mine, "x"}));
  // The same name in two folders is refused, naming both.
  std::filesystem::copy(mine / "Shop", sql_ / "options" / "Shop",
                        std::filesystem::copy_options::recursive);
  try {
    parse_args({"verify", "--sql-dir", sql_.string(), "--options-dir", mine.string()});
    FAIL() << "Shop defined twice must be refused";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("defined twice"), std::string::npos) << e.what();
  }
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
