// The backend-neutral pieces of sql.h, and the SQLite adapter of sql::Tx.
#include "spcoop/store/sql.h"

#include <fmt/format.h>

#include <charconv>
#include <exception>

#include "sql_internal.h"
#include "sqlite_db.h"

namespace spcoop::sql {
namespace {

const std::string kEmpty;

}  // namespace

const std::string& Row::Text(size_t i) const {
  const auto& c = cols_.at(i);
  return c ? *c : kEmpty;
}

int64_t Row::Int(size_t i) const {
  const auto& c = cols_.at(i);
  if (!c) return 0;
  int64_t v = 0;
  std::from_chars(c->data(), c->data() + c->size(), v);
  return v;
}

double Row::Real(size_t i) const {
  const auto& c = cols_.at(i);
  if (!c) return 0;
  return std::strtod(c->c_str(), nullptr);
}

namespace {

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(sqlite::Db& db) : db_(db) {}

  Result<std::vector<Row>> Query(std::string_view text, std::vector<Value> params) override {
    SPCOOP_ASSIGN_OR_RETURN(sqlite::Statement st, Prepare(text, params));
    std::vector<Row> rows;
    while (true) {
      SPCOOP_ASSIGN_OR_RETURN(bool has, st.Step());
      if (!has) break;
      std::vector<std::optional<std::string>> cols;
      const int n = st.ColumnCount();
      cols.reserve(n);
      for (int i = 0; i < n; ++i) {
        switch (st.ColumnType(i)) {
          case SQLITE_NULL: cols.emplace_back(std::nullopt); break;
          case SQLITE_FLOAT: cols.emplace_back(fmt::format("{}", st.Real(i))); break;
          default: cols.emplace_back(st.Text(i)); break;
        }
      }
      rows.emplace_back(std::move(cols));
    }
    return rows;
  }

  Result<int64_t> Exec(std::string_view text, std::vector<Value> params) override {
    SPCOOP_ASSIGN_OR_RETURN(sqlite::Statement st, Prepare(text, params));
    SPCOOP_RETURN_IF_ERROR(st.Run());
    return static_cast<int64_t>(st.Changes());
  }

  Status Lock(std::string_view) override { return Status::Ok(); }
  std::string_view dialect() const override { return "sqlite"; }

 private:
  Result<sqlite::Statement> Prepare(std::string_view text, const std::vector<Value>& params) {
    SPCOOP_ASSIGN_OR_RETURN(sqlite::Statement st, db_.Prepare(text));
    for (size_t i = 0; i < params.size(); ++i) {
      const int at = static_cast<int>(i) + 1;
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) {
              st.BindNull(at);
            } else {
              st.Bind(at, v);
            }
          },
          params[i]);
    }
    return st;
  }

  sqlite::Db& db_;
};

}  // namespace

Status TransactSqlite(sqlite::Db& db, const std::function<Status(Tx&)>& fn) {
  SPCOOP_ASSIGN_OR_RETURN(auto tx, sqlite::Transaction::Begin(db, /*immediate=*/true));
  SqliteTx adapter(db);
  Status st = Status::Ok();
  try {
    st = fn(adapter);
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("out of memory in a transaction; nothing was written");
  } catch (const std::exception& e) {
    return Status::Internal(fmt::format("transaction failed: {}; nothing was written", e.what()));
  }
  if (!st.ok()) return st;  // the Transaction rolls back
  return tx.Commit();
}

}  // namespace spcoop::sql
