// Internal: a thin RAII layer over the SQLite C API. Only src/store uses it.
//
//   SPCOOP_ASSIGN_OR_RETURN(auto db, SqliteDb::Open("var/spcoop.db"));
//   SPCOOP_ASSIGN_OR_RETURN(auto st, db->Prepare("SELECT name_en FROM economy WHERE iso3 = ?"));
//   st.Bind(1, "KHM");
//   while (st.Step() == StepResult::kRow) use(st.Text(0));
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "spcoop/core/status.h"

namespace spcoop::sqlite {

// Maps a SQLite result code and message to a Status (BUSY/LOCKED -> kUnavailable,
// CORRUPT/NOTADB -> kDataLoss, CONSTRAINT -> kConflict, otherwise kInternal).
Status FromSqlite(int rc, sqlite3* db, std::string_view what);

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& Bind(int i, std::string_view v);
  Statement& Bind(int i, int64_t v);
  Statement& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  Statement& Bind(int i, double v);
  Statement& Bind(int i, std::optional<double> v);
  Statement& BindNull(int i);

  // Advances: true when a row is available, false when done. Errors come back as Status.
  Result<bool> Step();
  // Runs to completion, ignoring rows.
  Status Run();
  void Reset();

  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int ColumnCount() const { return sqlite3_column_count(stmt_); }
  int ColumnType(int col) const { return sqlite3_column_type(stmt_, col); }
  int Changes() const { return sqlite3_changes(db_); }
  std::string Text(int col) const;
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Real(int col) const { return sqlite3_column_double(stmt_, col); }
  std::optional<double> OptReal(int col) const {
    if (IsNull(col)) return std::nullopt;
    return Real(col);
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Db {
 public:
  // Opens (creating if missing) with WAL, foreign keys and a busy timeout.
  static Result<std::unique_ptr<Db>> Open(const std::string& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  Result<Statement> Prepare(std::string_view sql);
  Status Exec(std::string_view sql);  // one or more statements, no parameters
  sqlite3* raw() { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

// Rolls back unless Commit() was called. Nested use is not supported.
class Transaction {
 public:
  static Result<Transaction> Begin(Db& db, bool immediate = true);
  Transaction(Transaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Transaction(const Transaction&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Db* db) : db_(db) {}
  Db* db_ = nullptr;
};

}  // namespace spcoop::sqlite
