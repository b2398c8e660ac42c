// The repository explains itself: no comment or document points at design notes that a user's
// clone does not have (docs/architecture.md holds the map, the vocabulary and the sources).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

TEST(Docs, NothingPointsOutsideTheRepository) {
  const fs::path root = LOADGATE_SOURCE_DIR;
  const std::vector<std::string> outside = {"../shared", "DESIGN.md", "REFERENCE.md", "STYLE.md",
                                            "STYLE rule"};
  std::vector<fs::path> files = {root / "README.md"};
  for (const char* dir :
       {"harness", "catalog_api", "datagen", "docs", "bench", "ci", "scenarios", "sql", "tests"}) {
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      if (e.is_regular_file()) files.push_back(e.path());
    }
  }
  int checked = 0;
  for (const auto& f : files) {
    if (f.filename() == "docs_test.cpp") continue;  // this file names what it looks for
    const std::string ext = f.extension().string();
    if (ext != ".cpp" && ext != ".hpp" && ext != ".md" && ext != ".sh" && ext != ".toml" &&
        ext != ".sql" && ext != ".yml") {
      continue;
    }
    std::ifstream in(f);
    std::stringstream text;
    text << in.rdbuf();
    ++checked;
    for (const auto& word : outside) {
      EXPECT_EQ(text.str().find(word), std::string::npos)
          << fs::relative(f, root).string() << " mentions " << word
          << ": point at docs/architecture.md or the primary source instead";
    }
  }
  EXPECT_GT(checked, 100);  // the walk found the repository
  EXPECT_TRUE(fs::exists(root / "docs" / "architecture.md"));
}

}  // namespace
