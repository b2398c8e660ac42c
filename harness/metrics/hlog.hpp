#pragma once
// HdrHistogram interval logs (.hlog) and the V2 histogram encoding, written from the published
// format description (HdrHistogram's HistogramLogWriter /
// HistogramLogReader documentation). The logs loadgate writes are read by HdrHistogram's own
// tools, e.g. `java -cp HdrHistogram.jar org.HdrHistogram.HistogramLogProcessor -i latency.hlog
// -o out -outputValueUnitRatio 1000 [-tag <tag>]`.
//
// Units: loadgate's histograms hold MICROSECONDS. The encoded histogram carries the raw integer
// values (µs); the interval-max column is written in MILLISECONDS (max µs / 1000, %.3f). So tools
// must be told that one millisecond is 1000 recorded units (`-outputValueUnitRatio 1000`;
// HdrHistogram's default of 10^6 assumes nanoseconds).

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "harness/metrics/histogram.hpp"

namespace lg::metrics {

/// Uncompressed V2 encoding: 40-byte big-endian header (cookie 0x1c849313, payload length,
/// normalizingIndexOffset 0, significant digits, lowest, highest, conversion ratio 1.0) followed
/// by counts 0..index_of(max) as ZigZag LEB128-64b9B, zero runs written as negative skips.
std::string encode_v2(const Histogram& h);

/// Compressed V2 wrapper: cookie 0x1c849314, int32 length, zlib stream (level 9) of encode_v2.
/// Throws std::runtime_error if zlib fails.
std::string encode_compressed_v2(const Histogram& h);

/// Decodes a compressed wrapper or a plain V2 encoding (V0/V1 are not supported). The layout
/// comes from the header's lowest/highest/significant digits. Accepts zero runs written either
/// as single 0 entries (Java) or as -1 skips (C). As with HdrHistogram's decoders the exact
/// min/max are lost: min() is the lowest value of the first non-empty bucket and max() the
/// highest value of the last one, capped at the highest trackable value (a histogram holding a
/// single sample reports that highest value as both).
/// Throws std::invalid_argument on a bad cookie, an unsupported layout, a truncated or corrupt
/// payload, or counts outside the layout.
Histogram decode(std::string_view bytes);

/// RFC 4648 base64, standard alphabet, '=' padding, no line breaks.
std::string base64_encode(std::string_view bytes);
/// Inverse of base64_encode. Throws std::invalid_argument on a bad character, length or padding.
std::string base64_decode(std::string_view text);

/// Writes an interval log in HdrHistogram log format 1.3: a `Logged with` comment, the format
/// version, `#[StartTime: …]` and `#[BaseTime: …]` (both start_epoch_s, so interval timestamps are
/// relative), the legend, then one line per write_interval:
///   `[Tag=<tag>,]<start s %.3f>,<length s %.3f>,<max ms %.3f>,<base64 compressed V2>`
/// The header is written by the constructor. Not thread-safe.
class HlogWriter {
 public:
  /// start_epoch_s: wall-clock start of the run in seconds since the Unix epoch.
  HlogWriter(std::ostream& out, double start_epoch_s, std::string_view tool_version);
  /// start_s is relative to start_epoch_s; length_s is the interval length (not its end).
  /// An empty tag writes an untagged line. Throws std::invalid_argument if the tag contains a
  /// comma, space, CR or LF (the log's field delimiters).
  void write_interval(std::string_view tag, double start_s, double length_s, const Histogram& h);

 private:
  std::ostream& out_;
};

/// One interval line of a log.
struct HlogInterval {
  std::string tag;      ///< empty when the line has no `Tag=`
  double start_s = 0;   ///< timestamp as written; absolute time = Hlog::base_epoch_s + start_s
  double length_s = 0;  ///< interval length, seconds
  double max_ms = 0;    ///< the max column as written (loadgate writes milliseconds)
  Histogram hist;
};

/// A parsed interval log.
struct Hlog {
  double start_epoch_s = 0;  ///< `#[StartTime:`, else the first interval's timestamp
  /// What timestamps are relative to: `#[BaseTime:` if present; otherwise StartTime when the
  /// first timestamp is below StartTime (relative timestamps), else 0 (absolute timestamps).
  double base_epoch_s = 0;
  std::vector<HlogInterval> intervals;
};

/// Reads a log written by HlogWriter or by HdrHistogram's Java/C writers: `#` comments (with
/// StartTime/BaseTime parsed out), the legend line, optional `Tag=`, fields split on
/// [ ,\r\n] (HdrHistogram's HistogramLogReader). Throws std::invalid_argument naming the 1-based
/// line number on a malformed line or histogram.
Hlog read_hlog(std::istream& in);

/// read_hlog without keeping the intervals: each one is handed to `on_interval` as it is read,
/// so a long log is processed in the memory of one interval. Returns the header (StartTime,
/// BaseTime) with `intervals` empty. Throws what read_hlog throws, and what on_interval throws.
Hlog read_hlog_each(std::istream& in, const std::function<void(HlogInterval&&)>& on_interval);

}  // namespace lg::metrics
