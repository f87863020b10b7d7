// spcoop/store/sql.h — a transaction handle that runs the same SQL on every backend.
//
//   SPCOOP_RETURN_IF_ERROR(store.Transact([&](sql::Tx& tx) -> Status {
//     SPCOOP_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM app_user WHERE username = ?",
//                                                 {sql::Value(name)}));
//     ...
//     return Status::Ok();
//   }));
//
// The accounts, audit and workflow tables (accounts.h, workflow.h) are small and written by
// portable SQL: '?' placeholders (PostgreSQL's adapter numbers them), TEXT, INTEGER/BIGINT, and
// INSERT ... RETURNING. One implementation then serves SQLite and PostgreSQL, instead of two
// that could drift apart. The observation tables keep their backend-specific code (store.h),
// where speed depends on each engine's own bulk paths.
//
// Transact() runs the function in one write transaction (SQLite: BEGIN IMMEDIATE, so writers
// are serialised; PostgreSQL: READ COMMITTED plus an advisory lock per Lock() name) and commits
// when it returns OK; any error, or an exception, rolls everything back.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "spcoop/core/status.h"

namespace spcoop::sql {

// A parameter: NULL, an integer, a real or text.
using Value = std::variant<std::nullptr_t, int64_t, double, std::string>;

// One result row; columns by position, NULL as nullopt.
class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> cols) : cols_(std::move(cols)) {}
  bool IsNull(size_t i) const { return !cols_.at(i).has_value(); }
  const std::string& Text(size_t i) const;   // "" for NULL
  int64_t Int(size_t i) const;                // 0 for NULL
  double Real(size_t i) const;                // 0 for NULL
  size_t size() const { return cols_.size(); }

 private:
  std::vector<std::optional<std::string>> cols_;
};

class Tx {
 public:
  virtual ~Tx() = default;
  virtual Result<std::vector<Row>> Query(std::string_view sql, std::vector<Value> params) = 0;
  // Returns the number of rows changed.
  virtual Result<int64_t> Exec(std::string_view sql, std::vector<Value> params) = 0;
  // Serialises transactions that take the same lock until this one ends. (A no-op on SQLite,
  // whose write transactions are serialised already.)
  virtual Status Lock(std::string_view name) = 0;
  // "sqlite" or "postgresql", for the rare statement that must differ.
  virtual std::string_view dialect() const = 0;
};

}  // namespace spcoop::sql
