#include "harness/report/report_cmd.hpp"

#include "harness/core/errors.hpp"

namespace lg::report {

int execute_report(const ReportOptions&) { throw InputError("report", "not built yet"); }

}  // namespace lg::report
