#pragma once
// What loadgate was built from, as environment.loadgate in summary.json records it.

namespace lg {

/// The git commit loadgate was built from (12 hex digits), or "unknown" outside a git checkout.
/// Written at every build by cmake/git_commit.cmake, so it names the commit actually built even
/// when CMake was last configured at an older one.
extern const char* const kGitCommit;

}  // namespace lg
