#include "datagen/copy_loader.hpp"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "harness/core/errors.hpp"

namespace lg::datagen {
namespace {

constexpr std::size_t kChunkBytes = 256 * 1024;
// The documents format stores every product under post type 1, the one row of
// custom_post_types ('product') that options B and C create.
constexpr std::string_view kProductPostType = "1";

// The columns each landing format fills, after the relation's name (issue 15: the relation is
// the option's; the format is one of two). Generated columns (search_vector) are left out.
constexpr std::string_view kTypedColumns =
    " (id, sku, slug, name, description, category_id, brand, price, stock, status, created_at, "
    "updated_at)";
constexpr std::string_view kDocumentColumns =
    " (id, post_type_id, slug, title, status, created_at, updated_at, \"customFields\")";

inline bool needs_escape(unsigned char c) noexcept { return c < 0x20 || c == '\\'; }

inline void put(char*& w, std::string_view s) noexcept {
  std::memcpy(w, s.data(), s.size());
  w += s.size();
}

inline void put_int(char*& w, std::int64_t v) noexcept { w = std::to_chars(w, w + 24, v).ptr; }

inline void put_2digits(char*& w, unsigned v) noexcept {
  *w++ = static_cast<char>('0' + v / 10);
  *w++ = static_cast<char>('0' + v % 10);
}

// COPY text format: backslash and control characters are escaped (PostgreSQL docs, COPY
// "Text Format"); plain words take the memcpy path.
void put_copy_text(char*& w, std::string_view s) noexcept {
  if (std::none_of(s.begin(), s.end(), [](char c) { return needs_escape(c); })) {
    put(w, s);
    return;
  }
  for (char c : s) {
    switch (c) {
      case '\\':
        put(w, "\\\\");
        break;
      case '\t':
        put(w, "\\t");
        break;
      case '\n':
        put(w, "\\n");
        break;
      case '\r':
        put(w, "\\r");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          // Octal escape \ooo keeps every other control byte intact.
          *w++ = '\\';
          *w++ = static_cast<char>('0' + ((c >> 6) & 7));
          *w++ = static_cast<char>('0' + ((c >> 3) & 7));
          *w++ = static_cast<char>('0' + (c & 7));
        } else {
          *w++ = c;
        }
    }
  }
}

// A JSON string body inside a COPY text field: JSON escaping first, then every backslash the
// JSON escape produced is doubled for COPY.
void put_json_string_in_copy(char*& w, std::string_view s) noexcept {
  static constexpr char kHex[] = "0123456789abcdef";
  *w++ = '"';
  std::size_t plain = 0;  // start of the run of bytes that need no escaping
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u >= 0x20 && u != '"' && u != '\\') continue;
    std::memcpy(w, s.data() + plain, i - plain);
    w += i - plain;
    plain = i + 1;
    if (u == '"') {
      put(w, "\\\\\"");
    } else if (u == '\\') {
      put(w, "\\\\\\\\");
    } else {
      put(w, "\\\\u00");
      *w++ = kHex[u >> 4];
      *w++ = kHex[u & 0xF];
    }
  }
  std::memcpy(w, s.data() + plain, s.size() - plain);
  w += s.size() - plain;
  *w++ = '"';
}

void put_price(char*& w, std::int64_t cents) noexcept {
  put_int(w, cents / 100);
  *w++ = '.';
  put_2digits(w, static_cast<unsigned>(cents % 100));
}

// Unix seconds -> "YYYY-MM-DD HH:MM:SS+00" (days-to-civil: H. Hinnant, chrono-Compatible
// Low-Level Date Algorithms), without tz lookups or locale.
void put_timestamp(char*& w, std::int64_t unix_s) noexcept {
  std::int64_t days = unix_s / 86400;
  std::int64_t secs = unix_s % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2);
  put_int(w, year);
  *w++ = '-';
  put_2digits(w, month);
  *w++ = '-';
  put_2digits(w, day);
  *w++ = ' ';
  put_2digits(w, static_cast<unsigned>(secs / 3600));
  *w++ = ':';
  put_2digits(w, static_cast<unsigned>(secs / 60 % 60));
  *w++ = ':';
  put_2digits(w, static_cast<unsigned>(secs % 60));
  put(w, "+00");
}

std::string_view status_of(const Product& p) noexcept { return p.published ? "publish" : "draft"; }

// Upper bound of one formatted row: escaping grows a byte to at most 7 (\\u00XX in COPY).
std::size_t row_bound(const Product& p) noexcept {
  return 7 * (p.sku.size() + p.slug.size() + p.name.size() + p.description.size() +
              p.brand.size()) +
         512;
}

void put_row_typed(char*& w, const Product& p) noexcept {
  put_int(w, p.id);
  *w++ = '\t';
  put_copy_text(w, p.sku);
  *w++ = '\t';
  put_copy_text(w, p.slug);
  *w++ = '\t';
  put_copy_text(w, p.name);
  *w++ = '\t';
  put_copy_text(w, p.description);
  *w++ = '\t';
  put_int(w, p.category_id);
  *w++ = '\t';
  put_copy_text(w, p.brand);
  *w++ = '\t';
  put_price(w, p.price_cents);
  *w++ = '\t';
  put_int(w, p.stock);
  *w++ = '\t';
  put(w, status_of(p));
  *w++ = '\t';
  put_timestamp(w, p.created_at);
  *w++ = '\t';
  put_timestamp(w, p.created_at);
  *w++ = '\n';
}

// customFields keys are the option B document's names (sql/options/B/tables.sql).
void put_custom_fields(char*& w, const Product& p) noexcept {
  put(w, "{\"sku\": ");
  put_json_string_in_copy(w, p.sku);
  put(w, ", \"description\": ");
  put_json_string_in_copy(w, p.description);
  put(w, ", \"categoryId\": ");
  put_int(w, p.category_id);
  put(w, ", \"brand\": ");
  put_json_string_in_copy(w, p.brand);
  put(w, ", \"price\": ");
  put_price(w, p.price_cents);
  put(w, ", \"stock\": ");
  put_int(w, p.stock);
  *w++ = '}';
}

void put_row_document(char*& w, const Product& p) noexcept {
  put_int(w, p.id);
  *w++ = '\t';
  put(w, kProductPostType);
  *w++ = '\t';
  put_copy_text(w, p.slug);
  *w++ = '\t';
  put_copy_text(w, p.name);
  *w++ = '\t';
  put(w, status_of(p));
  *w++ = '\t';
  put_timestamp(w, p.created_at);
  *w++ = '\t';
  put_timestamp(w, p.created_at);
  *w++ = '\t';
  put_custom_fields(w, p);
  *w++ = '\n';
}

// Generates rows first..last into one reusable buffer and hands each full chunk to `sink`.
template <class Sink>
void stream_rows(option::Landing landing, const ProductGenerator& gen, std::int64_t first,
                 std::int64_t last, Sink&& sink, const ProgressFn* progress) {
  const bool typed = landing == option::Landing::kTyped;
  std::vector<char> buf(kChunkBytes + 64 * 1024);
  std::size_t len = 0;
  Product p;
  const std::int64_t total = last - first + 1;
  for (std::int64_t id = first; id <= last; ++id) {
    gen.make_into(id, p);
    const std::size_t bound = row_bound(p);
    if (len + bound > buf.size()) buf.resize(len + bound);
    char* w = buf.data() + len;
    typed ? put_row_typed(w, p) : put_row_document(w, p);
    len = static_cast<std::size_t>(w - buf.data());
    if (len >= kChunkBytes) {
      sink(std::string_view(buf.data(), len));
      len = 0;
    }
    const std::int64_t done = id - first + 1;
    if (progress && *progress && done % kProgressRows == 0 && done != total) {
      (*progress)(done, total);
    }
  }
  if (len > 0) sink(std::string_view(buf.data(), len));
  if (progress && *progress) (*progress)(total, total);
}

// Hands chunks from a generating thread to the sending thread, so generating the next rows
// overlaps with the server parsing the previous ones. Memory stays bounded: at most kDepth
// chunks wait, whatever N.
class ChunkPipe {
 public:
  static constexpr std::size_t kDepth = 4;

  // Producer: blocks while kDepth chunks wait; throws when the consumer gave up.
  void push(std::string_view chunk) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return ready_.size() < kDepth || aborted_; });
    if (aborted_) throw std::runtime_error("COPY consumer stopped");
    std::string buf;
    if (!spare_.empty()) {
      buf = std::move(spare_.back());
      spare_.pop_back();
    }
    buf.assign(chunk);
    ready_.push_back(std::move(buf));
    cv_.notify_all();
  }
  // Producer: no more chunks; `error` (may be null) is re-thrown to the consumer.
  void close(std::exception_ptr error) {
    std::lock_guard lock(mu_);
    closed_ = true;
    error_ = error;
    cv_.notify_all();
  }
  // Consumer: next chunk into `out` (recycling out's buffer); false at the end.
  bool pop(std::string& out) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !ready_.empty() || closed_; });
    if (ready_.empty()) {
      if (error_) std::rethrow_exception(error_);
      return false;
    }
    if (!out.empty()) spare_.push_back(std::move(out));
    out = std::move(ready_.front());
    ready_.pop_front();
    cv_.notify_all();
    return true;
  }
  // Consumer: stop the producer (its next push throws).
  void abort() {
    std::lock_guard lock(mu_);
    aborted_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> ready_;
  std::vector<std::string> spare_;
  bool closed_ = false;
  bool aborted_ = false;
  std::exception_ptr error_;
};

// Sends the rows through `conn` (already in COPY IN): generation runs on its own thread.
void pipe_rows(db::Connection& conn, option::Landing landing, const ProductGenerator& gen,
               const ProgressFn& progress) {
  ChunkPipe pipe;
  std::thread producer([&] {
    try {
      stream_rows(
          landing, gen, 1, gen.count(), [&pipe](std::string_view c) { pipe.push(c); }, &progress);
      pipe.close(nullptr);
    } catch (...) {
      pipe.close(std::current_exception());
    }
  });
  try {
    std::string chunk;
    while (pipe.pop(chunk)) conn.copy_put(chunk);
  } catch (...) {
    pipe.abort();
    producer.join();
    throw;
  }
  producer.join();
}

}  // namespace

std::string copy_target(const option::SchemaOption& option) {
  return option.load_relation +
         std::string(option.landing == option::Landing::kTyped ? kTypedColumns : kDocumentColumns);
}

std::string format_copy_row(option::Landing landing, const Product& p) {
  std::string row(row_bound(p), '\0');
  char* w = row.data();
  landing == option::Landing::kTyped ? put_row_typed(w, p) : put_row_document(w, p);
  row.resize(static_cast<std::size_t>(w - row.data()));
  return row;
}

void write_copy_rows(option::Landing landing, const ProductGenerator& gen, std::FILE* out,
                     std::int64_t first_id, std::int64_t last_id) {
  if (last_id < 0) last_id = gen.count();
  stream_rows(
      landing, gen, first_id, last_id,
      [out](std::string_view chunk) {
        if (std::fwrite(chunk.data(), 1, chunk.size(), out) != chunk.size()) {
          throw InfraError("writing COPY rows failed");
        }
      },
      nullptr);
}

void copy_products(db::Connection& conn, const option::SchemaOption& option,
                   const ProductGenerator& gen, const ProgressFn& progress, bool freeze) {
  std::string sql = "COPY ";
  sql += copy_target(option);
  sql += freeze ? " FROM STDIN WITH (FREEZE)" : " FROM STDIN";
  conn.copy_begin(sql);
  try {
    pipe_rows(conn, option.landing, gen, progress);
  } catch (...) {
    // Leave the connection usable: end the COPY with an error, drain its results, re-throw.
    PQputCopyEnd(conn.raw(), "loadgate: COPY aborted");
    while (PGresult* res = PQgetResult(conn.raw())) PQclear(res);
    throw;
  }
  conn.copy_end();
}

}  // namespace lg::datagen
