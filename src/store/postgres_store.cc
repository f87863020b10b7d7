// The PostgreSQL backend of Store. See store.h for the contract and docs/postgresql.md for use.
// It behaves exactly like the SQLite backend (sqlite_store.cc); the conformance tests in
// store_test.cc run against both.
//
// Exceptions. libpqxx reports every failure by throwing. Each public method runs its body
// through Guard(), which catches and turns the exception into a Status (StatusFromException):
// nothing throws past this file.
//
// Locking. Writers of revisions are serialised per schema with transaction-scoped advisory locks
// (pg_advisory_xact_lock), taken as the first statement of a READ COMMITTED transaction:
//   ApplyImport, DeleteObservation -> kLockObservations
//   SetTarget, DeleteTarget        -> kLockTargets
//   Migrate                        -> kLockMigrate
// The lock is held until commit or rollback, and in READ COMMITTED every later statement sees
// what the previous holder committed. So a writer always compares rows with the values its
// predecessor committed, revision ids (drawn after the lock is taken) grow in commit order, and
// obs_current always points at the revision with the highest id. Two imports of the same key
// from two connections both land, in order, and the later one is current: no update is lost and
// neither gets an error. Readers never wait. A writer that waits longer than lock_timeout (60 s
// unless the connection sets its own) gets kUnavailable. Row locks were rejected: an import of a
// million rows would take a million row locks, keys that are new have no row to lock, and the
// added/changed/unchanged counts would still race with a concurrent import of the same keys.
// The lock key is (purpose, hashtext(current_schema())), so deployments in different schemas of
// one database do not wait for each other. Reference data (Put*) needs no lock: it is replaced by
// one INSERT ... ON CONFLICT DO UPDATE per call, which PostgreSQL makes safe under concurrency.
//
// Speed. ApplyImport makes a fixed number of round trips (about a dozen) whatever the number of
// rows: the rows are dictionary-encoded on the client (distinct series keys and distinct
// attribute sets become small integers, so a row is four numbers), sent with COPY
// (pqxx::stream_to) into temporary tables, classified with one join against obs_current, and
// appended with one INSERT ... SELECT whose RETURNING feeds obs_current. Only counts, and the row
// numbers of the less common changes, come back. Put* use COPY and one upsert the same way.
#include "postgres_store.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <new>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "postgres_migrations.h"
#include "spcoop/store/sql.h"

namespace spcoop {
namespace {

using pg::kMigrations;

// Advisory lock purposes (the first key of pg_advisory_xact_lock(int, int)). The values spell
// "SPC" and a digit so they are unlikely to collide with another application's locks.
constexpr int kLockMigrate = 0x53504330;
constexpr int kLockObservations = 0x53504331;
constexpr int kLockTargets = 0x53504332;

// Imports above this many rows ANALYZE their temporary table so the planner sees its size.
constexpr size_t kAnalyzeThreshold = 5000;

// ---------------------------------------------------------------- errors

// "ERROR:  duplicate key ...\nDETAIL:  Key ..." -> "duplicate key ...; DETAIL: Key ...": one line,
// without the severity and without the excerpt of our own SQL.
std::string CleanMessage(std::string_view raw) {
  std::string out;
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t nl = raw.find('\n', pos);
    if (nl == std::string_view::npos) nl = raw.size();
    std::string line;
    bool space = false;
    for (char c : raw.substr(pos, nl - pos)) {
      if (c == ' ' || c == '\t' || c == '\r') {
        space = !line.empty();
        continue;
      }
      if (space) line += ' ';
      space = false;
      line += c;
    }
    pos = nl + 1;
    // "LINE 1: <statement>", its "^" marker and "CONTEXT: COPY imp_row ..." point into SQL and
    // temporary tables the caller never sees.
    if (line.empty() || line == "^" || line.starts_with("LINE ") || line.starts_with("CONTEXT:")) {
      continue;
    }
    if (!out.empty()) out += "; ";
    out += line;
  }
  for (std::string_view prefix : {"ERROR: ", "FATAL: "}) {
    if (out.starts_with(prefix)) out.erase(0, prefix.size());
  }
  return out;
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

Status FromSqlState(const std::string& state, std::string_view what, const std::string& msg) {
  std::string m = fmt::format("{}: {}", what, msg);
  auto cls = std::string_view(state).substr(0, 2);
  if (state == "40001" || state == "40P01") {
    return Status::Conflict(m + " (a concurrent transaction got in the way; retry)");
  }
  if (state == "55P03" || state == "57014") {
    return Status::Unavailable(
        m +
        " (the database is busy: another writer holds the lock past lock_timeout; retry, or "
        "wait for the other import to finish)");
  }
  if (state == "3F000") {
    return Status::FailedPrecondition(
        m +
        " (the schema named by the connection's search_path does not exist; create it with "
        "CREATE SCHEMA, or fix options=-csearch_path in the URI)");
  }
  if (state == "42P01" || state == "42883") {
    return Status::FailedPrecondition(
        m +
        " (the spcoop schema is missing or incomplete in this database; run 'spcoop init' or "
        "Migrate())");
  }
  if (state == "XX001" || state == "XX002") {
    return Status::DataLoss(m + " (restore the database from a backup)");
  }
  if (state == "53300" || state == "57P01" || state == "57P02" || state == "57P03" || cls == "08") {
    return Status::Unavailable(m + " (the PostgreSQL server is not available; retry later)");
  }
  if (cls == "23") return Status::Conflict(m);
  if (cls == "22") return Status::InvalidArgument(m);
  if (cls == "28") return Status::Unauthenticated(m);
  if (state == "42501") {
    return Status::PermissionDenied(
        m + " (the database role lacks a privilege; see docs/postgresql.md for the grants)");
  }
  if (cls == "53") return Status::ResourceExhausted(m);
  if (cls == "25" || cls == "40") return Status::Conflict(m);
  return Status::Internal(m);
}

// Turns the exception being handled into a Status. Call only inside a catch block.
Status StatusFromException(std::string_view what) {
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    return Status::Unavailable(fmt::format(
        "{}: lost the connection to PostgreSQL: {} (is the server running? retry when it is back)",
        what, CleanMessage(e.what())));
  } catch (const pqxx::sql_error& e) {
    return FromSqlState(e.sqlstate(), what, CleanMessage(e.what()));
  } catch (const pqxx::in_doubt_error& e) {
    return Status::Unavailable(fmt::format(
        "{}: the connection broke while committing, so it is unknown whether the change was "
        "stored: {} (check History or ListImports before retrying)",
        what, CleanMessage(e.what())));
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted(fmt::format("{}: out of memory", what));
  } catch (const std::exception& e) {
    return Status::Internal(fmt::format("{}: {}", what, CleanMessage(e.what())));
  } catch (...) {
    return Status::Internal(fmt::format("{}: unknown exception", what));
  }
}

// Runs `body` (returning Status or Result<T>) and turns any exception into that return type.
template <typename F>
auto Guard(std::string_view what, F&& body) -> decltype(body()) {
  try {
    return std::forward<F>(body)();
  } catch (...) {
    return ErrorReturn{StatusFromException(what)};
  }
}

// ---------------------------------------------------------------- small helpers

std::string Text(const pqxx::field& f) {
  return f.is_null() ? std::string() : std::string(f.c_str(), f.size());
}
int64_t Int(const pqxx::field& f) { return f.as<int64_t>(); }
double Real(const pqxx::field& f) { return f.as<double>(); }
std::optional<double> OptReal(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<double>();
}
bool Bool(const pqxx::field& f) { return f.as<bool>(); }

State ParseState(std::string_view s) {
  if (s == "draft") return State::kDraft;
  if (s == "submitted") return State::kSubmitted;
  return State::kPublished;
}

// The shortest text that reads back as exactly `v` (COPY and parameters).
std::string Float(double v) { return fmt::format("{}", v); }

// Takes a writer lock for this schema until the transaction ends. See "Locking" above.
void LockForWrite(pqxx::transaction_base& tx, int purpose) {
  tx.exec_params("SELECT pg_advisory_xact_lock($1, hashtext(COALESCE(current_schema(), '')))",
                 purpose);
}

// A WHERE clause with numbered parameters ($1, $2, ...) and their values.
class Where {
 public:
  explicit Where(std::string initial = "") : sql_(std::move(initial)) {}

  std::string Param(std::string value) {
    binds_.push_back(std::move(value));
    return fmt::format("${}", binds_.size());
  }
  void And(std::string_view condition) {
    sql_ += sql_.empty() ? " WHERE " : " AND ";
    sql_ += condition;
  }
  void In(std::string_view column, const std::vector<std::string>& values) {
    if (values.empty()) return;
    std::string list;
    for (const std::string& v : values) {
      if (!list.empty()) list += ',';
      list += Param(v);
    }
    And(fmt::format("{} IN ({})", column, list));
  }
  void Eq(std::string_view column, const std::optional<std::string>& value) {
    if (value) And(fmt::format("{} = {}", column, Param(*value)));
  }

  const std::string& sql() const { return sql_; }
  const std::vector<std::string>& binds() const { return binds_; }

 private:
  std::string sql_;
  std::vector<std::string> binds_;
};

pqxx::result ExecWhere(pqxx::transaction_base& tx, const std::string& sql, const Where& w) {
  return tx.exec_params(sql, pqxx::prepare::make_dynamic_params(w.binds()));
}

// ---------------------------------------------------------------- import encoding

// Hash and equality of an observation's series key (the key without the year).
struct SeriesKeyHash {
  size_t operator()(const ObservationKey* k) const {
    std::hash<std::string_view> h;
    size_t v = h(k->series);
    for (const std::string* s : {&k->economy, &k->sex, &k->age, &k->quantile}) {
      v = v * 1000003u ^ h(*s);
    }
    return v;
  }
};
struct SeriesKeyEq {
  bool operator()(const ObservationKey* a, const ObservationKey* b) const {
    return a->series == b->series && a->economy == b->economy && a->sex == b->sex &&
           a->age == b->age && a->quantile == b->quantile;
  }
};
// Hash and equality of an observation's attributes and state.
struct AttrHash {
  size_t operator()(const Observation* o) const {
    std::hash<std::string_view> h;
    const Attributes& a = o->attributes;
    size_t v = static_cast<size_t>(o->state);
    for (const std::string* s : {&a.unit, &a.nature, &a.source, &a.note, &a.reporting_type}) {
      v = v * 1000003u ^ h(*s);
    }
    return v;
  }
};
struct AttrEq {
  bool operator()(const Observation* a, const Observation* b) const {
    return a->state == b->state && a->attributes == b->attributes;
  }
};

// The rows of an import as small integers: row i has series key keys[key_of[i]] and the
// attributes of attrs[attr_of[i]].
struct EncodedRows {
  std::vector<const ObservationKey*> keys;  // distinct, in order of first appearance
  std::vector<const Observation*> attrs;    // distinct attributes + state, same order
  std::vector<int32_t> key_of, attr_of;
};

// Encodes `rows`; kInvalidArgument when two rows have the same key (nothing has been written).
Result<EncodedRows> EncodeRows(std::span<const Observation> rows) {
  EncodedRows enc;
  std::unordered_map<const ObservationKey*, int32_t, SeriesKeyHash, SeriesKeyEq> key_ids;
  std::unordered_map<const Observation*, int32_t, AttrHash, AttrEq> attr_ids;
  std::unordered_set<uint64_t> seen;
  seen.reserve(rows.size());
  enc.key_of.reserve(rows.size());
  enc.attr_of.reserve(rows.size());
  for (const Observation& o : rows) {
    const ObservationKey& k = o.key;
    auto [kit, new_key] = key_ids.try_emplace(&k, static_cast<int32_t>(enc.keys.size()));
    if (new_key) enc.keys.push_back(&k);
    auto [ait, new_attr] = attr_ids.try_emplace(&o, static_cast<int32_t>(enc.attrs.size()));
    if (new_attr) enc.attrs.push_back(&o);
    uint64_t slot = (static_cast<uint64_t>(kit->second) << 32) | static_cast<uint32_t>(k.year);
    if (!seen.insert(slot).second) {
      return Err(Status::InvalidArgument(fmt::format(
          "two rows have the same key ({} {} sex={} age={} quantile={} year={}); keep one",
          k.series, k.economy, k.sex, k.age, k.quantile, k.year)));
    }
    enc.key_of.push_back(kit->second);
    enc.attr_of.push_back(ait->second);
  }
  return enc;
}

constexpr std::string_view kCreateImportTables = R"sql(
CREATE TEMP TABLE imp_key (
  kid INTEGER PRIMARY KEY, key_id BIGINT,
  series TEXT COLLATE "C" NOT NULL, economy TEXT COLLATE "C" NOT NULL,
  sex TEXT COLLATE "C" NOT NULL, age TEXT COLLATE "C" NOT NULL, quantile TEXT COLLATE "C" NOT NULL
) ON COMMIT DROP;
CREATE TEMP TABLE imp_attr (
  aid INTEGER PRIMARY KEY,
  unit TEXT NOT NULL, nature TEXT NOT NULL, source TEXT NOT NULL, note TEXT NOT NULL,
  state TEXT NOT NULL, reporting_type TEXT NOT NULL
) ON COMMIT DROP;
CREATE TEMP TABLE imp_row (
  ord INTEGER GENERATED ALWAYS AS IDENTITY (MINVALUE 0 START 0 CACHE 1000),
  kid INTEGER NOT NULL, year INTEGER NOT NULL,
  value DOUBLE PRECISION NOT NULL, aid INTEGER NOT NULL
) ON COMMIT DROP;
)sql";

// Adds the series keys that are new to obs_key (in order of first appearance) and looks up the
// id of every key of the import.
constexpr std::string_view kResolveKeys = R"sql(
INSERT INTO obs_key (series, economy, sex, age, quantile)
  SELECT series, economy, sex, age, quantile FROM imp_key ORDER BY kid
  ON CONFLICT DO NOTHING;
UPDATE imp_key i SET key_id = k.id FROM obs_key k
  WHERE k.series = i.series AND k.economy = i.economy AND k.sex = i.sex AND k.age = i.age
    AND k.quantile = i.quantile;
)sql";

// Classifies every row against the current value of its key: 0 added (no current value, or a
// deletion), 1 changed, 2 unchanged (same value, attributes and state). Same rule as SQLite.
constexpr std::string_view kDiff = R"sql(
CREATE TEMP TABLE imp_diff ON COMMIT DROP AS
SELECT r.ord, m.key_id, r.year, r.value, r.aid,
       CASE WHEN rev.id IS NULL OR rev.deleted THEN 0
            WHEN rev.value = r.value AND rev.unit = a.unit AND rev.nature = a.nature
                 AND rev.source = a.source AND rev.note = a.note AND rev.state = a.state
                 AND rev.reporting_type = a.reporting_type THEN 2
            ELSE 1 END AS change
FROM imp_row r
JOIN imp_key m ON m.kid = r.kid
JOIN imp_attr a ON a.aid = r.aid
LEFT JOIN obs_current c ON c.key_id = m.key_id AND c.year = r.year
LEFT JOIN obs_revision rev ON rev.id = c.revision_id
)sql";

// Appends a revision for each added or changed row and points obs_current at it (not sorted by
// row: an import holds at most one revision per key, so the order among them carries nothing):
// the keys that had a current row are updated, the others inserted. Both sub-statements see the
// table as it was before the statement, so they never touch the same key.
constexpr std::string_view kAppendRevisions = R"sql(
WITH ins AS (
  INSERT INTO obs_revision (key_id, year, value, deleted, unit, nature, source, note, state,
                            author, origin, reason, recorded_at, import_id, reporting_type)
  SELECT d.key_id, d.year, d.value, FALSE, a.unit, a.nature, a.source, a.note, a.state,
         $1, $2, $3, $4, $5, a.reporting_type
  FROM imp_diff d JOIN imp_attr a ON a.aid = d.aid
  WHERE d.change <> 2
  RETURNING id, key_id, year),
upd AS (
  UPDATE obs_current c SET revision_id = ins.id FROM ins
  WHERE c.key_id = ins.key_id AND c.year = ins.year)
INSERT INTO obs_current (key_id, year, revision_id)
  SELECT ins.key_id, ins.year, ins.id FROM ins
  WHERE NOT EXISTS (SELECT 1 FROM obs_current c WHERE c.key_id = ins.key_id AND c.year = ins.year)
)sql";

// ---------------------------------------------------------------- the store

// ---------------------------------------------------------------- sql::Tx adapter

// Runs portable SQL (sql.h) in a pqxx transaction: '?' placeholders become $1, $2, ...; a NULL
// parameter is written into the text as NULL (libpqxx 6's dynamic parameters are strings).
class PgTx final : public sql::Tx {
 public:
  explicit PgTx(pqxx::work& tx) : tx_(tx) {}

  Result<std::vector<sql::Row>> Query(std::string_view text,
                                      std::vector<sql::Value> params) override {
    return Guard("query", [&]() -> Result<std::vector<sql::Row>> {
      pqxx::result res = Run(text, params);
      std::vector<sql::Row> rows;
      rows.reserve(res.size());
      for (const pqxx::row& r : res) {
        std::vector<std::optional<std::string>> cols;
        cols.reserve(r.size());
        for (const pqxx::field& f : r) {
          if (f.is_null()) {
            cols.emplace_back(std::nullopt);
          } else {
            cols.emplace_back(std::string(f.c_str(), f.size()));
          }
        }
        rows.emplace_back(std::move(cols));
      }
      return rows;
    });
  }

  Result<int64_t> Exec(std::string_view text, std::vector<sql::Value> params) override {
    return Guard("exec", [&]() -> Result<int64_t> {
      return static_cast<int64_t>(Run(text, params).affected_rows());
    });
  }

  Status Lock(std::string_view name) override {
    return Guard("lock", [&]() -> Status {
      tx_.exec_params("SELECT pg_advisory_xact_lock(hashtext($1), hashtext(COALESCE("
                      "current_schema(), '')))",
                      "spcoop:" + std::string(name));
      return Status::Ok();
    });
  }

  std::string_view dialect() const override { return "postgresql"; }

 private:
  pqxx::result Run(std::string_view text, const std::vector<sql::Value>& params) {
    std::string out;
    out.reserve(text.size() + 16);
    std::vector<std::string> binds;
    size_t next = 0;
    bool in_string = false;
    for (char c : text) {
      if (c == '\'') in_string = !in_string;
      if (c != '?' || in_string) {
        out += c;
        continue;
      }
      if (next >= params.size()) throw std::invalid_argument("more placeholders than parameters");
      const sql::Value& v = params[next++];
      if (std::holds_alternative<std::nullptr_t>(v)) {
        out += "NULL";
        continue;
      }
      if (const auto* i = std::get_if<int64_t>(&v)) {
        binds.push_back(std::to_string(*i));
      } else if (const auto* d = std::get_if<double>(&v)) {
        binds.push_back(Float(*d));
      } else {
        binds.push_back(std::get<std::string>(v));
      }
      out += fmt::format("${}", binds.size());
    }
    if (next != params.size()) throw std::invalid_argument("more parameters than placeholders");
    return tx_.exec_params(out, pqxx::prepare::make_dynamic_params(binds));
  }

  pqxx::work& tx_;
};

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(std::unique_ptr<pqxx::connection> conn) : conn_(std::move(conn)) {}

  Status Migrate() override {
    return Guard("migrate", [&]() -> Status {
      const int newest = kMigrations[std::size(kMigrations) - 1].version;
      // One migration per transaction, each under the migration lock, re-reading the version
      // after taking the lock: a process that waited finds the work done and applies nothing.
      while (true) {
        pqxx::work tx(*conn_);
        LockForWrite(tx, kLockMigrate);
        bool has_table = HasMigrationTable(tx);
        int current = has_table ? ReadVersion(tx) : 0;
        if (current > newest) {
          return Status::FailedPrecondition(fmt::format(
              "the database has schema version {}, newer than this spcoop ({}); upgrade spcoop",
              current, newest));
        }
        const pg::Migration* next = nullptr;
        for (const auto& m : kMigrations) {
          if (m.version > current) {
            next = &m;
            break;
          }
        }
        if (!next) {
          tx.commit();
          return Status::Ok();
        }
        if (!has_table) {
          tx.exec0(
              "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
              "applied_at TEXT NOT NULL)");
        }
        tx.exec0(std::string(next->sql));
        tx.exec_params0(
            "INSERT INTO schema_migration (version, name, applied_at) VALUES ($1,$2,$3)",
            next->version, std::string(next->name), NowUtc());
        tx.commit();
      }
    });
  }

  Status Transact(const std::function<Status(sql::Tx&)>& fn) override {
    return Guard("transaction", [&]() -> Status {
      pqxx::work tx(*conn_);
      PgTx adapter(tx);
      Status st = fn(adapter);
      if (!st.ok()) return st;  // pqxx::work rolls back when destroyed uncommitted
      tx.commit();
      return Status::Ok();
    });
  }

  Result<int> SchemaVersion() override {
    return Guard("schema version", [&]() -> Result<int> {
      pqxx::nontransaction tx(*conn_);
      if (!HasMigrationTable(tx)) return 0;
      return ReadVersion(tx);
    });
  }

  // ---------------------------------------------------------------- reference data
  Status PutEconomies(std::span<const Economy> economies) override {
    static const std::vector<std::string> kColumns = {
        "iso3",         "iso2",      "m49",           "name_en",   "name_zh",
        "name_ru",      "name_fr",   "name_short_en", "subregion", "membership",
        "income_group", "wb_region", "ldc",           "lldc",      "sids"};
    return Guard("put economies", [&]() -> Status {
      pqxx::work tx(*conn_);
      UpsertRows(tx, "economy", kColumns, 1, economies, [](const Economy& e) {
        return std::make_tuple(e.iso3, e.iso2, e.m49, e.name[0], e.name[1], e.name[2], e.name[3],
                               e.name_short_en, e.subregion, e.membership, e.income_group,
                               e.wb_region, e.ldc, e.lldc, e.sids);
      });
      tx.commit();
      return Status::Ok();
    });
  }

  static constexpr std::string_view kEconomyColumns =
      "iso3, iso2, m49, name_en, name_zh, name_ru, name_fr, name_short_en, subregion, "
      "membership, income_group, wb_region, ldc, lldc, sids";

  static Economy ReadEconomy(const pqxx::row& r) {
    Economy e;
    e.iso3 = Text(r[0]);
    e.iso2 = Text(r[1]);
    e.m49 = Text(r[2]);
    for (int l = 0; l < kLanguageCount; ++l) e.name[l] = Text(r[3 + l]);
    e.name_short_en = Text(r[7]);
    e.subregion = Text(r[8]);
    e.membership = Text(r[9]);
    e.income_group = Text(r[10]);
    e.wb_region = Text(r[11]);
    e.ldc = Bool(r[12]);
    e.lldc = Bool(r[13]);
    e.sids = Bool(r[14]);
    return e;
  }

  Result<std::vector<Economy>> ListEconomies() override {
    return Guard("list economies", [&]() -> Result<std::vector<Economy>> {
      pqxx::nontransaction tx(*conn_);
      auto res = tx.exec(fmt::format("SELECT {} FROM economy ORDER BY iso3", kEconomyColumns));
      std::vector<Economy> out;
      out.reserve(res.size());
      for (const auto& r : res) out.push_back(ReadEconomy(r));
      return out;
    });
  }

  Result<Economy> GetEconomy(std::string_view iso3) override {
    return Guard("get economy", [&]() -> Result<Economy> {
      pqxx::nontransaction tx(*conn_);
      auto res =
          tx.exec_params(fmt::format("SELECT {} FROM economy WHERE iso3 = $1", kEconomyColumns),
                         std::string(iso3));
      if (res.empty()) {
        return Err(Status::NotFound(
            fmt::format("economy '{}' is not known; use an ISO 3166 alpha-3 code listed by 'spcoop "
                        "economies'",
                        iso3)));
      }
      return ReadEconomy(res[0]);
    });
  }

  Status PutPopulation(std::span<const PopulationRow> rows) override {
    static const std::vector<std::string> kColumns = {"economy", "year",       "sex",    "age_from",
                                                      "age_to",  "population", "variant"};
    return Guard("put population", [&]() -> Status {
      pqxx::work tx(*conn_);
      UpsertRows(tx, "population", kColumns, 4, rows, [](const PopulationRow& r) {
        return std::make_tuple(r.economy, r.year, r.sex, r.age_from, r.age_to, Float(r.population),
                               r.variant);
      });
      tx.commit();
      return Status::Ok();
    });
  }

  Result<std::vector<PopulationRow>> QueryPopulation(const PopulationFilter& f) override {
    return Guard("query population", [&]() -> Result<std::vector<PopulationRow>> {
      Where w;
      w.In("economy", f.economies);
      w.Eq("sex", f.sex);
      if (f.year) w.And(fmt::format("year = {}::integer", w.Param(std::to_string(*f.year))));
      pqxx::nontransaction tx(*conn_);
      auto res = ExecWhere(tx,
                           "SELECT economy, year, sex, age_from, age_to, population, variant "
                           "FROM population" +
                               w.sql() + " ORDER BY economy, year, sex, age_from",
                           w);
      std::vector<PopulationRow> out;
      out.reserve(res.size());
      for (const auto& r : res) {
        out.push_back({Text(r[0]), static_cast<int>(Int(r[1])), Text(r[2]),
                       static_cast<int>(Int(r[3])), static_cast<int>(Int(r[4])), Real(r[5]),
                       Text(r[6])});
      }
      return out;
    });
  }

  Status PutIndicatorValues(std::span<const IndicatorValue> values) override {
    static const std::vector<std::string> kColumns = {"economy", "indicator", "location", "year",
                                                      "value",   "unit",      "status",   "source"};
    return Guard("put indicator values", [&]() -> Status {
      pqxx::work tx(*conn_);
      UpsertRows(tx, "indicator_value", kColumns, 4, values, [](const IndicatorValue& v) {
        return std::make_tuple(v.economy, v.indicator, v.location, v.year, Float(v.value), v.unit,
                               v.status, v.source);
      });
      tx.commit();
      return Status::Ok();
    });
  }

  Result<std::vector<IndicatorValue>> QueryIndicatorValues(std::string_view economy,
                                                           std::string_view indicator) override {
    return Guard("query indicator values", [&]() -> Result<std::vector<IndicatorValue>> {
      pqxx::nontransaction tx(*conn_);
      auto res = tx.exec_params(
          "SELECT economy, indicator, location, year, value, unit, status, source "
          "FROM indicator_value WHERE ($1 = '' OR economy = $1) AND ($2 = '' OR indicator = $2) "
          "ORDER BY economy, indicator, location, year",
          std::string(economy), std::string(indicator));
      std::vector<IndicatorValue> out;
      out.reserve(res.size());
      for (const auto& r : res) {
        out.push_back({Text(r[0]), Text(r[1]), Text(r[2]), static_cast<int>(Int(r[3])), Real(r[4]),
                       Text(r[5]), Text(r[6]), Text(r[7])});
      }
      return out;
    });
  }

  Status PutRegionalEstimates(std::span<const RegionalEstimate> values) override {
    static const std::vector<std::string> kColumns = {"region",      "series", "sex",   "year",
                                                      "region_name", "value",  "source"};
    return Guard("put regional estimates", [&]() -> Status {
      pqxx::work tx(*conn_);
      UpsertRows(tx, "regional_estimate", kColumns, 4, values, [](const RegionalEstimate& v) {
        return std::make_tuple(v.region, v.series, v.sex, v.year, v.region_name, Float(v.value),
                               v.source);
      });
      tx.commit();
      return Status::Ok();
    });
  }

  Result<std::vector<RegionalEstimate>> QueryRegionalEstimates(std::string_view region,
                                                               std::string_view series) override {
    return Guard("query regional estimates", [&]() -> Result<std::vector<RegionalEstimate>> {
      pqxx::nontransaction tx(*conn_);
      auto res = tx.exec_params(
          "SELECT region, region_name, series, sex, year, value, source FROM regional_estimate "
          "WHERE ($1 = '' OR region = $1) AND ($2 = '' OR series = $2) "
          "ORDER BY region, series, sex, year",
          std::string(region), std::string(series));
      std::vector<RegionalEstimate> out;
      out.reserve(res.size());
      for (const auto& r : res) {
        out.push_back({Text(r[0]), Text(r[1]), Text(r[2]), Text(r[3]), static_cast<int>(Int(r[4])),
                       Real(r[5]), Text(r[6])});
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- observations
  Result<ImportRecord> ApplyImport(ImportRecord record, std::span<const Observation> rows,
                                   const ImportOptions& options,
                                   std::vector<RowChange>* changes) override {
    // Refuse duplicate keys before touching the database.
    SPCOOP_ASSIGN_OR_RETURN(EncodedRows enc, EncodeRows(rows));
    if (record.recorded_at.empty()) record.recorded_at = NowUtc();
    return Guard("import", [&]() -> Result<ImportRecord> {
      pqxx::work tx(*conn_);
      LockForWrite(tx, kLockObservations);
      record.id = Int(tx.exec_params1(
          "INSERT INTO import_batch (file_name, sha256, format, source, vintage, author, origin, "
          "reason, recorded_at, rows, added, changed, unchanged, skipped) "
          "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,0,0,0,0,0) RETURNING id",
          record.file_name, record.sha256, record.format, record.source, record.vintage,
          record.provenance.author, record.provenance.origin, record.provenance.reason,
          record.recorded_at)[0]);
      if (record.provenance.origin.empty()) {
        record.provenance.origin = fmt::format("import:{}", record.id);
      }
      record.rows = static_cast<int64_t>(rows.size());
      record.added = record.changed = record.unchanged = 0;

      if (changes) changes->clear();
      if (!rows.empty()) {
        tx.exec0(std::string(kCreateImportTables));
        const auto total = static_cast<int64_t>(rows.size());
        if (options.progress) options.progress(0, total);
        CopyImport(tx, rows, enc);
        // COPY is the client's share of the work; the set-based statements below run on the
        // server without intermediate progress, so report half way here.
        if (options.progress) options.progress(total / 2, total);
        if (rows.size() > kAnalyzeThreshold) {
          // Big imports hash-join a million rows or more: give them room unless the connection
          // already has more, and let the planner see the temporary tables' sizes.
          tx.exec0(
              "SELECT set_config('work_mem', '64MB', true) "
              "WHERE pg_size_bytes(current_setting('work_mem')) < pg_size_bytes('64MB'); "
              "ANALYZE imp_key; ANALYZE imp_row");
        }
        tx.exec0(std::string(kResolveKeys));
        tx.exec0(std::string(kDiff));
        if (!options.dry_run) {
          tx.exec_params0(std::string(kAppendRevisions), record.provenance.author,
                          record.provenance.origin, record.provenance.reason, record.recorded_at,
                          record.id);
        }
        SPCOOP_RETURN_IF_ERROR(ReadChanges(tx, rows.size(), record, changes));
        if (options.progress) options.progress(total, total);
      }
      tx.exec_params0(
          "UPDATE import_batch SET origin = $1, rows = $2, added = $3, changed = $4, "
          "unchanged = $5, skipped = $6 WHERE id = $7",
          record.provenance.origin, record.rows, record.added, record.changed, record.unchanged,
          record.skipped, record.id);
      if (options.dry_run) {
        tx.abort();
        return record;
      }
      tx.commit();
      return record;
    });
  }

  Result<std::vector<Observation>> QueryObservations(const ObservationFilter& f) override {
    return Guard("query observations", [&]() -> Result<std::vector<Observation>> {
      Where w = ObservationWhere(f);
      std::string sql =
          "SELECT k.series, k.economy, k.sex, k.age, k.quantile, c.year, r.value, r.unit, "
          "r.nature, r.source, r.note, r.id, r.state, r.reporting_type FROM obs_current c JOIN "
          "obs_key k ON k.id = "
          "c.key_id JOIN obs_revision r ON r.id = c.revision_id" +
          w.sql() + " ORDER BY k.series, k.economy, k.sex, k.age, k.quantile, c.year";
      if (f.limit > 0) {
        std::string limit = w.Param(std::to_string(f.limit));
        std::string offset = w.Param(std::to_string(f.offset));
        sql += fmt::format(" LIMIT {}::bigint OFFSET {}::bigint", limit, offset);
      }
      pqxx::nontransaction tx(*conn_);
      auto res = ExecWhere(tx, sql, w);
      std::vector<Observation> out;
      out.reserve(res.size());
      for (const auto& r : res) {
        Observation o;
        o.key = {Text(r[0]), Text(r[1]), Text(r[2]),
                 Text(r[3]), Text(r[4]), static_cast<int>(Int(r[5]))};
        o.value = Real(r[6]);
        o.attributes = {Text(r[7]), Text(r[8]), Text(r[9]), Text(r[10]), Text(r[13])};
        o.revision = Int(r[11]);
        o.state = ParseState(Text(r[12]));
        out.push_back(std::move(o));
      }
      return out;
    });
  }

  Result<int64_t> CountObservations(const ObservationFilter& f) override {
    return Guard("count observations", [&]() -> Result<int64_t> {
      Where w = ObservationWhere(f);
      pqxx::nontransaction tx(*conn_);
      auto res = ExecWhere(tx,
                           "SELECT COUNT(*) FROM obs_current c JOIN obs_key k ON k.id = c.key_id "
                           "JOIN obs_revision r ON r.id = c.revision_id" +
                               w.sql(),
                           w);
      return Int(res[0][0]);
    });
  }

  Result<std::vector<Revision>> History(const ObservationKey& key) override {
    return Guard("history", [&]() -> Result<std::vector<Revision>> {
      pqxx::nontransaction tx(*conn_);
      auto res = tx.exec_params(
          "SELECT r.id, r.value, r.deleted, r.unit, r.nature, r.source, r.note, r.state, "
          "r.author, r.origin, r.reason, r.recorded_at, COALESCE(r.import_id, 0), "
          "r.reporting_type FROM obs_revision r JOIN obs_key k ON k.id = r.key_id "
          "WHERE k.series = $1 AND k.economy = $2 AND k.sex = $3 AND k.age = $4 "
          "AND k.quantile = $5 AND r.year = $6 ORDER BY r.id",
          key.series, key.economy, key.sex, key.age, key.quantile, key.year);
      std::vector<Revision> out;
      out.reserve(res.size());
      for (const auto& row : res) {
        Revision r;
        r.id = Int(row[0]);
        r.key = key;
        r.value = OptReal(row[1]);
        r.deleted = Bool(row[2]);
        r.attributes = {Text(row[3]), Text(row[4]), Text(row[5]), Text(row[6]), Text(row[13])};
        r.state = ParseState(Text(row[7]));
        r.provenance = {Text(row[8]), Text(row[9]), Text(row[10])};
        r.recorded_at = Text(row[11]);
        r.import_id = Int(row[12]);
        out.push_back(std::move(r));
      }
      return out;
    });
  }

  Result<Revision> DeleteObservation(const ObservationKey& key,
                                     const Provenance& provenance) override {
    return Guard("delete observation", [&]() -> Result<Revision> {
      pqxx::work tx(*conn_);
      LockForWrite(tx, kLockObservations);
      auto cur = tx.exec_params(
          "SELECT c.key_id, r.deleted, r.unit, r.nature, r.source, r.note, r.state, "
          "r.reporting_type FROM obs_current c JOIN obs_key k ON k.id = c.key_id JOIN obs_revision "
          "r "
          "ON r.id = c.revision_id WHERE k.series = $1 AND k.economy = $2 AND k.sex = $3 "
          "AND k.age = $4 AND k.quantile = $5 AND c.year = $6",
          key.series, key.economy, key.sex, key.age, key.quantile, key.year);
      if (cur.empty() || Bool(cur[0][1])) {
        return Err(Status::NotFound(
            fmt::format("no current value for {} {} sex={} age={} quantile={} year={}", key.series,
                        key.economy, key.sex, key.age, key.quantile, key.year)));
      }
      int64_t key_id = Int(cur[0][0]);
      Revision r;
      r.key = key;
      r.deleted = true;
      r.attributes = {Text(cur[0][2]), Text(cur[0][3]), Text(cur[0][4]), Text(cur[0][5]),
                      Text(cur[0][7])};
      r.state = ParseState(Text(cur[0][6]));
      r.provenance = provenance;
      r.recorded_at = NowUtc();
      r.id = Int(tx.exec_params1(
          "INSERT INTO obs_revision (key_id, year, value, deleted, unit, nature, source, note, "
          "state, author, origin, reason, recorded_at, import_id, reporting_type) VALUES "
          "($1, $2, NULL, TRUE, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12) RETURNING id",
          key_id, key.year, r.attributes.unit, r.attributes.nature, r.attributes.source,
          r.attributes.note, std::string(StateName(r.state)), provenance.author, provenance.origin,
          provenance.reason, r.recorded_at, r.attributes.reporting_type)[0]);
      tx.exec_params0(
          "INSERT INTO obs_current (key_id, year, revision_id) VALUES ($1, $2, $3) "
          "ON CONFLICT (key_id, year) DO UPDATE SET revision_id = EXCLUDED.revision_id",
          key_id, key.year, r.id);
      tx.commit();
      return r;
    });
  }

  Result<std::vector<ImportRecord>> ListImports() override {
    return Guard("list imports", [&]() -> Result<std::vector<ImportRecord>> {
      pqxx::nontransaction tx(*conn_);
      auto res = tx.exec(
          "SELECT id, file_name, sha256, format, source, vintage, author, origin, reason, "
          "recorded_at, rows, added, changed, unchanged, skipped FROM import_batch "
          "ORDER BY id DESC");
      std::vector<ImportRecord> out;
      out.reserve(res.size());
      for (const auto& row : res) {
        ImportRecord r;
        r.id = Int(row[0]);
        r.file_name = Text(row[1]);
        r.sha256 = Text(row[2]);
        r.format = Text(row[3]);
        r.source = Text(row[4]);
        r.vintage = Text(row[5]);
        r.provenance = {Text(row[6]), Text(row[7]), Text(row[8])};
        r.recorded_at = Text(row[9]);
        r.rows = Int(row[10]);
        r.added = Int(row[11]);
        r.changed = Int(row[12]);
        r.unchanged = Int(row[13]);
        r.skipped = Int(row[14]);
        out.push_back(std::move(r));
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- targets
  Result<Target> SetTarget(const Target& target, const Provenance& provenance) override {
    return Guard("set target", [&]() -> Result<Target> {
      pqxx::work tx(*conn_);
      LockForWrite(tx, kLockTargets);
      Target out = InsertTarget(tx, target, provenance, false);
      tx.commit();
      return out;
    });
  }

  Result<std::vector<Target>> ListTargets(const TargetFilter& f) override {
    return Guard("list targets", [&]() -> Result<std::vector<Target>> {
      Where w;
      w.In("t.economy", f.economies);
      w.In("t.series", f.series);
      pqxx::nontransaction tx(*conn_);
      auto res = ExecWhere(
          tx,
          "SELECT * FROM (SELECT DISTINCT ON (t.economy, t.series, t.sex, t.age) " +
              std::string(kTargetColumns) + " FROM target_revision t" + w.sql() +
              " ORDER BY t.economy, t.series, t.sex, t.age, t.id DESC) cur WHERE NOT deleted "
              "ORDER BY economy, series, sex, age",
          w);
      return ReadTargets(res);
    });
  }

  Result<std::vector<Target>> TargetHistory(const TargetKey& key) override {
    return Guard("target history", [&]() -> Result<std::vector<Target>> {
      pqxx::nontransaction tx(*conn_);
      auto res = tx.exec_params(
          "SELECT " + std::string(kTargetColumns) +
              " FROM target_revision t WHERE t.economy = $1 AND t.series = $2 AND t.sex = $3 "
              "AND t.age = $4 ORDER BY t.id",
          key.economy, key.series, key.sex, key.age);
      return ReadTargets(res);
    });
  }

  Result<Target> DeleteTarget(const TargetKey& key, const Provenance& provenance) override {
    return Guard("delete target", [&]() -> Result<Target> {
      pqxx::work tx(*conn_);
      LockForWrite(tx, kLockTargets);
      auto res = tx.exec_params(
          "SELECT " + std::string(kTargetColumns) +
              " FROM target_revision t WHERE t.economy = $1 AND t.series = $2 AND t.sex = $3 "
              "AND t.age = $4 ORDER BY t.id DESC LIMIT 1",
          key.economy, key.series, key.sex, key.age);
      std::vector<Target> current = ReadTargets(res);
      if (current.empty() || current[0].deleted) {
        return Err(Status::NotFound(fmt::format("no target is set for {} {} sex={} age={}",
                                                key.economy, key.series, key.sex, key.age)));
      }
      Target out = InsertTarget(tx, current[0], provenance, true);
      tx.commit();
      return out;
    });
  }

  // ---------------------------------------------------------------- meta
  Result<std::optional<std::string>> GetMeta(std::string_view key) override {
    return Guard("get meta", [&]() -> Result<std::optional<std::string>> {
      pqxx::nontransaction tx(*conn_);
      auto res = tx.exec_params("SELECT value FROM meta WHERE key = $1", std::string(key));
      if (res.empty()) return std::optional<std::string>();
      return std::optional<std::string>(Text(res[0][0]));
    });
  }

  Status SetMeta(std::string_view key, std::string_view value) override {
    return Guard("set meta", [&]() -> Status {
      pqxx::nontransaction tx(*conn_);
      tx.exec_params0(
          "INSERT INTO meta (key, value) VALUES ($1, $2) "
          "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
          std::string(key), std::string(value));
      return Status::Ok();
    });
  }

 private:
  static constexpr std::string_view kTargetColumns =
      "t.id, t.economy, t.series, t.sex, t.age, t.baseline_year, t.baseline_value, "
      "t.interim_2025, t.target_2030, t.deleted, t.author, t.origin, t.reason, t.recorded_at";

  // True when this schema (the first of the search_path) has the migration table.
  static bool HasMigrationTable(pqxx::transaction_base& tx) {
    return !tx.exec(
                  "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
                  "AND tablename = 'schema_migration'")
                .empty();
  }

  static int ReadVersion(pqxx::transaction_base& tx) {
    return static_cast<int>(
        Int(tx.exec1("SELECT COALESCE(MAX(version), 0) FROM schema_migration")[0]));
  }

  static Where ObservationWhere(const ObservationFilter& f) {
    Where w(" WHERE NOT r.deleted");
    w.In("k.series", f.series);
    w.In("k.economy", f.economies);
    w.Eq("k.sex", f.sex);
    w.Eq("k.age", f.age);
    w.Eq("k.quantile", f.quantile);
    if (f.year_from) {
      w.And(fmt::format("c.year >= {}::integer", w.Param(std::to_string(*f.year_from))));
    }
    if (f.year_to) {
      w.And(fmt::format("c.year <= {}::integer", w.Param(std::to_string(*f.year_to))));
    }
    return w;
  }

  // Reads the counts of added, changed and unchanged rows from imp_diff into `record` and, when
  // `changes` is given (already sized, all kAdded), each row's change. Only the rows of the two
  // smaller classes are sent back, so a typical import transfers a handful of numbers.
  static Status ReadChanges(pqxx::work& tx, size_t row_count, ImportRecord& record,
                            std::vector<RowChange>* changes) {
    constexpr RowChange kByCode[] = {RowChange::kAdded, RowChange::kChanged, RowChange::kUnchanged};
    int64_t counts[3] = {0, 0, 0};
    for (const auto& r : tx.exec("SELECT change, count(*) FROM imp_diff GROUP BY change")) {
      int64_t code = Int(r[0]);
      if (code < 0 || code > 2) return Status::Internal("import: unknown change code");
      counts[code] = Int(r[1]);
    }
    if (counts[0] + counts[1] + counts[2] != static_cast<int64_t>(row_count)) {
      return Status::Internal(fmt::format("import: compared {} rows but {} were sent",
                                          counts[0] + counts[1] + counts[2], row_count));
    }
    record.added = counts[0];
    record.changed = counts[1];
    record.unchanged = counts[2];
    if (!changes) return Status::Ok();
    int majority = static_cast<int>(std::max_element(counts, counts + 3) - counts);
    changes->assign(row_count, kByCode[majority]);
    for (int code = 0; code < 3; ++code) {
      if (code == majority || counts[code] == 0) continue;
      for (const auto& r : tx.exec_params("SELECT ord FROM imp_diff WHERE change = $1", code)) {
        (*changes)[static_cast<size_t>(Int(r[0]))] = kByCode[code];
      }
    }
    return Status::Ok();
  }

  // Sends the encoded import to imp_key, imp_attr and imp_row with COPY.
  static void CopyImport(pqxx::work& tx, std::span<const Observation> rows,
                         const EncodedRows& enc) {
    {
      pqxx::stream_to s(
          tx, "imp_key",
          std::vector<std::string>{"kid", "series", "economy", "sex", "age", "quantile"});
      for (size_t i = 0; i < enc.keys.size(); ++i) {
        const ObservationKey& k = *enc.keys[i];
        s << std::make_tuple(static_cast<int32_t>(i), k.series, k.economy, k.sex, k.age,
                             k.quantile);
      }
      s.complete();
    }
    {
      pqxx::stream_to s(tx, "imp_attr",
                        std::vector<std::string>{"aid", "unit", "nature", "source", "note", "state",
                                                 "reporting_type"});
      for (size_t i = 0; i < enc.attrs.size(); ++i) {
        const Observation& o = *enc.attrs[i];
        const Attributes& a = o.attributes;
        s << std::make_tuple(static_cast<int32_t>(i), a.unit, a.nature, a.source, a.note,
                             std::string(StateName(o.state)), a.reporting_type);
      }
      s.complete();
    }
    {
      // ord, the row's index, is numbered by the table as COPY adds the rows in order.
      pqxx::stream_to s(tx, "imp_row", std::vector<std::string>{"kid", "year", "value", "aid"});
      for (size_t i = 0; i < rows.size(); ++i) {
        s << std::make_tuple(enc.key_of[i], rows[i].key.year, Float(rows[i].value), enc.attr_of[i]);
      }
      s.complete();
    }
  }

  // Replaces the rows of `table` that have the keys of `rows` and adds the others, in one
  // statement: COPY into a temporary table shaped like `table`, then INSERT ... ON CONFLICT DO
  // UPDATE. The first `key_count` columns are the primary key. When `rows` repeats a key the
  // last one wins (as with SQLite's INSERT OR REPLACE); rows equal to the stored ones are not
  // rewritten. `table` and `columns` are constants of this file; values travel only by COPY.
  template <typename Row, typename ToTuple>
  static void UpsertRows(pqxx::work& tx, std::string_view table,
                         const std::vector<std::string>& columns, size_t key_count,
                         std::span<const Row> rows, ToTuple to_tuple) {
    if (rows.empty()) return;
    auto join = [](auto begin, auto end, std::string_view prefix) {
      std::string out;
      for (auto it = begin; it != end; ++it) {
        if (!out.empty()) out += ", ";
        out += prefix;
        out += *it;
      }
      return out;
    };
    const std::string cols = join(columns.begin(), columns.end(), "");
    const std::string keys = join(columns.begin(), columns.begin() + key_count, "");
    std::string sets;
    for (size_t i = key_count; i < columns.size(); ++i) {
      if (!sets.empty()) sets += ", ";
      sets += fmt::format("{0} = EXCLUDED.{0}", columns[i]);
    }
    const std::string old_values =
        join(columns.begin() + key_count, columns.end(), std::string(table) + ".");
    const std::string new_values = join(columns.begin() + key_count, columns.end(), "EXCLUDED.");

    tx.exec0(fmt::format(
        "CREATE TEMP TABLE put_rows ON COMMIT DROP AS SELECT {}, 0::bigint AS put_ord FROM {} "
        "WITH NO DATA",
        cols, table));
    {
      std::vector<std::string> copy_columns = columns;
      copy_columns.push_back("put_ord");
      pqxx::stream_to s(tx, "put_rows", copy_columns);
      int64_t ord = 0;
      for (const Row& row : rows) {
        s << std::tuple_cat(to_tuple(row), std::make_tuple(ord++));
      }
      s.complete();
    }
    tx.exec0(fmt::format(
        "INSERT INTO {0} ({1}) SELECT DISTINCT ON ({2}) {1} FROM put_rows ORDER BY {2}, put_ord "
        "DESC ON CONFLICT ({2}) DO UPDATE SET {3} WHERE ({4}) IS DISTINCT FROM ({5})",
        table, cols, keys, sets, old_values, new_values));
    tx.exec0("DROP TABLE put_rows");
  }

  static Target InsertTarget(pqxx::work& tx, const Target& t, const Provenance& p, bool deleted) {
    Target out = t;
    out.deleted = deleted;
    out.provenance = p;
    out.recorded_at = NowUtc();
    out.revision = Int(tx.exec_params1(
        "INSERT INTO target_revision (economy, series, sex, age, baseline_year, baseline_value, "
        "interim_2025, target_2030, deleted, state, author, origin, reason, recorded_at) VALUES "
        "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING id",
        t.key.economy, t.key.series, t.key.sex, t.key.age, t.baseline_year, t.baseline_value,
        t.interim_2025, t.target_2030, deleted, std::string(StateName(State::kPublished)), p.author,
        p.origin, p.reason, out.recorded_at)[0]);
    return out;
  }

  static std::vector<Target> ReadTargets(const pqxx::result& res) {
    std::vector<Target> out;
    out.reserve(res.size());
    for (const auto& r : res) {
      Target t;
      t.revision = Int(r[0]);
      t.key = {Text(r[1]), Text(r[2]), Text(r[3]), Text(r[4])};
      t.baseline_year = static_cast<int>(Int(r[5]));
      t.baseline_value = Real(r[6]);
      t.interim_2025 = OptReal(r[7]);
      t.target_2030 = Real(r[8]);
      t.deleted = Bool(r[9]);
      t.provenance = {Text(r[10]), Text(r[11]), Text(r[12])};
      t.recorded_at = Text(r[13]);
      out.push_back(std::move(t));
    }
    return out;
  }

  std::unique_ptr<pqxx::connection> conn_;
};

// Classifies a failure to connect by libpq's message.
Status ConnectError(std::string_view uri, const std::string& raw) {
  std::string msg = CleanMessage(raw);
  std::string where = RedactPostgresUri(uri);
  if (Contains(msg, "password authentication failed") || Contains(msg, "no password supplied") ||
      Contains(msg, "authentication failed") || Contains(msg, "pg_hba.conf rejects")) {
    return Status::Unauthenticated(fmt::format(
        "PostgreSQL at {} refused the credentials: {} (check the user and password in the URI, "
        "and pg_hba.conf)",
        where, msg));
  }
  if (Contains(msg, "database") && Contains(msg, "does not exist")) {
    return Status::FailedPrecondition(fmt::format(
        "{} (create it first, e.g. createdb -O <role> -E UTF8 <name>; see docs/postgresql.md)",
        msg));
  }
  if (Contains(msg, "invalid URI") || Contains(msg, "invalid connection option") ||
      Contains(msg, "invalid percent-encoded") || Contains(msg, "missing \"=\"") ||
      Contains(msg, "invalid integer value") || Contains(msg, "invalid port")) {
    return Status::InvalidArgument(fmt::format(
        "bad PostgreSQL URI {}: {} (expected postgresql://user:password@host:port/database)", where,
        msg));
  }
  return Status::Unavailable(fmt::format(
      "cannot connect to PostgreSQL at {}: {} (is the server running and reachable? for tests, "
      "eval \"$(scripts/start-postgres.sh)\")",
      where, msg));
}

}  // namespace

std::string RedactPostgresUri(std::string_view uri) {
  std::string out(uri);
  size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    size_t start = scheme + 3;
    size_t end = out.find_first_of("/?", start);
    size_t at = out.rfind('@', end == std::string::npos ? std::string::npos : end);
    if (at != std::string::npos && at >= start) {
      size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (size_t pos = out.find("password="); pos != std::string::npos;
       pos = out.find("password=", pos + 1)) {
    size_t value = pos + 9;
    size_t end = out.find('&', value);
    out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
  }
  return out;
}

Result<std::unique_ptr<Store>> OpenPostgresStore(std::string_view uri) {
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = std::make_unique<pqxx::connection>(std::string(uri));
  } catch (const pqxx::broken_connection& e) {
    return Err(ConnectError(uri, e.what()));
  } catch (...) {
    return Err(StatusFromException(fmt::format("connect to {}", RedactPostgresUri(uri))));
  }
  return Guard("connect", [&]() -> Result<std::unique_ptr<Store>> {
    if (conn->server_version() < 110000) {
      return Err(Status::FailedPrecondition(
          fmt::format("PostgreSQL {} is too old; spcoop needs PostgreSQL 11 or newer",
                      conn->server_version())));
    }
    conn->set_client_encoding("UTF8");
    // Session settings, restored by libpqxx if it reconnects: no NOTICE chatter on stderr, and
    // floats in their shortest exact form whatever the server's default.
    conn->set_variable("client_min_messages", "warning");
    conn->set_variable("extra_float_digits", "3");
    // JIT compilation cost more than it saved on every statement here (0.6 s of a 1M-row import).
    conn->set_variable("jit", "off");
    std::string encoding, lock_timeout;
    {
      pqxx::nontransaction tx(*conn);
      pqxx::row settings =
          tx.exec1("SELECT current_setting('server_encoding'), current_setting('lock_timeout')");
      encoding = Text(settings[0]);
      lock_timeout = Text(settings[1]);
    }
    if (encoding != "UTF8" && encoding != "SQL_ASCII") {
      return Err(Status::FailedPrecondition(fmt::format(
          "the database at {} uses the {} encoding; spcoop stores names in Chinese and Russian "
          "and needs UTF8 (create the database with ENCODING 'UTF8' TEMPLATE template0)",
          RedactPostgresUri(uri), encoding)));
    }
    // Writers wait for each other's advisory lock (see "Locking"); without a lock_timeout of
    // its own the connection gives up after 60 s with kUnavailable instead of waiting forever.
    if (lock_timeout == "0") conn->set_variable("lock_timeout", "'60s'");
    return std::unique_ptr<Store>(std::make_unique<PostgresStore>(std::move(conn)));
  });
}

}  // namespace spcoop
