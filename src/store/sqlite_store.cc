// The SQLite backend of Store. See store.h for the contract.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "spcoop/store/store.h"
#include "postgres_store.h"
#include "sql_internal.h"
#include "sqlite_db.h"
#include "sqlite_migrations.h"

namespace spcoop {
namespace {

using sqlite::Db;
using sqlite::Statement;
using sqlite::Transaction;
using sqlite::kMigrations;

std::string KeyString(std::string_view series, std::string_view economy, std::string_view sex,
                      std::string_view age, std::string_view quantile) {
  return fmt::format("{}|{}|{}|{}|{}", series, economy, sex, age, quantile);
}

State ParseState(std::string_view s) {
  if (s == "draft") return State::kDraft;
  if (s == "submitted") return State::kSubmitted;
  return State::kPublished;
}

// Appends "col IN (?, ?, ...)" for a non-empty list and records the values to bind.
void AddIn(std::string& where, std::vector<std::string>& binds, std::string_view col,
           const std::vector<std::string>& values) {
  if (values.empty()) return;
  where += where.empty() ? " WHERE " : " AND ";
  where += fmt::format("{} IN (", col);
  for (size_t i = 0; i < values.size(); ++i) {
    where += i ? ",?" : "?";
    binds.push_back(values[i]);
  }
  where += ")";
}

void AddEq(std::string& where, std::vector<std::string>& binds, std::string_view col,
           const std::optional<std::string>& value) {
  if (!value) return;
  where += where.empty() ? " WHERE " : " AND ";
  where += fmt::format("{} = ?", col);
  binds.push_back(*value);
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<Db> db) : db_(std::move(db)) {}

  Status Migrate() override {
    SPCOOP_RETURN_IF_ERROR(db_->Exec(
        "CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at TEXT NOT NULL)"));
    auto current = SchemaVersion();
    if (!current) return current.error();
    int newest = kMigrations[std::size(kMigrations) - 1].version;
    if (*current > newest) {
      return Status::FailedPrecondition(fmt::format(
          "the database has schema version {}, newer than this spcoop ({}); upgrade spcoop",
          *current, newest));
    }
    for (const auto& m : kMigrations) {
      if (m.version <= *current) continue;
      auto tx = Transaction::Begin(*db_);
      if (!tx) return tx.error();
      SPCOOP_RETURN_IF_ERROR(db_->Exec(m.sql));
      auto st = db_->Prepare(
          "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)");
      if (!st) return st.error();
      st->Bind(1, m.version).Bind(2, m.name).Bind(3, NowUtc());
      SPCOOP_RETURN_IF_ERROR(st->Run());
      SPCOOP_RETURN_IF_ERROR(tx->Commit());
    }
    return Status::Ok();
  }

  Status Transact(const std::function<Status(sql::Tx&)>& fn) override {
    return sql::TransactSqlite(*db_, fn);
  }

  Result<int> SchemaVersion() override {
    SPCOOP_ASSIGN_OR_RETURN(
        auto exists,
        db_->Prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migration'"));
    SPCOOP_ASSIGN_OR_RETURN(bool has, exists.Step());
    if (!has) return 0;
    SPCOOP_ASSIGN_OR_RETURN(auto st,
                            db_->Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migration"));
    SPCOOP_ASSIGN_OR_RETURN(bool row, st.Step());
    return row ? static_cast<int>(st.Int(0)) : 0;
  }

  // ---------------------------------------------------------------- reference data
  Status PutEconomies(std::span<const Economy> economies) override {
    SPCOOP_ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
    SPCOOP_ASSIGN_OR_RETURN(
        auto st,
        db_->Prepare("INSERT OR REPLACE INTO economy (iso3, iso2, m49, name_en, name_zh, name_ru, "
                     "name_fr, name_short_en, subregion, membership, income_group, wb_region, "
                     "ldc, lldc, sids) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    for (const Economy& e : economies) {
      st.Bind(1, e.iso3).Bind(2, e.iso2).Bind(3, e.m49);
      for (int l = 0; l < kLanguageCount; ++l) st.Bind(4 + l, e.name[l]);
      st.Bind(8, e.name_short_en).Bind(9, e.subregion).Bind(10, e.membership);
      st.Bind(11, e.income_group).Bind(12, e.wb_region);
      st.Bind(13, e.ldc ? 1 : 0).Bind(14, e.lldc ? 1 : 0).Bind(15, e.sids ? 1 : 0);
      SPCOOP_RETURN_IF_ERROR(st.Run());
    }
    return tx.Commit();
  }

  static Economy ReadEconomy(const Statement& st) {
    Economy e;
    e.iso3 = st.Text(0);
    e.iso2 = st.Text(1);
    e.m49 = st.Text(2);
    for (int l = 0; l < kLanguageCount; ++l) e.name[l] = st.Text(3 + l);
    e.name_short_en = st.Text(7);
    e.subregion = st.Text(8);
    e.membership = st.Text(9);
    e.income_group = st.Text(10);
    e.wb_region = st.Text(11);
    e.ldc = st.Int(12) != 0;
    e.lldc = st.Int(13) != 0;
    e.sids = st.Int(14) != 0;
    return e;
  }

  static constexpr std::string_view kEconomyColumns =
      "iso3, iso2, m49, name_en, name_zh, name_ru, name_fr, name_short_en, subregion, "
      "membership, income_group, wb_region, ldc, lldc, sids";

  Result<std::vector<Economy>> ListEconomies() override {
    SPCOOP_ASSIGN_OR_RETURN(
        auto st, db_->Prepare(fmt::format("SELECT {} FROM economy ORDER BY iso3", kEconomyColumns)));
    std::vector<Economy> out;
    while (true) {
      SPCOOP_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(ReadEconomy(st));
    }
    return out;
  }

  Result<Economy> GetEconomy(std::string_view iso3) override {
    SPCOOP_ASSIGN_OR_RETURN(
        auto st,
        db_->Prepare(fmt::format("SELECT {} FROM economy WHERE iso3 = ?", kEconomyColumns)));
    st.Bind(1, iso3);
    SPCOOP_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      return Err(Status::NotFound(fmt::format(
          "economy '{}' is not known; use an ISO 3166 alpha-3 code listed by 'spcoop economies'",
          iso3)));
    }
    return ReadEconomy(st);
  }

  Status PutPopulation(std::span<const PopulationRow> rows) override {
    SPCOOP_ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
    SPCOOP_ASSIGN_OR_RETURN(
        auto st, db_->Prepare("INSERT OR REPLACE INTO population (economy, year, sex, age_from, "
                              "age_to, population, variant) VALUES (?,?,?,?,?,?,?)"));
    for (const PopulationRow& r : rows) {
      st.Bind(1, r.economy).Bind(2, r.year).Bind(3, r.sex).Bind(4, r.age_from).Bind(5, r.age_to);
      st.Bind(6, r.population).Bind(7, r.variant);
      SPCOOP_RETURN_IF_ERROR(st.Run());
    }
    return tx.Commit();
  }

  Result<std::vector<PopulationRow>> QueryPopulation(const PopulationFilter& f) override {
    std::string where;
    std::vector<std::string> binds;
    AddIn(where, binds, "economy", f.economies);
    AddEq(where, binds, "sex", f.sex);
    if (f.year) {
      where += where.empty() ? " WHERE " : " AND ";
      where += "year = ?";
      binds.push_back(std::to_string(*f.year));
    }
    SPCOOP_ASSIGN_OR_RETURN(
        auto st, db_->Prepare("SELECT economy, year, sex, age_from, age_to, population, variant "
                              "FROM population" + where +
                              " ORDER BY economy, year, sex, age_from"));
    for (size_t i = 0; i < binds.size(); ++i) st.Bind(static_cast<int>(i + 1), binds[i]);
    std::vector<PopulationRow> out;
    while (true) {
      SPCOOP_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back({st.Text(0), static_cast<int>(st.Int(1)), st.Text(2),
                     static_cast<int>(st.Int(3)), static_cast<int>(st.Int(4)), st.Real(5),
                     st.Text(6)});
    }
    return out;
  }

  Status PutIndicatorValues(std::span<const IndicatorValue> values) override {
    SPCOOP_ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
    SPCOOP_ASSIGN_OR_RETURN(
        auto st,
        db_->Prepare("INSERT OR REPLACE INTO indicator_value (economy, indicator, location, year, "
                     "value, unit, status, source) VALUES (?,?,?,?,?,?,?,?)"));
    for (const IndicatorValue& v : values) {
      st.Bind(1, v.economy).Bind(2, v.indicator).Bind(3, v.location).Bind(4, v.year);
      st.Bind(5, v.value).Bind(6, v.unit).Bind(7, v.status).Bind(8, v.source);
      SPCOOP_RETURN_IF_ERROR(st.Run());
    }
    return tx.Commit();
  }

  Result<std::vector<IndicatorValue>> QueryIndicatorValues(std::string_view economy,
                                                           std::string_view indicator) override {
    SPCOOP_ASSIGN_OR_RETURN(
        auto st, db_->Prepare("SELECT economy, indicator, location, year, value, unit, status, "
                              "source FROM indicator_value WHERE (?1 = '' OR economy = ?1) AND "
                              "(?2 = '' OR indicator = ?2) ORDER BY economy, indicator, "
                              "location, year"));
    st.Bind(1, economy).Bind(2, indicator);
    std::vector<IndicatorValue> out;
    while (true) {
      SPCOOP_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back({st.Text(0), st.Text(1), st.Text(2), static_cast<int>(st.Int(3)), st.Real(4),
                     st.Text(5), st.Text(6), st.Text(7)});
    }
    return out;
  }

  Status PutRegionalEstimates(std::span<const RegionalEstimate> values) override {
    SPCOOP_ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
    SPCOOP_ASSIGN_OR_RETURN(
        auto st, db_->Prepare("INSERT OR REPLACE INTO regional_estimate (region, region_name, "
                              "series, sex, year, value, source) VALUES (?,?,?,?,?,?,?)"));
    for (const RegionalEstimate& v : values) {
      st.Bind(1, v.region).Bind(2, v.region_name).Bind(3, v.series).Bind(4, v.sex);
      st.Bind(5, v.year).Bind(6, v.value).Bind(7, v.source);
      SPCOOP_RETURN_IF_ERROR(st.Run());
    }
    return tx.Commit();
  }

  Result<std::vector<RegionalEstimate>> QueryRegionalEstimates(std::string_view region,
                                                               std::string_view series) override {
    SPCOOP_ASSIGN_OR_RETURN(
        auto st, db_->Prepare("SELECT region, region_name, series, sex, year, value, source FROM "
                              "regional_estimate WHERE (?1 = '' OR region = ?1) AND (?2 = '' OR "
                              "series = ?2) ORDER BY region, series, sex, year"));
    st.Bind(1, region).Bind(2, series);
    std::vector<RegionalEstimate> out;
    while (true) {
      SPCOOP_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back({st.Text(0), st.Text(1), st.Text(2), st.Text(3), static_cast<int>(st.Int(4)),
                     st.Real(5), st.Text(6)});
    }
    return out;
  }

  // ---------------------------------------------------------------- observations
  Result<ImportRecord> ApplyImport(ImportRecord record, std::span<const Observation> rows,
                                   const ImportOptions& options,
                                   std::vector<RowChange>* changes) override {
    SPCOOP_ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
    if (record.recorded_at.empty()) record.recorded_at = NowUtc();

    SPCOOP_ASSIGN_OR_RETURN(
        auto ins_batch,
        db_->Prepare("INSERT INTO import_batch (file_name, sha256, format, source, vintage, "
                     "author, origin, reason, recorded_at, rows, added, changed, unchanged, "
                     "skipped) VALUES (?,?,?,?,?,?,?,?,?,0,0,0,0,0)"));
    ins_batch.Bind(1, record.file_name).Bind(2, record.sha256).Bind(3, record.format);
    ins_batch.Bind(4, record.source).Bind(5, record.vintage).Bind(6, record.provenance.author);
    ins_batch.Bind(7, record.provenance.origin).Bind(8, record.provenance.reason);
    ins_batch.Bind(9, record.recorded_at);
    SPCOOP_RETURN_IF_ERROR(ins_batch.Run());
    record.id = sqlite3_last_insert_rowid(db_->raw());
    if (record.provenance.origin.empty()) record.provenance.origin = fmt::format("import:{}", record.id);

    SPCOOP_ASSIGN_OR_RETURN(auto keys, LoadKeys());
    SPCOOP_ASSIGN_OR_RETURN(auto ins_key,
                            db_->Prepare("INSERT INTO obs_key (series, economy, sex, age, "
                                         "quantile) VALUES (?,?,?,?,?)"));
    SPCOOP_ASSIGN_OR_RETURN(
        auto sel, db_->Prepare("SELECT value, deleted, unit, nature, source, note, state FROM "
                               "obs_revision WHERE key_id = ? AND year = ? ORDER BY id DESC "
                               "LIMIT 1"));
    SPCOOP_ASSIGN_OR_RETURN(auto ins_rev, PrepareInsertRevision());
    SPCOOP_ASSIGN_OR_RETURN(int64_t next_id, NextRevisionId());

    std::unordered_set<int64_t> seen;
    seen.reserve(rows.size() * 2);
    if (changes) {
      changes->clear();
      changes->reserve(rows.size());
    }
    record.rows = static_cast<int64_t>(rows.size());
    record.added = record.changed = record.unchanged = 0;
    const auto total = static_cast<int64_t>(rows.size());
    int64_t done = 0;
    for (const Observation& o : rows) {
      if (options.progress && (++done & 0x3fff) == 0) options.progress(done, total);
      const ObservationKey& k = o.key;
      std::string ks = KeyString(k.series, k.economy, k.sex, k.age, k.quantile);
      int64_t key_id;
      auto it = keys.find(ks);
      bool new_key = it == keys.end();
      if (new_key) {
        ins_key.Bind(1, k.series).Bind(2, k.economy).Bind(3, k.sex).Bind(4, k.age);
        ins_key.Bind(5, k.quantile);
        SPCOOP_RETURN_IF_ERROR(ins_key.Run());
        key_id = sqlite3_last_insert_rowid(db_->raw());
        keys.emplace(std::move(ks), key_id);
      } else {
        key_id = it->second;
      }
      if (!seen.insert(key_id * 10000 + k.year).second) {
        return Err(Status::InvalidArgument(fmt::format(
            "two rows have the same key ({} {} sex={} age={} quantile={} year={}); keep one",
            k.series, k.economy, k.sex, k.age, k.quantile, k.year)));
      }
      RowChange change = RowChange::kAdded;
      if (!new_key) {
        sel.Bind(1, key_id).Bind(2, k.year);
        SPCOOP_ASSIGN_OR_RETURN(bool found, sel.Step());
        if (found) {
          bool same = sel.Int(1) == 0 && !sel.IsNull(0) && sel.Real(0) == o.value &&
                      sel.Text(2) == o.attributes.unit && sel.Text(3) == o.attributes.nature &&
                      sel.Text(4) == o.attributes.source && sel.Text(5) == o.attributes.note &&
                      sel.Text(6) == StateName(o.state);
          bool was_deleted = sel.Int(1) != 0;
          change = same ? RowChange::kUnchanged
                        : (was_deleted ? RowChange::kAdded : RowChange::kChanged);
        }
        sel.Reset();
      }
      if (changes) changes->push_back(change);
      if (change == RowChange::kUnchanged) {
        ++record.unchanged;
        continue;
      }
      ++(change == RowChange::kAdded ? record.added : record.changed);
      SPCOOP_RETURN_IF_ERROR(InsertRevision(ins_rev, key_id, k.year, next_id++, o.value, false,
                                            o.attributes, o.state, record.provenance,
                                            record.recorded_at, record.id));
    }
    SPCOOP_RETURN_IF_ERROR(SaveRevisionId(next_id));
    if (options.progress) options.progress(total, total);
    SPCOOP_ASSIGN_OR_RETURN(auto upd_batch,
                            db_->Prepare("UPDATE import_batch SET origin = ?, rows = ?, added = ?, "
                                         "changed = ?, unchanged = ?, skipped = ? WHERE id = ?"));
    upd_batch.Bind(1, record.provenance.origin).Bind(2, record.rows).Bind(3, record.added);
    upd_batch.Bind(4, record.changed).Bind(5, record.unchanged).Bind(6, record.skipped);
    upd_batch.Bind(7, record.id);
    SPCOOP_RETURN_IF_ERROR(upd_batch.Run());
    if (options.dry_run) return record;  // the transaction rolls back
    SPCOOP_RETURN_IF_ERROR(tx.Commit());
    return record;
  }

  Result<std::vector<Observation>> QueryObservations(const ObservationFilter& f) override {
    std::vector<std::string> binds;
    std::string where = ObservationWhere(f, binds);
    std::string sql =
        "SELECT k.series, k.economy, k.sex, k.age, k.quantile, r.year, r.value, r.unit, r.nature, "
        "r.source, r.note, r.id, r.state FROM obs_key k JOIN obs_revision r ON r.key_id = k.id" +
        where + " ORDER BY k.series, k.economy, k.sex, k.age, k.quantile, r.year";
    if (f.limit > 0) sql += fmt::format(" LIMIT {} OFFSET {}", f.limit, f.offset);
    SPCOOP_ASSIGN_OR_RETURN(auto st, db_->Prepare(sql));
    BindAll(st, binds);
    std::vector<Observation> out;
    while (true) {
      SPCOOP_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      Observation o;
      o.key = {st.Text(0), st.Text(1), st.Text(2), st.Text(3), st.Text(4),
               static_cast<int>(st.Int(5))};
      o.value = st.Real(6);
      o.attributes = {st.Text(7), st.Text(8), st.Text(9), st.Text(10)};
      o.revision = st.Int(11);
      o.state = ParseState(st.Text(12));
      out.push_back(std::move(o));
    }
    return out;
  }

  Result<int64_t> CountObservations(const ObservationFilter& f) override {
    std::vector<std::string> binds;
    std::string where = ObservationWhere(f, binds);
    SPCOOP_ASSIGN_OR_RETURN(
        auto st, db_->Prepare("SELECT COUNT(*) FROM obs_key k JOIN obs_revision r ON r.key_id = "
                              "k.id" + where));
    BindAll(st, binds);
    SPCOOP_ASSIGN_OR_RETURN(bool row, st.Step());
    return row ? st.Int(0) : 0;
  }

  Result<std::vector<Revision>> History(const ObservationKey& key) override {
    SPCOOP_ASSIGN_OR_RETURN(
        auto st,
        db_->Prepare("SELECT r.id, r.value, r.deleted, r.unit, r.nature, r.source, r.note, "
                     "r.state, r.author, r.origin, r.reason, r.recorded_at, "
                     "COALESCE(r.import_id, 0) FROM obs_revision r JOIN obs_key k ON k.id = "
                     "r.key_id WHERE k.series = ? AND k.economy = ? AND k.sex = ? AND k.age = ? "
                     "AND k.quantile = ? AND r.year = ? ORDER BY r.id"));
    st.Bind(1, key.series).Bind(2, key.economy).Bind(3, key.sex).Bind(4, key.age);
    st.Bind(5, key.quantile).Bind(6, key.year);
    std::vector<Revision> out;
    while (true) {
      SPCOOP_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      Revision r;
      r.id = st.Int(0);
      r.key = key;
      r.value = st.OptReal(1);
      r.deleted = st.Int(2) != 0;
      r.attributes = {st.Text(3), st.Text(4), st.Text(5), st.Text(6)};
      r.state = ParseState(st.Text(7));
      r.provenance = {st.Text(8), st.Text(9), st.Text(10)};
      r.recorded_at = st.Text(11);
      r.import_id = st.Int(12);
      out.push_back(std::move(r));
    }
    return out;
  }

  Result<Revision> DeleteObservation(const ObservationKey& key,
                                     const Provenance& provenance) override {
    SPCOOP_ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
    SPCOOP_ASSIGN_OR_RETURN(
        auto sel,
        db_->Prepare("SELECT r.key_id, r.deleted, r.unit, r.nature, r.source, r.note, r.state "
                     "FROM obs_key k JOIN obs_revision r ON r.key_id = k.id WHERE k.series = ? "
                     "AND k.economy = ? AND k.sex = ? AND k.age = ? AND k.quantile = ? AND "
                     "r.year = ? ORDER BY r.id DESC LIMIT 1"));
    sel.Bind(1, key.series).Bind(2, key.economy).Bind(3, key.sex).Bind(4, key.age);
    sel.Bind(5, key.quantile).Bind(6, key.year);
    SPCOOP_ASSIGN_OR_RETURN(bool found, sel.Step());
    if (!found || sel.Int(1) != 0) {
      return Err(Status::NotFound(fmt::format(
          "no current value for {} {} sex={} age={} quantile={} year={}", key.series, key.economy,
          key.sex, key.age, key.quantile, key.year)));
    }
    int64_t key_id = sel.Int(0);
    Attributes attrs{sel.Text(2), sel.Text(3), sel.Text(4), sel.Text(5)};
    State state = ParseState(sel.Text(6));
    sel.Reset();
    Revision r;
    r.key = key;
    r.deleted = true;
    r.attributes = attrs;
    r.state = state;
    r.provenance = provenance;
    r.recorded_at = NowUtc();
    SPCOOP_ASSIGN_OR_RETURN(auto ins_rev, PrepareInsertRevision());
    SPCOOP_ASSIGN_OR_RETURN(r.id, NextRevisionId());
    SPCOOP_RETURN_IF_ERROR(InsertRevision(ins_rev, key_id, key.year, r.id, std::nullopt, true,
                                          attrs, state, provenance, r.recorded_at, 0));
    SPCOOP_RETURN_IF_ERROR(SaveRevisionId(r.id + 1));
    SPCOOP_RETURN_IF_ERROR(tx.Commit());
    return r;
  }

  Result<std::vector<ImportRecord>> ListImports() override {
    SPCOOP_ASSIGN_OR_RETURN(
        auto st, db_->Prepare("SELECT id, file_name, sha256, format, source, vintage, author, "
                              "origin, reason, recorded_at, rows, added, changed, unchanged, "
                              "skipped FROM import_batch ORDER BY id DESC"));
    std::vector<ImportRecord> out;
    while (true) {
      SPCOOP_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      ImportRecord r;
      r.id = st.Int(0);
      r.file_name = st.Text(1);
      r.sha256 = st.Text(2);
      r.format = st.Text(3);
      r.source = st.Text(4);
      r.vintage = st.Text(5);
      r.provenance = {st.Text(6), st.Text(7), st.Text(8)};
      r.recorded_at = st.Text(9);
      r.rows = st.Int(10);
      r.added = st.Int(11);
      r.changed = st.Int(12);
      r.unchanged = st.Int(13);
      r.skipped = st.Int(14);
      out.push_back(std::move(r));
    }
    return out;
  }

  // ---------------------------------------------------------------- targets
  Result<Target> SetTarget(const Target& target, const Provenance& provenance) override {
    return InsertTarget(target, provenance, false);
  }

  Result<std::vector<Target>> ListTargets(const TargetFilter& f) override {
    std::string where;
    std::vector<std::string> binds;
    AddIn(where, binds, "t.economy", f.economies);
    AddIn(where, binds, "t.series", f.series);
    where += where.empty() ? " WHERE " : " AND ";
    where +=
        "t.id = (SELECT MAX(id) FROM target_revision x WHERE x.economy = t.economy AND x.series = "
        "t.series AND x.sex = t.sex AND x.age = t.age) AND t.deleted = 0";
    SPCOOP_ASSIGN_OR_RETURN(auto st,
                            db_->Prepare(std::string(kTargetSelect) + where +
                                         " ORDER BY t.economy, t.series, t.sex, t.age"));
    BindAll(st, binds);
    return ReadTargets(st);
  }

  Result<std::vector<Target>> TargetHistory(const TargetKey& key) override {
    SPCOOP_ASSIGN_OR_RETURN(
        auto st, db_->Prepare(std::string(kTargetSelect) +
                              " WHERE t.economy = ? AND t.series = ? AND t.sex = ? AND t.age = ? "
                              "ORDER BY t.id"));
    st.Bind(1, key.economy).Bind(2, key.series).Bind(3, key.sex).Bind(4, key.age);
    return ReadTargets(st);
  }

  Result<Target> DeleteTarget(const TargetKey& key, const Provenance& provenance) override {
    SPCOOP_ASSIGN_OR_RETURN(auto current, ListTargets({{key.economy}, {key.series}}));
    for (const Target& t : current) {
      if (t.key == key) return InsertTarget(t, provenance, true);
    }
    return Err(Status::NotFound(fmt::format("no target is set for {} {} sex={} age={}",
                                            key.economy, key.series, key.sex, key.age)));
  }

  // ---------------------------------------------------------------- meta
  Result<std::optional<std::string>> GetMeta(std::string_view key) override {
    SPCOOP_ASSIGN_OR_RETURN(auto st, db_->Prepare("SELECT value FROM meta WHERE key = ?"));
    st.Bind(1, key);
    SPCOOP_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<std::string>();
    return std::optional<std::string>(st.Text(0));
  }

  Status SetMeta(std::string_view key, std::string_view value) override {
    SPCOOP_ASSIGN_OR_RETURN(auto st,
                            db_->Prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON "
                                         "CONFLICT (key) DO UPDATE SET value = excluded.value"));
    st.Bind(1, key).Bind(2, value);
    return st.Run();
  }

 private:
  static constexpr std::string_view kTargetSelect =
      "SELECT t.id, t.economy, t.series, t.sex, t.age, t.baseline_year, t.baseline_value, "
      "t.interim_2025, t.target_2030, t.deleted, t.author, t.origin, t.reason, t.recorded_at "
      "FROM target_revision t";

  static void BindAll(Statement& st, const std::vector<std::string>& binds) {
    for (size_t i = 0; i < binds.size(); ++i) st.Bind(static_cast<int>(i + 1), binds[i]);
  }

  static std::string ObservationWhere(const ObservationFilter& f,
                                      std::vector<std::string>& binds) {
    // The current revision of a key is its highest id; a deletion hides the key.
    std::string where =
        " WHERE r.id = (SELECT MAX(x.id) FROM obs_revision x WHERE x.key_id = r.key_id AND "
        "x.year = r.year) AND r.deleted = 0";
    AddIn(where, binds, "k.series", f.series);
    AddIn(where, binds, "k.economy", f.economies);
    AddEq(where, binds, "k.sex", f.sex);
    AddEq(where, binds, "k.age", f.age);
    AddEq(where, binds, "k.quantile", f.quantile);
    // Years are integers validated by the caller's types, so they are inlined safely.
    if (f.year_from) where += fmt::format(" AND r.year >= {}", *f.year_from);
    if (f.year_to) where += fmt::format(" AND r.year <= {}", *f.year_to);
    return where;
  }

  Result<std::unordered_map<std::string, int64_t>> LoadKeys() {
    SPCOOP_ASSIGN_OR_RETURN(
        auto st, db_->Prepare("SELECT id, series, economy, sex, age, quantile FROM obs_key"));
    std::unordered_map<std::string, int64_t> keys;
    while (true) {
      SPCOOP_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      keys.emplace(KeyString(st.Text(1), st.Text(2), st.Text(3), st.Text(4), st.Text(5)),
                   st.Int(0));
    }
    return keys;
  }

  Result<Statement> PrepareInsertRevision() {
    return db_->Prepare(
        "INSERT INTO obs_revision (key_id, year, id, value, deleted, unit, nature, source, note, "
        "state, author, origin, reason, recorded_at, import_id) VALUES "
        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  }

  // The id the next revision gets. Call inside the write transaction.
  Result<int64_t> NextRevisionId() {
    SPCOOP_ASSIGN_OR_RETURN(auto st,
                            db_->Prepare("SELECT value FROM sequence WHERE name = 'obs_revision'"));
    SPCOOP_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Err(Status::DataLoss("the revision sequence is missing from the database"));
    return st.Int(0) + 1;
  }

  // Records that ids below `next` are used.
  Status SaveRevisionId(int64_t next) {
    SPCOOP_ASSIGN_OR_RETURN(
        auto st, db_->Prepare("UPDATE sequence SET value = ? WHERE name = 'obs_revision'"));
    st.Bind(1, next - 1);
    return st.Run();
  }

  Status InsertRevision(Statement& st, int64_t key_id, int year, int64_t id,
                        std::optional<double> value, bool deleted, const Attributes& a,
                        State state, const Provenance& p, const std::string& at,
                        int64_t import_id) {
    st.Bind(1, key_id).Bind(2, year).Bind(3, id).Bind(4, value).Bind(5, deleted ? 1 : 0);
    st.Bind(6, a.unit).Bind(7, a.nature).Bind(8, a.source).Bind(9, a.note);
    st.Bind(10, StateName(state)).Bind(11, p.author).Bind(12, p.origin).Bind(13, p.reason);
    st.Bind(14, at);
    if (import_id > 0) {
      st.Bind(15, import_id);
    } else {
      st.BindNull(15);
    }
    return st.Run();
  }

  Result<Target> InsertTarget(const Target& t, const Provenance& p, bool deleted) {
    SPCOOP_ASSIGN_OR_RETURN(
        auto st, db_->Prepare("INSERT INTO target_revision (economy, series, sex, age, "
                              "baseline_year, baseline_value, interim_2025, target_2030, deleted, "
                              "state, author, origin, reason, recorded_at) VALUES "
                              "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    Target out = t;
    out.deleted = deleted;
    out.provenance = p;
    out.recorded_at = NowUtc();
    st.Bind(1, t.key.economy).Bind(2, t.key.series).Bind(3, t.key.sex).Bind(4, t.key.age);
    st.Bind(5, t.baseline_year).Bind(6, t.baseline_value).Bind(7, t.interim_2025);
    st.Bind(8, t.target_2030).Bind(9, deleted ? 1 : 0).Bind(10, StateName(State::kPublished));
    st.Bind(11, p.author).Bind(12, p.origin).Bind(13, p.reason).Bind(14, out.recorded_at);
    SPCOOP_RETURN_IF_ERROR(st.Run());
    out.revision = sqlite3_last_insert_rowid(db_->raw());
    return out;
  }

  static Result<std::vector<Target>> ReadTargets(Statement& st) {
    std::vector<Target> out;
    while (true) {
      SPCOOP_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      Target t;
      t.revision = st.Int(0);
      t.key = {st.Text(1), st.Text(2), st.Text(3), st.Text(4)};
      t.baseline_year = static_cast<int>(st.Int(5));
      t.baseline_value = st.Real(6);
      t.interim_2025 = st.OptReal(7);
      t.target_2030 = st.Real(8);
      t.deleted = st.Int(9) != 0;
      t.provenance = {st.Text(10), st.Text(11), st.Text(12)};
      t.recorded_at = st.Text(13);
      out.push_back(std::move(t));
    }
    return out;
  }

  std::unique_ptr<Db> db_;
};

}  // namespace

std::string NowUtc() { return UtcTime(std::chrono::system_clock::now()); }

std::string UtcTime(std::chrono::system_clock::time_point now) {
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf, ms);
}

std::string DisplayUri(std::string_view uri) {
  if (uri.starts_with("postgresql://") || uri.starts_with("postgres://")) {
    return RedactPostgresUri(uri);
  }
  return std::string(uri);
}

Result<std::unique_ptr<Store>> OpenStore(std::string_view uri) {
  if (uri.starts_with("postgresql://") || uri.starts_with("postgres://")) {
    return OpenPostgresStore(uri);
  }
  std::string path(uri.starts_with("sqlite:") ? uri.substr(7) : uri);
  if (path.empty()) return Err(Status::InvalidArgument("empty database location"));
  if (path != ":memory:") {
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent)) {
      return Err(Status::FailedPrecondition(fmt::format(
          "the folder '{}' for the database does not exist; create it or run 'spcoop init'",
          parent.string())));
    }
  }
  SPCOOP_ASSIGN_OR_RETURN(auto db, sqlite::Db::Open(path));
  return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(db)));
}

}  // namespace spcoop
