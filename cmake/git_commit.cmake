# Writes OUT, a C++ file defining lg::kGitCommit (harness/core/version.hpp), from the checkout at
# SRC. Run at every build (not at configure time, which goes stale after a commit); OUT is only
# rewritten when the commit changed, so an unchanged commit recompiles nothing and a new one
# recompiles this one file, never the whole library.
execute_process(COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY "${SRC}" OUTPUT_VARIABLE commit
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT commit)
  set(commit "unknown")
endif()
set(text "// Generated at build time by cmake/git_commit.cmake: do not edit.\n#include \"harness/core/version.hpp\"\n\nconst char* const lg::kGitCommit = \"${commit}\";\n")
set(old "")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
