#include "harness/db/connection.hpp"

#include <regex>

#include "harness/core/errors.hpp"

namespace lg::db {
namespace {

std::string first_line(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  auto nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

Result check(PGresult* res, PGconn* conn, std::string_view context) {
  Result owned(res);
  const auto status = PQresultStatus(res);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_IN) {
    return owned;
  }
  throw make_db_error(res, conn, context);
}

}  // namespace

void silence_notices(PGconn* conn) {
  // NOTICEs such as "drop cascades to ..." are not the user's business on a benchmark run.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
}

DbError make_db_error(const PGresult* res, PGconn* conn, std::string_view context) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string msg = primary ? primary : first_line(PQerrorMessage(conn));
  std::string ctx(context.substr(0, 120));
  for (auto& c : ctx) {
    if (c == '\n') c = ' ';
  }
  return DbError(state ? state : "", first_line(msg) + (ctx.empty() ? "" : " (in: " + ctx + ")"));
}

Connection Connection::open(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string msg = conn ? first_line(PQerrorMessage(conn)) : "out of memory";
    if (conn) PQfinish(conn);
    throw InfraError("cannot connect to PostgreSQL (" + redact_dsn(conninfo) + "): " + msg);
  }
  silence_notices(conn);
  return Connection(conn);
}

void Connection::exec(std::string_view sql) {
  check(PQexec(conn_.get(), std::string(sql).c_str()), conn_.get(), sql);
}

Result Connection::query(std::string_view sql, const std::vector<Param>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return check(PQexecParams(conn_.get(), std::string(sql).c_str(), static_cast<int>(values.size()),
                            nullptr, values.data(), nullptr, nullptr, 0),
               conn_.get(), sql);
}

std::optional<std::string> Connection::scalar(std::string_view sql,
                                              const std::vector<Param>& params) {
  Result r = query(sql, params);
  if (r.rows() == 0 || r.cols() == 0 || r.is_null(0, 0)) return std::nullopt;
  return std::string(r.get(0, 0));
}

void Connection::copy_begin(std::string_view copy_sql) {
  check(PQexec(conn_.get(), std::string(copy_sql).c_str()), conn_.get(), copy_sql);
}

void Connection::copy_put(std::string_view data) {
  if (PQputCopyData(conn_.get(), data.data(), static_cast<int>(data.size())) != 1) {
    throw DbError("", "COPY failed: " + first_line(PQerrorMessage(conn_.get())));
  }
}

void Connection::copy_end() {
  if (PQputCopyEnd(conn_.get(), nullptr) != 1) {
    throw DbError("", "COPY end failed: " + first_line(PQerrorMessage(conn_.get())));
  }
  while (PGresult* res = PQgetResult(conn_.get())) {
    check(res, conn_.get(), "COPY");
  }
}

std::string redact_dsn(std::string_view dsn) {
  std::string s(dsn);
  const bool uri = s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0;
  if (uri) {
    // scheme://user:password@host and ?password=secret / &password=secret
    static const std::regex kUserInfo(R"(^(postgres(?:ql)?://[^:/@]*:)([^@]*)(@))");
    static const std::regex kQuery(R"(([?&]password=)[^&]*)");
    return std::regex_replace(std::regex_replace(s, kUserInfo, "$1***$3"), kQuery, "$1***");
  }
  // keyword form: password=secret or password='se cret'
  static const std::regex kKeyword(R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+))");
  return std::regex_replace(s, kKeyword, "$1***");
}

std::string quote_ident(std::string_view ident) {
  std::string out = "\"";
  for (char c : ident) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace lg::db
