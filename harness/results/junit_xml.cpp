// junit.xml: each threshold as a test case, so any CI shows the gate natively. The shape follows
// the common JUnit XML schema (Ant's XMLJUnitResultFormatter output, as described by the
// windyroad JUnit.xsd): one <testsuite> with name, timestamp (no zone), hostname, tests,
// failures, errors, time; <properties>; a <testcase name classname time> per threshold with a
// <failure message type> when crossed; then <system-out> (every observed value) and
// <system-err>.

#include <unistd.h>

#include <cstdio>
#include <sstream>

#include "harness/core/files.hpp"
#include "harness/core/markup.hpp"
#include "harness/results/report.hpp"

namespace lg::results {
namespace {

std::string hostname() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

// "2026-11-22T02:27:24Z" -> "2026-11-22T02:27:24": the schema's timestamp has no zone.
std::string schema_timestamp(std::string iso) {
  if (!iso.empty() && iso.back() == 'Z') iso.pop_back();
  return iso.empty() ? "1970-01-01T00:00:00" : iso;
}

std::string observed_text(const gate::ThresholdResult& t) {
  if (!t.observed) return "no value (" + t.detail + ")";
  std::ostringstream s;
  s << *t.observed;
  return s.str();
}

void write_case(std::ostream& out, const std::string& suite, const gate::ThresholdResult& t) {
  const std::string name = t.threshold.selector + " " + t.threshold.source;
  out << "  <testcase name=\"" << markup_escape(name) << "\" classname=\"loadgate.thresholds."
      << markup_escape(suite) << "\" time=\"0\">\n";
  if (!t.passed) {
    const std::string message =
        "observed " + observed_text(t) + ", threshold " + t.threshold.source;
    out << "    <failure message=\"" << markup_escape(message) << "\" type=\"threshold\">"
        << markup_escape(message + " over " + std::to_string(t.samples) + " samples")
        << "</failure>\n";
  }
  out << "  </testcase>\n";
}

// An invariant is a test case of its own class, "loadgate.invariants.<suite>".
void write_invariant_case(std::ostream& out, const std::string& suite,
                          const gate::InvariantResult& i) {
  out << "  <testcase name=\"" << markup_escape(i.name) << "\" classname=\"loadgate.invariants."
      << markup_escape(suite) << "\" time=\"0\">\n";
  if (!i.passed) {
    out << "    <failure message=\"" << markup_escape(i.detail) << "\" type=\"invariant\">"
        << markup_escape(i.detail) << "</failure>\n";
  }
  out << "  </testcase>\n";
}

}  // namespace

void write_junit_xml(const RunReport& r, const std::filesystem::path& file) {
  std::ostringstream out;
  const std::string suite = r.scenario ? r.scenario->name : r.run_id;
  int failures = 0;
  for (const auto& t : r.thresholds) failures += t.passed ? 0 : 1;
  for (const auto& i : r.invariants) failures += i.passed ? 0 : 1;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuite name=\"" << markup_escape(suite.empty() ? "loadgate" : suite)
      << "\" timestamp=\"" << schema_timestamp(r.started_at) << "\" hostname=\""
      << markup_escape(hostname()) << "\" tests=\"" << r.thresholds.size() + r.invariants.size()
      << "\" failures=\"" << failures << "\" errors=\"" << (r.complete ? 0 : 1)
      << "\" time=\"0\">\n";
  out << "  <properties>\n"
      << "    <property name=\"run\" value=\"" << markup_escape(r.run_id) << "\"/>\n"
      << "    <property name=\"complete\" value=\"" << (r.complete ? "true" : "false") << "\"/>\n"
      << "    <property name=\"verdict\" value=\"" << r.verdict() << "\"/>\n"
      << "  </properties>\n";
  for (const auto& t : r.thresholds) write_case(out, suite, t);
  for (const auto& i : r.invariants) write_invariant_case(out, suite, i);
  // Test case names stay stable across runs (CI tracks history by name); the values go here.
  std::string values = "results: " + r.dir.string() + "\n";
  for (const auto& t : r.thresholds) {
    values += (t.passed ? "pass " : "FAIL ") + t.threshold.selector + " " + t.threshold.source +
              ": observed " + observed_text(t) + " over " + std::to_string(t.samples) +
              " samples\n";
  }
  out << "  <system-out>" << markup_escape(values) << "</system-out>\n";
  out << "  <system-err>" << markup_escape(r.complete ? "" : "incomplete: " + r.incomplete_reason)
      << "</system-err>\n";
  out << "</testsuite>\n";
  write_file_atomic(file, out.str());
}

}  // namespace lg::results
