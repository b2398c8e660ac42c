#include "harness/metrics/hlog.hpp"

#include <zlib.h>

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <istream>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <utility>

namespace lg::metrics {
namespace {

constexpr std::uint32_t kV2Cookie = 0x1c849313;
constexpr std::uint32_t kV2CompressedCookie = 0x1c849314;
// Readers ignore the word-size nibble (HdrHistogram's decoder: `cookie & ~0xf0`).
constexpr std::uint32_t kCookieMask = ~std::uint32_t{0xf0};
constexpr std::size_t kHeaderSize = 40;
constexpr std::size_t kWrapperSize = 8;
// No valid layout needs more: counts_len is far below 2^24 and each entry takes <= 9 bytes.
constexpr std::size_t kMaxInflated = std::size_t{256} << 20;

void put_be(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t get_be(std::string_view in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[at + i]);
  return v;
}

// LEB128-64b9B of ZigZag(v): 7 bits per byte for 8 bytes, then a 9th byte holding 8 bits.
void put_zigzag(std::string& out, std::int64_t v) {
  std::uint64_t u = (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
  for (int i = 0; i < 8; ++i) {
    if (u < 0x80) {
      out.push_back(static_cast<char>(u));
      return;
    }
    out.push_back(static_cast<char>((u & 0x7f) | 0x80));
    u >>= 7;
  }
  out.push_back(static_cast<char>(u));
}

// Reads one entry at `pos` (advanced); nullopt if the entry runs past the end.
std::optional<std::int64_t> get_zigzag(std::string_view in, std::size_t& pos) {
  std::uint64_t u = 0;
  for (int i = 0; i < 9; ++i) {
    if (pos >= in.size()) return std::nullopt;
    const auto b = static_cast<unsigned char>(in[pos++]);
    if (i == 8) {
      u |= static_cast<std::uint64_t>(b) << 56;
      break;
    }
    u |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) break;
  }
  return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

std::string encode_counts(const Histogram& h) {
  std::string out;
  const std::int32_t last = std::max(0, h.max_index());
  for (std::int32_t i = 0; i <= last;) {
    const std::int64_t c = h.count_at_index(i);
    if (c != 0) {
      put_zigzag(out, c);
      ++i;
      continue;
    }
    std::int32_t run = 1;
    while (i + run <= last && h.count_at_index(i + run) == 0) ++run;
    // A lone zero as 0, longer runs as a skip (the Java writer's choice).
    put_zigzag(out, run == 1 ? 0 : -static_cast<std::int64_t>(run));
    i += run;
  }
  return out;
}

[[noreturn]] void bad(const std::string& what) {
  throw std::invalid_argument("hlog decode: " + what);
}

std::string inflate_all(std::string_view in) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) bad("zlib inflateInit failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  std::array<char, 16384> buf;
  int rc = Z_OK;
  while (rc == Z_OK && out.size() <= kMaxInflated) {
    zs.next_out = reinterpret_cast<Bytef*>(buf.data());
    zs.avail_out = static_cast<uInt>(buf.size());
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf.data(), buf.size() - zs.avail_out);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) bad("corrupt or truncated zlib stream");
  return out;
}

struct Entry {
  std::int32_t index;
  std::int64_t count;
};

// Counts payload -> non-empty (index, count) entries, validated against the layout.
std::vector<Entry> decode_counts(std::string_view payload, const BucketLayout& layout) {
  std::vector<Entry> entries;
  std::int64_t index = 0;
  std::size_t pos = 0;
  while (pos < payload.size()) {
    const auto v = get_zigzag(payload, pos);
    if (!v) bad("truncated counts payload");
    if (*v < 0) {
      if (*v == INT64_MIN) bad("invalid zero-run length");
      index += -*v;
      if (index > layout.counts_len()) bad("zero run past the end of the counts array");
      continue;
    }
    if (index >= layout.counts_len()) bad("count past the end of the counts array");
    if (*v > 0) entries.push_back({static_cast<std::int32_t>(index), *v});
    ++index;
  }
  return entries;
}

// The last bucket's top stands for max, as HdrHistogram's decoders report it: one of its
// samples is recorded there instead of at the bucket's bottom (the counts are the same).
Histogram build(const std::vector<Entry>& entries, const BucketLayout& layout) {
  Histogram h(layout);
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const bool last = k + 1 == entries.size();
    const std::int64_t lo = layout.value_from_index(entries[k].index);
    bool ok = h.record(lo, last ? entries[k].count - 1 : entries[k].count);
    if (last) ok = ok && h.record(std::min(layout.highest_equivalent(lo), layout.highest()));
    if (!ok) bad("count beyond the highest trackable value");
  }
  return h;
}

Histogram decode_v2(std::string_view in) {
  if (in.size() < kHeaderSize) bad("truncated header");
  const auto cookie = static_cast<std::uint32_t>(get_be(in, 0, 4));
  if ((cookie & kCookieMask) != (kV2Cookie & kCookieMask)) bad("not a V2 histogram encoding");
  const auto payload_len = get_be(in, 4, 4);
  if (payload_len > in.size() - kHeaderSize) bad("truncated counts payload");
  if (get_be(in, 8, 4) != 0) bad("non-zero normalizingIndexOffset is not supported");
  const auto sig = static_cast<int>(get_be(in, 12, 4));
  const auto lowest = static_cast<std::int64_t>(get_be(in, 16, 8));
  const auto highest = static_cast<std::int64_t>(get_be(in, 24, 8));
  const auto layout = BucketLayout::make(lowest, highest, sig);
  if (!layout) bad("unsupported layout in header");
  const auto entries = decode_counts(in.substr(kHeaderSize, payload_len), *layout);
  return build(entries, *layout);
}

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
  const auto p = kBase64Alphabet.find(c);
  return p == std::string_view::npos ? -1 : static_cast<int>(p);
}

std::string format_fixed3(double v) {
  std::array<char, 64> buf;
  std::snprintf(buf.data(), buf.size(), "%.3f", v);
  return buf.data();
}

// Java's Date.toString shape, in UTC: "Wed Sep 09 15:24:39 UTC 2015".
std::string human_utc(double epoch_s) {
  const auto t = static_cast<std::time_t>(std::floor(epoch_s));
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 64> buf;
  std::strftime(buf.data(), buf.size(), "%a %b %d %H:%M:%S UTC %Y", &tm);
  return buf.data();
}

}  // namespace

std::string encode_v2(const Histogram& h) {
  const BucketLayout& l = h.layout();
  const std::string counts = encode_counts(h);
  std::string out;
  out.reserve(kHeaderSize + counts.size());
  put_be(out, kV2Cookie, 4);
  put_be(out, counts.size(), 4);
  put_be(out, 0, 4);
  put_be(out, static_cast<std::uint64_t>(l.sig_figs()), 4);
  put_be(out, static_cast<std::uint64_t>(l.lowest()), 8);
  put_be(out, static_cast<std::uint64_t>(l.highest()), 8);
  put_be(out, std::bit_cast<std::uint64_t>(1.0), 8);
  return out + counts;
}

std::string encode_compressed_v2(const Histogram& h) {
  const std::string raw = encode_v2(h);
  uLongf len = compressBound(static_cast<uLong>(raw.size()));
  std::string z(len, '\0');
  const int rc = compress2(reinterpret_cast<Bytef*>(z.data()), &len,
                           reinterpret_cast<const Bytef*>(raw.data()),
                           static_cast<uLong>(raw.size()), Z_BEST_COMPRESSION);
  if (rc != Z_OK) throw std::runtime_error("hlog encode: zlib compress2 failed");
  std::string out;
  out.reserve(kWrapperSize + len);
  put_be(out, kV2CompressedCookie, 4);
  put_be(out, len, 4);
  out.append(z.data(), len);
  return out;
}

Histogram decode(std::string_view bytes) {
  if (bytes.size() < 4) bad("truncated cookie");
  const auto cookie = static_cast<std::uint32_t>(get_be(bytes, 0, 4));
  if ((cookie & kCookieMask) == (kV2Cookie & kCookieMask)) return decode_v2(bytes);
  if ((cookie & kCookieMask) != (kV2CompressedCookie & kCookieMask)) {
    std::array<char, 16> hex;
    std::snprintf(hex.data(), hex.size(), "0x%08x", cookie);
    bad(std::string("unknown cookie ") + hex.data() + " (only V2 encodings are supported)");
  }
  if (bytes.size() < kWrapperSize) bad("truncated compressed header");
  const auto len = get_be(bytes, 4, 4);
  if (len > bytes.size() - kWrapperSize) bad("truncated compressed payload");
  return decode_v2(inflate_all(bytes.substr(kWrapperSize, len)));
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t w = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      w = (w << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    }
    for (std::size_t k = 0; k < 4; ++k) {
      out.push_back(k <= n ? kBase64Alphabet[(w >> (18 - 6 * k)) & 0x3f] : '=');
    }
  }
  return out;
}

std::string base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) throw std::invalid_argument("base64: length is not a multiple of 4");
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::size_t pad = 0;
    if (last) pad = (text[i + 3] == '=') + (text[i + 3] == '=' && text[i + 2] == '=');
    std::uint32_t w = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const int v = k >= 4 - pad ? 0 : base64_value(text[i + k]);
      if (v < 0) throw std::invalid_argument("base64: invalid character or misplaced '='");
      w = (w << 6) | static_cast<std::uint32_t>(v);
    }
    for (std::size_t k = 0; k < 3 - pad; ++k) out.push_back(static_cast<char>(w >> (16 - 8 * k)));
  }
  return out;
}

HlogWriter::HlogWriter(std::ostream& out, double start_epoch_s, std::string_view tool_version)
    : out_(out) {
  const std::string start = format_fixed3(start_epoch_s);
  out_ << "#[Logged with loadgate " << tool_version << "]\n"
       << "#[Histogram log format version 1.3]\n"
       << "#[StartTime: " << start << " (seconds since epoch), " << human_utc(start_epoch_s)
       << "]\n"
       << "#[BaseTime: " << start << " (seconds since epoch)]\n"
       << "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\","
          "\"Interval_Compressed_Histogram\"\n";
}

void HlogWriter::write_interval(std::string_view tag, double start_s, double length_s,
                                const Histogram& h) {
  if (tag.find_first_of(", \r\n") != std::string_view::npos) {
    throw std::invalid_argument("hlog: tag '" + std::string(tag) +
                                "' contains a comma, space or line break");
  }
  if (!tag.empty()) out_ << "Tag=" << tag << ',';
  out_ << format_fixed3(start_s) << ',' << format_fixed3(length_s) << ','
       << format_fixed3(static_cast<double>(h.max()) / 1000.0) << ','
       << base64_encode(encode_compressed_v2(h)) << '\n';
}

namespace {

// Splits on the reader's delimiters [ ,\r\n], dropping empty fields.
std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos <= line.size()) {
    const std::size_t end = std::min(line.find_first_of(" ,\r\n", pos), line.size());
    if (end > pos) out.push_back(line.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

std::optional<double> parse_double(std::string_view s) {
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// The number after a `#[StartTime: ` / `#[BaseTime: ` prefix, if the line has that prefix.
std::optional<double> comment_time(std::string_view line, std::string_view prefix) {
  if (!line.starts_with(prefix)) return std::nullopt;
  const auto fields = split_fields(line.substr(prefix.size()));
  return fields.empty() ? std::nullopt : parse_double(fields[0]);
}

HlogInterval parse_interval(std::string_view line) {
  auto fields = split_fields(line);
  HlogInterval iv;
  if (!fields.empty() && fields[0].starts_with("Tag=")) {
    iv.tag = std::string(fields[0].substr(4));
    fields.erase(fields.begin());
  }
  if (fields.size() != 4) {
    throw std::invalid_argument("expected [Tag=<tag>,]start,length,max,histogram but found " +
                                std::to_string(fields.size()) + " fields");
  }
  const auto start = parse_double(fields[0]);
  const auto length = parse_double(fields[1]);
  const auto max = parse_double(fields[2]);
  if (!start || !length || !max) throw std::invalid_argument("start, length or max not a number");
  iv.start_s = *start;
  iv.length_s = *length;
  iv.max_ms = *max;
  iv.hist = decode(base64_decode(fields[3]));
  return iv;
}

HlogInterval parse_numbered_interval(std::string_view line, std::size_t line_no) {
  try {
    return parse_interval(line);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("hlog line " + std::to_string(line_no) + ": " + e.what());
  }
}

struct ReaderState {
  Hlog log;
  bool seen_start = false;
  bool seen_base = false;
};

void handle_comment(std::string_view line, ReaderState& st) {
  if (const auto t = comment_time(line, "#[StartTime: ")) {
    st.log.start_epoch_s = *t;
    st.seen_start = true;
  } else if (const auto b = comment_time(line, "#[BaseTime: ")) {
    st.log.base_epoch_s = *b;
    st.seen_base = true;
  }
}

// HdrHistogram's HistogramLogReader: without BaseTime, a first timestamp below StartTime means
// relative times.
void deduce_base(double first_ts, ReaderState& st) {
  if (!st.seen_start) {
    st.log.start_epoch_s = first_ts;
    st.seen_start = true;
  }
  if (!st.seen_base) {
    st.log.base_epoch_s = first_ts < st.log.start_epoch_s ? st.log.start_epoch_s : 0.0;
    st.seen_base = true;
  }
}

}  // namespace

Hlog read_hlog(std::istream& in) {
  std::vector<HlogInterval> intervals;
  Hlog log = read_hlog_each(in, [&](HlogInterval&& iv) { intervals.push_back(std::move(iv)); });
  log.intervals = std::move(intervals);
  return log;
}

Hlog read_hlog_each(std::istream& in, const std::function<void(HlogInterval&&)>& on_interval) {
  ReaderState st;
  std::string raw;
  for (std::size_t line_no = 1; std::getline(in, raw); ++line_no) {
    std::string_view line = raw;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty() || line.starts_with("\"StartTimestamp\"")) continue;
    if (line.starts_with('#')) {
      handle_comment(line, st);
      continue;
    }
    HlogInterval iv = parse_numbered_interval(line, line_no);
    deduce_base(iv.start_s, st);
    on_interval(std::move(iv));
  }
  return std::move(st.log);
}

}  // namespace lg::metrics
