// junit.xml: each threshold a test case (value, limit, verdict), valid against the common JUnit
// XML schema (tests/data/junit.xsd, checked with xmllint), so any CI shows the gate natively.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/results/report.hpp"

namespace lg::results {
namespace {

namespace fs = std::filesystem;

gate::ThresholdResult result(const std::string& selector, const std::string& expr, double value,
                             bool passed) {
  gate::ThresholdResult r;
  r.threshold = gate::parse_threshold(selector, expr, SourceLoc{"s.toml", 3, 1});
  r.observed = value;
  r.passed = passed;
  r.samples = 1200;
  return r;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// xmllint's exit code: 0 when the document is valid against the schema.
int validate(const fs::path& xml) {
  const std::string cmd = "xmllint --noout --schema '" LOADGATE_SOURCE_DIR
                          "/tests/data/junit.xsd' '" +
                          xml.string() + "' 2>/dev/null";
  return std::system(cmd.c_str());
}

class JunitXml : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lg-junit-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    report_.run_id = "20261122T010203Z-smoke";
    report_.started_at = "2026-11-22T01:02:03Z";
    report_.dir = dir_;
    report_.thresholds = {
        result("sql_duration{query:sku_lookup}", "p(95)<50", 12.5, true),
        result("http_req_duration{stage:steady}", "p(99)<5", 7.25, false),
        result("sql_duration{query:\"<&>\"}", "max<1", 0.5, true),
    };
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  RunReport report_;
};

TEST_F(JunitXml, EveryThresholdIsATestCaseAndTheFileIsSchemaValid) {
  const auto file = dir_ / "junit.xml";
  write_junit_xml(report_, file);
  const std::string xml = read(file);
  EXPECT_NE(xml.find("tests=\"3\" failures=\"1\" errors=\"0\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("timestamp=\"2026-11-22T01:02:03\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testcase name=\"http_req_duration{stage:steady} p(99)&lt;5\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<failure message=\"observed 7.25, threshold p(99)&lt;5\""), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("pass sql_duration{query:sku_lookup} p(95)&lt;50: observed 12.5"),
            std::string::npos)
      << xml;
  EXPECT_EQ(validate(file), 0) << xml;
}

TEST_F(JunitXml, AnIncompleteRunIsAnErrorAndStillValid) {
  report_.complete = false;
  report_.incomplete_reason = "interrupted";
  const auto file = dir_ / "junit.xml";
  write_junit_xml(report_, file);
  EXPECT_NE(read(file).find("errors=\"1\""), std::string::npos);
  EXPECT_EQ(validate(file), 0);
}

// The schema check itself can fail: a suite without its hostname is rejected.
TEST_F(JunitXml, TheSchemaRejectsASuiteWithoutHostname) {
  const auto file = dir_ / "junit.xml";
  write_junit_xml(report_, file);
  std::string xml = read(file);
  const auto at = xml.find(" hostname=\"");
  xml.erase(at, xml.find('"', at + 11) + 1 - at);
  std::ofstream(file) << xml;
  EXPECT_NE(validate(file), 0) << xml;
}

}  // namespace
}  // namespace lg::results
