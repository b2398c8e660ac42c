#pragma once
// The outcome of one built-in invariant (scenario `[invariants]`): a health check of the run
// itself (refreshes, staleness markers, connections, the system under test) that fails the
// verdict like a threshold, so that a broken run never passes.

#include <string>

namespace lg::gate {

/// One invariant as judged at the end of a run.
struct InvariantResult {
  std::string name;    ///< the scenario key: refresh_failures, staleness_unseen, …
  bool passed = true;  ///< false makes the verdict fail (exit 99)
  std::string detail;  ///< what was seen, e.g. "option C: 11 of 14 refreshes failed for good"
};

}  // namespace lg::gate
