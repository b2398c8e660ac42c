#include "harness/compare/compare_cmd.hpp"

#include "harness/core/errors.hpp"

namespace lg::compare {

int execute_compare(const CompareOptions&) { throw InputError("compare", "not built yet"); }

}  // namespace lg::compare
