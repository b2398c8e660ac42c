// .hlog interval logs and the V2 encoding (HdrHistogram's log format and V2 encoding; RFC 4648 for
// base64).
#include "harness/metrics/hlog.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace lg::metrics {
namespace {

// First data line of HdrHistogram's tagged-Log.logV2.hlog (HdrHistogram's HistogramLogReader).
constexpr const char* kJavaVector =
    "HISTFAAAAEV42pNpmSzMwMCgyAABTBDKT4GBgdnNYMcCBvsPEBEJISEuATEZMQ4uASkhIR4nrxg9v2lMaxhvMekILGZkKm"
    "cC"
    "AEf2CsI=";

std::string hex(std::string_view s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string payload_of(const std::string& v2) { return v2.substr(40); }

// A plain V2 encoding of the default layout with a hand-written counts payload.
std::string v2_with_payload(const std::string& payload) {
  std::string out = encode_v2(Histogram()).substr(0, 40);
  for (int i = 0; i < 4; ++i)
    out[4 + i] = static_cast<char>((payload.size() >> (8 * (3 - i))) & 255);
  return out + payload;
}

Histogram log_uniform(std::int64_t lo, std::int64_t hi, int n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(std::log(lo), std::log(hi));
  Histogram h;
  for (int i = 0; i < n; ++i) h.record(static_cast<std::int64_t>(std::exp(u(rng))));
  return h;
}

void expect_same_buckets(const Histogram& a, const Histogram& b) {
  ASSERT_TRUE(a.layout() == b.layout());
  EXPECT_EQ(a.count(), b.count());
  for (std::int32_t i = 0; i < a.layout().counts_len(); ++i) {
    ASSERT_EQ(a.count_at_index(i), b.count_at_index(i)) << "index " << i;
  }
  for (double p : {0.0, 1.0, 25.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    EXPECT_EQ(a.value_at_percentile(p), b.value_at_percentile(p)) << "p" << p;
  }
}

// ---- base64 ----

TEST(Base64, Rfc4648TestVectors) {
  const std::vector<std::pair<std::string, std::string>> vectors = {{"", ""},
                                                                    {"f", "Zg=="},
                                                                    {"fo", "Zm8="},
                                                                    {"foo", "Zm9v"},
                                                                    {"foob", "Zm9vYg=="},
                                                                    {"fooba", "Zm9vYmE="},
                                                                    {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(base64_decode(encoded), plain);
  }
}

TEST(Base64, RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(base64_decode(base64_encode(all)), all);
  EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
}

TEST(Base64, RejectsMalformedInput) {
  for (const char* bad : {"Zg=", "Zm9v!A==", "Zg==Zg==", "=AAA", "Z===", "Zm 9v"}) {
    EXPECT_THROW(base64_decode(bad), std::invalid_argument) << bad;
  }
}

// ---- V2 encoding ----

TEST(EncodeV2, HeaderIsBigEndianWithLayoutAndUnitRatio) {
  Histogram h;
  h.record(1000);
  const std::string v2 = encode_v2(h);
  ASSERT_GE(v2.size(), 40u);
  EXPECT_EQ(hex(v2.substr(0, 4)), "1c849313");
  EXPECT_EQ(hex(v2.substr(4, 4)), "0000000" + std::to_string(v2.size() - 40));
  EXPECT_EQ(hex(v2.substr(8, 8)), "0000000000000003");  // offset 0, 3 digits
  EXPECT_EQ(hex(v2.substr(16, 8)), "0000000000000001");
  EXPECT_EQ(hex(v2.substr(24, 8)), "00000000d693a400");  // 3,600,000,000
  EXPECT_EQ(hex(v2.substr(32, 8)), "3ff0000000000000");  // 1.0
}

TEST(EncodeV2, CountsAreZigZagLeb128WithZeroRunsAsSkips) {
  Histogram h;
  h.record(0);
  h.record(2);
  h.record(5, 300);
  // 1 -> 02; lone zero -> 00; 1 -> 02; skip 2 -> zigzag(-2)=03; 300 -> zigzag 600 = d8 04.
  EXPECT_EQ(hex(payload_of(encode_v2(h))), "02000203d804");
}

TEST(EncodeV2, HugeCountUsesTheNinthByteWhole) {
  Histogram h;
  h.record(0, std::int64_t{1} << 62);  // zigzag 2^63: eight 0x80 groups, then the byte 0x80
  EXPECT_EQ(hex(payload_of(encode_v2(h))), "808080808080808080");
  EXPECT_EQ(decode(encode_v2(h)).count_at_index(0), std::int64_t{1} << 62);
}

TEST(EncodeV2, EmptyHistogramWritesOneZeroEntry) {
  EXPECT_EQ(hex(payload_of(encode_v2(Histogram()))), "00");
}

TEST(DecodeV2, AcceptsJavaZerosAndCSkipsAlike) {
  const Histogram java = decode(v2_with_payload(std::string("\x02\x00\x02", 3)));
  const Histogram c = decode(v2_with_payload("\x02\x01\x02"));  // -1 skip as C writes it
  EXPECT_EQ(java.count(), 2);
  EXPECT_EQ(java.count_at_index(2), 1);
  expect_same_buckets(java, c);
}

TEST(DecodeV2, RoundTripsEmptyOneValueAndWideSpread) {
  Histogram one;
  one.record(123'456);
  Histogram near_top;
  near_top.record(3'600'000'000);
  near_top.record(7);
  const std::vector<Histogram> cases = {Histogram(), one, near_top,
                                        log_uniform(1, 3'600'000'000, 50'000, 7),
                                        log_uniform(50, 2'000'000, 10'000, 8)};
  for (const Histogram& h : cases) {
    for (const Histogram& back : {decode(encode_v2(h)), decode(encode_compressed_v2(h))}) {
      expect_same_buckets(h, back);
      const auto& l = h.layout();
      const std::int64_t top = h.count() ? std::min(l.highest_equivalent(h.max()), l.highest()) : 0;
      EXPECT_EQ(back.max(), top);
      EXPECT_EQ(back.min(), h.count() > 1 ? l.lowest_equivalent(h.min()) : top);
    }
  }
}

TEST(DecodeV2, CompressedWrapperIsZlibAtBestCompression) {
  Histogram h;
  h.record(42);
  const std::string z = encode_compressed_v2(h);
  EXPECT_EQ(hex(z.substr(0, 4)), "1c849314");
  EXPECT_EQ(hex(z.substr(8, 2)), "78da");
  EXPECT_EQ(base64_encode(z).substr(0, 5), "HISTF");
}

TEST(DecodeV2, DecodesHdrHistogramsJavaTestVector) {
  const std::string bytes = base64_decode(kJavaVector);
  EXPECT_EQ(hex(bytes.substr(0, 8)), "1c84931400000045");  // cookie, 69 compressed bytes
  const Histogram h = decode(bytes);
  EXPECT_EQ(h.layout().sig_figs(), 2);
  EXPECT_EQ(h.layout().lowest(), 20'000);
  EXPECT_EQ(h.layout().highest(), 3'600'000'000'000);
  const std::vector<std::int64_t> first = {12, 9, 9, 5, 8};
  std::int64_t sum = 0;
  for (std::int32_t i = 0; i < h.layout().counts_len(); ++i) {
    if (i < 5) {
      EXPECT_EQ(h.count_at_index(i), first[i]) << i;
    }
    sum += h.count_at_index(i);
  }
  EXPECT_EQ(h.count(), 741);
  EXPECT_EQ(sum, h.count());
  // The last count sits 82+60 skips after index 24 (index 168); the log line's max column is
  // 2.769 ms, i.e. that bucket's top in nanoseconds.
  EXPECT_EQ(h.max_index(), 168);
  EXPECT_EQ(h.max(), 2'768'895);
  EXPECT_EQ(h.count_at_index(107), 1);
}

TEST(DecodeV2, RejectsBadCookieAndTruncation) {
  Histogram h;
  h.record(10);
  h.record(1'000'000);
  const std::string plain = encode_v2(h);
  const std::string z = encode_compressed_v2(h);
  std::string bad_cookie = plain;
  bad_cookie[3] = '\x01';  // 0x1c849301: V1, not supported
  for (const std::string& bad :
       {std::string("\x1c\x84"), bad_cookie, plain.substr(0, 39), plain.substr(0, plain.size() - 1),
        z.substr(0, z.size() - 3), z.substr(0, 6), std::string(z).replace(12, 4, "????")}) {
    EXPECT_THROW(decode(bad), std::invalid_argument) << hex(bad);
  }
}

TEST(DecodeV2, RejectsCountsOutsideTheLayout) {
  // Skip past the end of the default layout's 23,552 counts, then write a count.
  std::string skip_then_count = "\xff\xff\x05\x02";  // zigzag(-49,152) then 1
  EXPECT_THROW(decode(v2_with_payload(skip_then_count)), std::invalid_argument);
  // A varint whose continuation bit runs past the payload.
  EXPECT_THROW(decode(v2_with_payload("\x02\x80")), std::invalid_argument);
}

// ---- interval log ----

TEST(HlogWriter, WritesHeaderLegendAndIntervalLines) {
  std::ostringstream out;
  HlogWriter w(out, 1441812279.474, "0.3.0");
  Histogram h;
  h.record(2769);
  w.write_interval("sql_duration", 0.127, 1.007, h);
  w.write_interval("", 1.134, 1.0, h);
  std::istringstream in(out.str());
  const std::vector<std::regex> expected = {
      std::regex(R"(#\[Logged with loadgate 0\.3\.0\])"),
      std::regex(R"(#\[Histogram log format version 1\.3\])"),
      std::regex(R"(#\[StartTime: 1441812279\.474 \(seconds since epoch\), )"
                 R"(Wed Sep 09 15:24:39 UTC 2015\])"),
      std::regex(R"(#\[BaseTime: 1441812279\.474 \(seconds since epoch\)\])"),
      std::regex(R"("StartTimestamp","Interval_Length","Interval_Max",)"
                 R"("Interval_Compressed_Histogram")"),
      std::regex(R"(Tag=sql_duration,0\.127,1\.007,2\.769,HISTF[A-Za-z0-9+/]+=*)"),
      std::regex(R"(1\.134,1\.000,2\.769,HISTF[A-Za-z0-9+/]+=*)")};
  std::string line;
  for (const auto& re : expected) {
    ASSERT_TRUE(std::getline(in, line));
    EXPECT_TRUE(std::regex_match(line, re)) << line;
  }
  EXPECT_FALSE(std::getline(in, line)) << line;
}

TEST(HlogWriter, RejectsTagsWithDelimiters) {
  std::ostringstream out;
  HlogWriter w(out, 0, "x");
  for (const char* tag : {"a,b", "a b", "a\nb", "a\rb"}) {
    EXPECT_THROW(w.write_interval(tag, 0, 1, Histogram()), std::invalid_argument) << tag;
  }
  EXPECT_NO_THROW(w.write_interval("READ-st{option:a}", 0, 1, Histogram()));
}

TEST(HlogReader, RoundTripsMultiIntervalMultiTagLog) {
  std::ostringstream out;
  HlogWriter w(out, 1'700'000'000.25, "test");
  std::vector<Histogram> hists;
  for (int i = 0; i < 6; ++i) hists.push_back(log_uniform(50, 2'000'000, 500 + i, i));
  for (int i = 0; i < 6; ++i) {
    w.write_interval(i % 2 ? "service_time" : "sql_duration", i / 2, 1.0, hists[i]);
  }
  std::istringstream in(out.str());
  const Hlog log = read_hlog(in);
  EXPECT_DOUBLE_EQ(log.start_epoch_s, 1'700'000'000.25);
  EXPECT_DOUBLE_EQ(log.base_epoch_s, 1'700'000'000.25);
  ASSERT_EQ(log.intervals.size(), 6u);
  for (int i = 0; i < 6; ++i) {
    const HlogInterval& iv = log.intervals[i];
    EXPECT_EQ(iv.tag, i % 2 ? "service_time" : "sql_duration");
    EXPECT_DOUBLE_EQ(iv.start_s, i / 2);
    EXPECT_DOUBLE_EQ(iv.length_s, 1.0);
    EXPECT_NEAR(iv.max_ms, hists[i].max() / 1000.0, 0.0005);
    expect_same_buckets(hists[i], iv.hist);
  }
}

TEST(HlogReader, ReadsJavaStyleRelativeTimesWithoutBaseTime) {
  std::istringstream in(std::string("#[StartTime: 1441812279.474 (seconds since epoch), x]\r\n") +
                        "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"X\"\r\n" +
                        "0.127,1.007,2.769," + kJavaVector + "\r\n\r\n" +
                        "Tag=A,0.127,1.007,2.769," + kJavaVector + "\r\n");
  const Hlog log = read_hlog(in);
  EXPECT_DOUBLE_EQ(log.base_epoch_s, 1441812279.474);  // 0.127 < StartTime: relative
  ASSERT_EQ(log.intervals.size(), 2u);
  EXPECT_EQ(log.intervals[0].tag, "");
  EXPECT_EQ(log.intervals[1].tag, "A");
  EXPECT_EQ(log.intervals[1].hist.count(), 741);
  EXPECT_DOUBLE_EQ(log.intervals[1].max_ms, 2.769);
}

TEST(HlogReader, AbsoluteTimesGiveZeroBase) {
  std::istringstream in(std::string("#[StartTime: 1000.000 (seconds since epoch)]\n") +
                        "1000.500,1.000,2769.0," + kJavaVector + "\n");
  const Hlog log = read_hlog(in);
  EXPECT_DOUBLE_EQ(log.base_epoch_s, 0.0);
  ASSERT_EQ(log.intervals.size(), 1u);
  EXPECT_DOUBLE_EQ(log.intervals[0].start_s, 1000.5);
}

TEST(HlogReader, ErrorsNameTheLine) {
  const std::vector<std::string> bad_lines = {
      "0.0,1.0,2.0\n",                                   // too few fields
      "0.0,1.0,abc," + std::string(kJavaVector) + "\n",  // not a number
      "0.0,1.0,2.0,HISTF!!!\n",                          // bad base64
      "0.0,1.0,2.0,AAAAAAAAAAAA\n"};                     // bad cookie
  for (const std::string& bad : bad_lines) {
    std::istringstream in("#[StartTime: 0.000]\n\"StartTimestamp\"\n" + bad);
    try {
      read_hlog(in);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace lg::metrics
