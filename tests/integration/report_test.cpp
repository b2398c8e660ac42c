// `loadgate report` on a real run (A and C, a refresher), opened in headless Chromium: the page
// must load with every figure present and drawn, and the PNGs beside it must not be blank.

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "tests/integration/pg_fixture.hpp"

extern char** environ;

namespace lg::test {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs argv without a shell; stdout into *out, stderr discarded. Returns the exit status.
int run_capture(const std::vector<std::string>& args, std::string* out) {
  int fds[2];
  if (::pipe(fds) != 0) return -1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  char buf[65536];
  for (ssize_t n; rc == 0 && (n = ::read(fds[0], buf, sizeof buf)) > 0;) out->append(buf, n);
  ::close(fds[0]);
  if (rc != 0) return -1;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::uint32_t be32(const std::string& s, std::size_t at) {
  return (std::uint32_t(std::uint8_t(s[at])) << 24) |
         (std::uint32_t(std::uint8_t(s[at + 1])) << 16) |
         (std::uint32_t(std::uint8_t(s[at + 2])) << 8) | std::uint32_t(std::uint8_t(s[at + 3]));
}

int paeth(int a, int b, int c) {
  const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return pa <= pb && pa <= pc ? a : (pb <= pc ? b : c);
}

// Distinct pixel colours of an 8-bit RGB or RGBA, non-interlaced PNG (what gnuplot's pngcairo
// and Chromium write), decoded with zlib: a blank image has one. -1 if it cannot be decoded.
int distinct_colours(const std::string& png) {
  if (png.size() < 33 || png.compare(1, 3, "PNG") != 0) return -1;
  const std::uint32_t width = be32(png, 16), height = be32(png, 20);
  const int depth = png[24], type = png[25], interlace = png[28];
  if (depth != 8 || (type != 2 && type != 6) || interlace != 0) return -1;
  const std::size_t bpp = type == 2 ? 3 : 4, stride = width * bpp;
  std::string idat;
  for (std::size_t at = 8; at + 8 <= png.size();) {
    const std::uint32_t len = be32(png, at);
    if (png.compare(at + 4, 4, "IDAT") == 0) idat.append(png, at + 8, len);
    at += 12 + len;
  }
  std::vector<unsigned char> raw(height * (stride + 1));
  uLongf raw_len = raw.size();
  if (::uncompress(raw.data(), &raw_len, reinterpret_cast<const Bytef*>(idat.data()),
                   idat.size()) != Z_OK) {
    return -1;
  }
  std::vector<unsigned char> prev(stride, 0), cur(stride);
  std::set<std::uint32_t> colours;
  for (std::uint32_t y = 0; y < height; ++y) {
    const unsigned char* line = raw.data() + y * (stride + 1);
    for (std::size_t x = 0; x < stride; ++x) {
      const int a = x >= bpp ? cur[x - bpp] : 0, b = prev[x], c = x >= bpp ? prev[x - bpp] : 0;
      const int predictor = line[0] == 1   ? a
                            : line[0] == 2 ? b
                            : line[0] == 3 ? (a + b) / 2
                            : line[0] == 4 ? paeth(a, b, c)
                                           : 0;
      cur[x] = static_cast<unsigned char>(line[1 + x] + predictor);
    }
    for (std::size_t x = 0; x < stride; x += bpp) {
      colours.insert((cur[x] << 16) | (cur[x + 1] << 8) | cur[x + 2]);
    }
    std::swap(prev, cur);
  }
  return static_cast<int>(colours.size());
}

// Appended to a copy of report.html: once everything loaded, records in <body data-*> how
// many inline SVGs drew shapes with an area (data lines, bars; a blank plot has only its
// frame) and how many linked PNGs and <img>s decoded to a non-empty image.
constexpr const char* kCheckScript = R"js(<script>
window.addEventListener('load', function () {
  var svgs = Array.prototype.slice.call(document.querySelectorAll('svg'));
  var drawn = svgs.filter(function (s) {
    var shapes = 0;
    s.querySelectorAll('path, polyline, polygon, rect').forEach(function (e) {
      var b = e.getBBox();
      if (b.width > 1 && b.height > 1) shapes++;
    });
    return shapes >= 5;
  });
  var images = Array.prototype.slice.call(document.querySelectorAll('img'))
      .map(function (i) { return i.src; })
      .concat(Array.prototype.slice.call(document.querySelectorAll('a[href$=".png"]'))
      .map(function (a) { return a.href; }));
  Promise.all(images.map(function (src) {
    return new Promise(function (done) {
      var im = new Image();
      im.onload = function () { done(im.complete && im.naturalWidth > 0 && im.naturalHeight > 0); };
      im.onerror = function () { done(false); };
      im.src = src;
    });
  })).then(function (ok) {
    document.body.dataset.svgsOk = drawn.length + '/' + svgs.length;
    document.body.dataset.imagesOk = ok.filter(Boolean).length + '/' + ok.length;
  });
});
</script>
)js";

std::string data_attr(const std::string& dom, const std::string& name) {
  const std::string key = name + "=\"";
  const auto at = dom.find(key);
  if (at == std::string::npos) return "";
  return dom.substr(at + key.size(), dom.find('"', at + key.size()) - at - key.size());
}

// Fails the test (rather than skipping it) when Chromium is absent: the browser check is what
// the report is accepted on.
void require_chromium() {
  std::string version;
  if (run_capture({"chromium", "--version"}, &version) != 0) {
    FAIL() << "chromium is not installed (Debian: apt-get install chromium)";
  }
}

std::vector<std::string> chromium(const fs::path& profile) {
  return {"timeout",
          "90",
          "chromium",
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-dev-shm-usage",
          "--hide-scrollbars",
          "--user-data-dir=" + profile.string()};
}

class ReportBrowser : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = make_temp_dir("report");
    std::ofstream(dir_ / "s.toml")
        << "name = \"report\"\n[dataset]\nproducts = 1000\nseed = 3\n"
           "[database]\noptions = [\"A\", \"C\"]\n"
           "[workload.mix]\nsku_lookup = 3\ncategory_page = 1\n"
           "[executor]\ntype = \"ramping-vus\"\nwarmup = \"500ms\"\nstart_vus = 1\nstages = [\n"
           "  { duration = \"3s\", target = 2, name = \"ramp\" },\n"
           "  { duration = \"3s\", target = 2, name = \"steady\" },\n]\n"
           "[refresher]\ninterval = \"2s\"\n"
           "[thresholds]\n\"sql_failed\" = [\"rate<0.5\"]\n";
    std::string out;
    run_code_ = run_loadgate({"run", (dir_ / "s.toml").string(), "--dsn", fresh_database("report"),
                              "--mark-db", "--results-dir", (dir_ / "results").string()},
                             &out);
    run_output_ = out;
    if (run_code_ != 0) return;
    for (const auto& e : fs::directory_iterator(dir_ / "results")) run_ = e.path();
    out.clear();
    report_code_ = run_loadgate({"report", run_.string()}, &out);
    report_output_ = out;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  void SetUp() override {
    ASSERT_EQ(run_code_, 0) << run_output_;
    ASSERT_EQ(report_code_, 0) << report_output_;
  }

  static inline fs::path dir_, run_;
  static inline int run_code_ = -1, report_code_ = -1;
  static inline std::string run_output_, report_output_;
};

constexpr const char* kPlots[] = {"latency_over_time", "throughput_over_time",
                                  "percentile_spectrum", "percentiles_by_option"};

TEST_F(ReportBrowser, WritesEveryPlotAsScriptSvgAndNonBlankPng) {
  EXPECT_NE(report_output_.find("report.html"), std::string::npos) << report_output_;
  for (const char* name : kPlots) {
    const fs::path base = run_ / "plots" / name;
    for (const char* ext : {".gp", ".svg", ".png"}) {
      const fs::path file = base.string() + ext;
      ASSERT_TRUE(fs::exists(file)) << file;
      EXPECT_GT(fs::file_size(file), 1000u) << file;
    }
    // A plot with axes, text and coloured lines has many colours; a blank one has one.
    EXPECT_GT(distinct_colours(slurp(base.string() + ".png")), 20) << name;
  }
  // Both options are drawn, and C's refreshes are shaded on the latency plot.
  const std::string gp = slurp(run_ / "plots" / "latency_over_time.gp");
  EXPECT_NE(gp.find("'option A'"), std::string::npos);
  EXPECT_NE(gp.find("'option C'"), std::string::npos);
  EXPECT_NE(gp.find("MV refresh"), std::string::npos);
  EXPECT_NE(gp.find("'steady'"), std::string::npos) << "stage starts are labelled";
}

TEST_F(ReportBrowser, PageLoadsInChromiumWithEveryFigureDrawn) {
  ASSERT_NO_FATAL_FAILURE(require_chromium());
  std::string html = slurp(run_ / "report.html");
  ASSERT_NE(html.find("</body>"), std::string::npos);
  html.insert(html.rfind("</body>"), kCheckScript);
  // Beside report.html, so its relative links to plots/ resolve the same way.
  const fs::path check = run_ / "report-check.html";
  std::ofstream(check) << html;
  auto args = chromium(dir_ / "profile-dom");
  args.insert(args.end(),
              {"--virtual-time-budget=10000", "--dump-dom", "file://" + check.string()});
  std::string dom;
  ASSERT_EQ(run_capture(args, &dom), 0) << dom;
  const std::string expected = std::to_string(std::size(kPlots));
  EXPECT_EQ(data_attr(dom, "data-svgs-ok"), expected + "/" + expected) << dom.substr(0, 2000);
  EXPECT_EQ(data_attr(dom, "data-images-ok"), expected + "/" + expected);
  EXPECT_NE(dom.find("loadgate report: report"), std::string::npos);
  EXPECT_NE(dom.find("sql_failed"), std::string::npos) << "the threshold table is on the page";
}

TEST_F(ReportBrowser, ScreenshotOfThePageIsNotBlank) {
  ASSERT_NO_FATAL_FAILURE(require_chromium());
  const fs::path shot = dir_ / "shot.png";
  auto args = chromium(dir_ / "profile-shot");
  args.insert(args.end(), {"--window-size=1200,2400", "--screenshot=" + shot.string(),
                           "file://" + (run_ / "report.html").string()});
  std::string out;
  ASSERT_EQ(run_capture(args, &out), 0) << out;
  ASSERT_TRUE(fs::exists(shot));
  EXPECT_GT(distinct_colours(slurp(shot)), 20);
}

}  // namespace
}  // namespace lg::test
