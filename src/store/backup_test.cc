// Tests of Backup() and Restore() on both backends: a round trip keeps every table row by row
// (compared through the catalogue, so tables added by later migrations are covered too), ids
// continue after a restore, a backup taken while another connection writes is consistent, and
// damaged, foreign or too-new backups fail clearly and change nothing. The PostgreSQL cases use
// SPCOOP_TEST_POSTGRES_URI (eval "$(scripts/start-postgres.sh)") with a fresh schema each, and
// report SKIPPED without it.
#include "spcoop/store/backup.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <pqxx/pqxx>
#include <thread>

#include "spcoop/store/store.h"

namespace spcoop {
namespace {

namespace fs = std::filesystem;

// Every table of a database: name -> its rows, each as its fields joined by '|' ("\N" for
// NULL), sorted.
using Dump = std::map<std::string, std::vector<std::string>>;

Dump DumpSqlite(const std::string& path) {
  Dump out;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::vector<std::string> tables;
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                     "'sqlite_%'",
                     -1, &st, nullptr);
  while (sqlite3_step(st) == SQLITE_ROW) {
    tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  }
  sqlite3_finalize(st);
  for (const std::string& t : tables) {
    auto& rows = out[t];
    sqlite3_prepare_v2(db, ("SELECT * FROM \"" + t + "\"").c_str(), -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string row;
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        if (c) row += '|';
        const unsigned char* v = sqlite3_column_text(st, c);
        row += v ? reinterpret_cast<const char*>(v) : "\\N";
      }
      rows.push_back(row);
    }
    sqlite3_finalize(st);
    std::sort(rows.begin(), rows.end());
  }
  sqlite3_close(db);
  return out;
}

Dump DumpPostgres(const std::string& uri) {
  Dump out;
  pqxx::connection c(uri);
  pqxx::nontransaction tx(c);
  tx.exec("SET extra_float_digits = 3");
  auto tables = tx.exec(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
      "AND table_type = 'BASE TABLE'");
  for (const auto& t : tables) {
    std::string name = t[0].c_str();
    auto& rows = out[name];
    for (const auto& r : tx.exec("SELECT * FROM " + tx.quote_name(name))) {
      std::string row;
      for (int i = 0; i < static_cast<int>(r.size()); ++i) {
        if (i) row += '|';
        row += r[i].is_null() ? "\\N" : r[i].c_str();
      }
      rows.push_back(row);
    }
    std::sort(rows.begin(), rows.end());
  }
  return out;
}

// A fresh schema in the PostgreSQL test database (as in store_test.cc), dropped at the end.
class PgSchema {
 public:
  explicit PgSchema(std::string base) : base_(std::move(base)) {
    static std::atomic<int> counter{0};
    name_ = fmt::format("spcoop_backup_test_{}_{}", ::getpid(), counter++);
    Admin(fmt::format("DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}", name_));
  }
  ~PgSchema() {
    try {
      Admin(fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", name_));
    } catch (...) {
    }
  }
  std::string uri() const {
    return fmt::format("{}{}options=-csearch_path%3D{}", base_,
                       base_.find('?') == std::string::npos ? '?' : '&', name_);
  }

 private:
  void Admin(const std::string& sql) {
    pqxx::connection c(base_);
    pqxx::nontransaction tx(c);
    tx.exec("SET client_min_messages = warning; " + sql);
  }
  std::string base_, name_;
};

Observation Obs(std::string economy, int year, double value, std::string sex = "_T") {
  Observation o;
  o.key = {"SI_COV_BENFTS", std::move(economy), std::move(sex), "_T", "_T", year};
  o.value = value;
  o.attributes.source = "test";
  return o;
}

ImportRecord Record(std::string name) {
  ImportRecord r;
  r.file_name = std::move(name);
  r.format = "tidy-csv";
  r.provenance = {"alice", "", "backup test"};
  return r;
}

Economy MakeEconomy(std::string iso3, std::array<std::string, 4> names) {
  Economy e;
  e.iso3 = std::move(iso3);
  e.name = {names[0], names[1], names[2], names[3]};
  e.subregion = "South-East Asia";
  return e;
}

class BackupTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      const char* base = std::getenv("SPCOOP_TEST_POSTGRES_URI");
      if (!base)
        GTEST_SKIP()
            << "SPCOOP_TEST_POSTGRES_URI is not set; eval \"$(scripts/start-postgres.sh)\"";
      src_pg_ = std::make_unique<PgSchema>(base);
      dst_pg_ = std::make_unique<PgSchema>(base);
      src_ = src_pg_->uri();
      dst_ = dst_pg_->uri();
    } else {
      dst_ = "";
    }
    dir_ = fs::temp_directory_path() /
           fmt::format("spcoop_backup_test_{}_{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->line());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    if (GetParam() == "sqlite") {
      src_ = (dir_ / "src.db").string();
      dst_ = (dir_ / "dst.db").string();
    }
    backup_ = (dir_ / "backup").string();
  }
  void TearDown() override {
    src_pg_.reset();
    dst_pg_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  bool postgres() const { return GetParam() == "postgres"; }
  Dump DumpOf(const std::string& uri) { return postgres() ? DumpPostgres(uri) : DumpSqlite(uri); }

  std::unique_ptr<Store> Open(const std::string& uri) {
    auto s = OpenStore(uri);
    EXPECT_TRUE(s) << s.error().ToString();
    EXPECT_TRUE((*s)->Migrate().ok());
    return std::move(*s);
  }

  // Reference data, three imports, a deletion, two target revisions and a meta value.
  // Revisions, worked out by hand: import 1 adds KHM 2019, KHM 2020, THA 2020 (3); import 2
  // changes KHM 2020 and adds KHM 2021 (2; KHM 2019 and THA 2020 unchanged); import 3 is the
  // same as import 2 (0); the deletion of THA 2020 is one more: 6 rows in obs_revision.
  void Populate(Store& store) {
    std::vector<Economy> economies = {
        MakeEconomy("KHM", {"Cambodia", "柬埔寨", "Камбоджа", "Cambodge"}),
        MakeEconomy("THA", {"Thailand", "泰国", "Таиланд", "Thaïlande"})};
    ASSERT_TRUE(store.PutEconomies(economies).ok());
    std::vector<PopulationRow> pop = {{"KHM", 2020, "_T", 65, -1, 1.0e6 / 3, "estimates"},
                                      {"THA", 2020, "F", 0, 14, 5123456.5, "estimates"}};
    ASSERT_TRUE(store.PutPopulation(pop).ok());
    std::vector<IndicatorValue> values = {
        {"KHM", "NGDPDPC", "", 2020, 1512.7, "U.S. dollars", "actual", "IMF WEO"}};
    ASSERT_TRUE(store.PutIndicatorValues(values).ok());
    std::vector<Observation> first = {Obs("KHM", 2019, 16.4), Obs("KHM", 2020, 18.0),
                                      Obs("THA", 2020, 68.0)};
    first[1].attributes.note = "tab\there, newline\nthere, backslash \\ and 'quotes'";
    ASSERT_TRUE(store.ApplyImport(Record("one.csv"), first, {}));
    std::vector<Observation> second = {Obs("KHM", 2019, 16.4), Obs("KHM", 2020, 18.5),
                                       Obs("KHM", 2021, 0.1 + 0.2), Obs("THA", 2020, 68.0)};
    ASSERT_TRUE(store.ApplyImport(Record("two.csv"), second, {}));
    ASSERT_TRUE(store.ApplyImport(Record("two-again.csv"), second, {}));
    ASSERT_TRUE(store.DeleteObservation(Obs("THA", 2020, 0).key, {"bob", "edit", "wrong economy"}));
    Target t;
    t.key = {"KHM", "SI_COV_BENFTS"};
    t.baseline_year = 2020;
    t.baseline_value = 18.5;
    t.interim_2025 = 30;
    t.target_2030 = 50;
    ASSERT_TRUE(store.SetTarget(t, {"carol", "edit", "policy framework"}));
    t.target_2030 = 60;
    ASSERT_TRUE(store.SetTarget(t, {"carol", "edit", "revised"}));
    ASSERT_TRUE(store.SetMeta("reference_version", "2024-06").ok());
  }

  void MakeSourceAndBackup() {
    auto store = Open(src_);
    Populate(*store);
    store.reset();
    auto made = Backup(src_, backup_);
    ASSERT_TRUE(made) << made.error().ToString();
  }

  fs::path dir_;
  std::string src_, dst_, backup_;
  std::unique_ptr<PgSchema> src_pg_, dst_pg_;
};

TEST_P(BackupTest, RoundTripKeepsEveryTableRowByRow) {
  ASSERT_NO_FATAL_FAILURE(MakeSourceAndBackup());
  Dump before = DumpOf(src_);
  // The known contents (see Populate): 6 revisions, 3 imports, 2 target revisions, 2 economies.
  ASSERT_EQ(before["obs_revision"].size(), 6u);
  ASSERT_EQ(before["import_batch"].size(), 3u);
  ASSERT_EQ(before["target_revision"].size(), 2u);
  ASSERT_EQ(before["economy"].size(), 2u);

  auto restored = Restore(backup_, dst_, {});
  ASSERT_TRUE(restored) << restored.error().ToString();
  EXPECT_EQ(restored->schema_version, 1);
  EXPECT_EQ(restored->backend, postgres() ? "postgresql" : "sqlite");
  Dump after = DumpOf(dst_);
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [table, rows] : before) {
    ASSERT_TRUE(after.contains(table)) << table;
    EXPECT_EQ(after[table], rows) << "table " << table;
  }
  int64_t total = 0;
  for (const auto& [table, rows] : before) total += static_cast<int64_t>(rows.size());
  EXPECT_EQ(restored->rows, total);

  // The restored database works through the Store and keeps counting where the source stopped:
  // the next revision is id 7, the next import 4 and the next target revision 3.
  auto store = Open(dst_);
  auto history = store->History(Obs("KHM", 2020, 0).key);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->back().value, 18.5);
  EXPECT_EQ(history->front().attributes.note,
            "tab\there, newline\nthere, backslash \\ and 'quotes'");
  auto imp =
      store->ApplyImport(Record("three.csv"), std::vector<Observation>{Obs("KHM", 2022, 20)}, {});
  ASSERT_TRUE(imp) << imp.error().ToString();
  EXPECT_EQ(imp->id, 4);
  auto h = store->History(Obs("KHM", 2022, 0).key);
  ASSERT_TRUE(h);
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ(h->front().id, 7);
  Target t;
  t.key = {"THA", "SI_COV_BENFTS"};
  t.baseline_value = 60;
  auto set = store->SetTarget(t, {"carol", "edit", "new"});
  ASSERT_TRUE(set) << set.error().ToString();
  EXPECT_EQ(set->revision, 3);
  // Append-only still holds after the restore.
  if (!postgres()) {
    sqlite3* db = nullptr;
    sqlite3_open(dst_.c_str(), &db);
    EXPECT_NE(sqlite3_exec(db, "DELETE FROM obs_revision", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  } else {
    pqxx::connection c(dst_);
    pqxx::nontransaction tx(c);
    EXPECT_THROW(tx.exec("DELETE FROM obs_revision"), pqxx::sql_error);
  }
}

TEST_P(BackupTest, RefusesATargetWithDataUnlessForced) {
  ASSERT_NO_FATAL_FAILURE(MakeSourceAndBackup());
  ASSERT_TRUE(Restore(backup_, dst_, {}));
  {
    auto store = Open(dst_);
    ASSERT_TRUE(store->SetMeta("marker", "only in the target").ok());
  }
  Dump target = DumpOf(dst_);
  auto refused = Restore(backup_, dst_, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.error().message().find("--force"), std::string::npos)
      << refused.error().message();
  EXPECT_EQ(DumpOf(dst_), target);

  if (postgres()) {
    // What later migrations may create besides tables must go too, or they could not run again.
    pqxx::connection c(dst_);
    pqxx::nontransaction tx(c);
    tx.exec(
        "CREATE TYPE user_role AS ENUM ('administrator', 'analyst'); "
        "CREATE DOMAIN percentage AS double precision CHECK (VALUE BETWEEN 0 AND 100); "
        "CREATE VIEW current_targets AS SELECT * FROM target_revision; "
        "CREATE SEQUENCE free_standing");
  }
  auto forced = Restore(backup_, dst_, {.force = true});
  ASSERT_TRUE(forced) << forced.error().ToString();
  EXPECT_EQ(DumpOf(dst_), DumpOf(src_));
  if (postgres()) {
    pqxx::connection c(dst_);
    pqxx::nontransaction tx(c);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM pg_type WHERE typname IN ('user_role', "
                       "'percentage') AND typnamespace = (SELECT oid FROM pg_namespace WHERE "
                       "nspname = current_schema())")[0]
                  .as<int>(),
              0);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM pg_class WHERE relname IN ('current_targets', "
                       "'free_standing') AND relnamespace = (SELECT oid FROM pg_namespace WHERE "
                       "nspname = current_schema())")[0]
                  .as<int>(),
              0);
  }
}

TEST_P(BackupTest, AnEmptyMigratedTargetNeedsNoForce) {
  ASSERT_NO_FATAL_FAILURE(MakeSourceAndBackup());
  Open(dst_).reset();  // schema only
  auto restored = Restore(backup_, dst_, {});
  ASSERT_TRUE(restored) << restored.error().ToString();
  EXPECT_EQ(DumpOf(dst_), DumpOf(src_));
}

// Truncates the backup to half its size.
void Truncate(const std::string& path) {
  auto size = fs::file_size(path);
  fs::resize_file(path, size / 2);
}

TEST_P(BackupTest, DamagedBackupFailsClearlyAndChangesNothing) {
  ASSERT_NO_FATAL_FAILURE(MakeSourceAndBackup());
  // The target holds other data, and --force is given: only the damage may stop the restore.
  {
    auto store = Open(dst_);
    ASSERT_TRUE(store->SetMeta("marker", "the target before").ok());
  }
  Dump target = DumpOf(dst_);
  Truncate(backup_);
  auto r = Restore(backup_, dst_, {.force = true});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kDataLoss) << r.error().ToString();
  EXPECT_NE(r.error().message().find("damaged"), std::string::npos) << r.error().message();
  EXPECT_EQ(DumpOf(dst_), target);
}

TEST_P(BackupTest, FlippedBytesAreDetected) {
  ASSERT_NO_FATAL_FAILURE(MakeSourceAndBackup());
  Open(dst_).reset();
  Dump target = DumpOf(dst_);
  // Overwrite 64 bytes in the middle of the file. For SQLite, a whole page in the middle is
  // zeroed instead: a page of zeros is no valid b-tree page, which the integrity check reports.
  std::fstream f(backup_, std::ios::in | std::ios::out | std::ios::binary);
  auto size = fs::file_size(backup_);
  if (postgres()) {
    f.seekp(static_cast<std::streamoff>(size / 2));
    std::string junk(64, '\x5a');
    f.write(junk.data(), 64);
  } else {
    // Page size 4096: page 2 holds the first table's root (the schema is on page 1).
    f.seekp(4096);
    std::string zeros(4096, '\0');
    f.write(zeros.data(), 4096);
  }
  f.close();
  auto r = Restore(backup_, dst_, {.force = true});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kDataLoss) << r.error().ToString();
  EXPECT_EQ(DumpOf(dst_), target);
}

// Rewrites the backup so that it claims schema version 999.
void MakeVersion999(const std::string& path, bool postgres) {
  if (!postgres) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "INSERT INTO schema_migration (version, name, applied_at) VALUES "
                           "(999, 'from the future', '2030-01-01')",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    return;
  }
  gzFile in = gzopen(path.c_str(), "rb");
  std::string text;
  char buf[4096];
  int n;
  while ((n = gzread(in, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  gzclose(in);
  size_t at = text.find("schema-version 1\n");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 17, "schema-version 999\n");
  gzFile out = gzopen(path.c_str(), "wb");
  gzwrite(out, text.data(), static_cast<unsigned>(text.size()));
  gzclose(out);
}

TEST_P(BackupTest, NewerSchemaVersionIsRefused) {
  ASSERT_NO_FATAL_FAILURE(MakeSourceAndBackup());
  Open(dst_).reset();
  Dump target = DumpOf(dst_);
  ASSERT_NO_FATAL_FAILURE(MakeVersion999(backup_, postgres()));
  auto r = Restore(backup_, dst_, {.force = true});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition) << r.error().ToString();
  EXPECT_NE(r.error().message().find("schema version 999"), std::string::npos)
      << r.error().message();
  EXPECT_EQ(DumpOf(dst_), target);
}

TEST_P(BackupTest, FilesThatAreNotBackupsAreRefused) {
  std::ofstream(backup_) << "iso3,year,value\nKHM,2020,18\n";
  auto r = Restore(backup_, dst_, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("not a spcoop backup"), std::string::npos);
}

// Tables that are not spcoop's are never dropped without --force, even when empty.
TEST_P(BackupTest, ForeignTablesInTheTargetNeedForce) {
  ASSERT_NO_FATAL_FAILURE(MakeSourceAndBackup());
  if (postgres()) {
    pqxx::connection c(dst_);
    pqxx::nontransaction tx(c);
    tx.exec("CREATE TABLE other_application (id integer)");
  } else {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dst_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(
        sqlite3_exec(db, "CREATE TABLE other_application (id integer)", nullptr, nullptr, nullptr),
        SQLITE_OK);
    sqlite3_close(db);
  }
  auto r = Restore(backup_, dst_, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition) << r.error().ToString();
  Dump target = DumpOf(dst_);
  ASSERT_EQ(target.size(), 1u);
  EXPECT_TRUE(target.contains("other_application"));
}

// A SQLite file that another connection (a running server) has open is not replaced under it.
TEST_P(BackupTest, RestoreRefusesASqliteFileInUse) {
  if (postgres()) GTEST_SKIP() << "PostgreSQL restores in a transaction beside other sessions";
  ASSERT_NO_FATAL_FAILURE(MakeSourceAndBackup());
  auto server = Open(dst_);
  ASSERT_TRUE(server->SetMeta("marker", "in use").ok());
  Dump target = DumpOf(dst_);
  auto r = Restore(backup_, dst_, {.force = true});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kUnavailable) << r.error().ToString();
  EXPECT_NE(r.error().message().find("stop the server"), std::string::npos);
  EXPECT_EQ(DumpOf(dst_), target);
  EXPECT_EQ(server->GetMeta("marker").value_or(std::nullopt), "in use");
  server.reset();
  auto again = Restore(backup_, dst_, {.force = true});
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(DumpOf(dst_), DumpOf(src_));
}

TEST_P(BackupTest, BackupNeverOverwritesAFile) {
  ASSERT_NO_FATAL_FAILURE(MakeSourceAndBackup());
  auto again = Backup(src_, backup_);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), StatusCode::kAlreadyExists);
}

// While one connection imports in a loop, backups taken from another are each one consistent
// state: every import's recorded counts match the revisions it wrote, and no revision refers to
// an import or a key the backup lacks. A copy made table by table without one snapshot would
// catch revisions of an import whose record it had already passed.
TEST_P(BackupTest, BackupWhileAnotherConnectionWritesIsConsistent) {
  {
    auto store = Open(src_);
    std::vector<Economy> economies = {
        MakeEconomy("KHM", {"Cambodia", "柬埔寨", "Камбоджа", "Cambodge"})};
    ASSERT_TRUE(store->PutEconomies(economies).ok());
  }
  std::atomic<bool> stop{false};
  std::atomic<int> imports{0};
  std::thread writer([&] {
    auto store = Open(src_);
    for (int round = 1; !stop; ++round) {
      std::vector<Observation> rows;
      // 200 rows, each import changing all of them: 200 revisions per import.
      for (int year = 1800; year < 2000; ++year) rows.push_back(Obs("KHM", year, round % 100));
      auto r = store->ApplyImport(Record(fmt::format("round{}.csv", round)), rows, {});
      if (!r) {
        ADD_FAILURE() << r.error().ToString();
        return;
      }
      ++imports;
    }
  });
  while (imports < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::vector<std::string> backups;
  for (int i = 0; i < 3; ++i) {
    std::string path = backup_ + std::to_string(i);
    auto made = Backup(src_, path);
    ASSERT_TRUE(made) << made.error().ToString();
    backups.push_back(path);
  }
  stop = true;
  writer.join();
  int during = imports;
  EXPECT_GE(during, 3);

  for (const std::string& b : backups) {
    auto r = Restore(b, dst_, {.force = true});
    ASSERT_TRUE(r) << r.error().ToString();
    Dump d = DumpOf(dst_);
    // import_batch: id|file_name|sha256|format|source|vintage|author|origin|reason|recorded_at|
    //               rows|added|changed|unchanged|skipped
    std::map<std::string, int64_t> written;  // import id -> added + changed
    for (const std::string& row : d["import_batch"]) {
      std::vector<std::string> f;
      size_t pos = 0;
      while (true) {
        size_t bar = row.find('|', pos);
        f.push_back(row.substr(pos, bar == std::string::npos ? bar : bar - pos));
        if (bar == std::string::npos) break;
        pos = bar + 1;
      }
      ASSERT_EQ(f.size(), 15u) << row;
      written[f[0]] = std::stoll(f[11]) + std::stoll(f[12]);
    }
    ASSERT_FALSE(written.empty());
    // Count revisions per import through the store, which knows each backend's column order.
    auto store = Open(dst_);
    std::map<std::string, int64_t> seen;
    for (int year = 1800; year < 2000; ++year) {
      auto h = store->History(Obs("KHM", year, 0).key);
      ASSERT_TRUE(h);
      for (const Revision& rev : h.value()) ++seen[std::to_string(rev.import_id)];
    }
    EXPECT_EQ(seen, written) << "backup " << b;
    for (const auto& [id, n] : written) EXPECT_EQ(n, 200) << "import " << id;
  }
}

TEST_P(BackupTest, BackupOfADatabaseWithoutSchemaFails) {
  if (!postgres()) {
    auto r = Backup(src_, backup_);  // the file does not exist
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), StatusCode::kNotFound);
  } else {
    auto r = Backup(src_, backup_);  // an empty schema
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition);
  }
  EXPECT_FALSE(fs::exists(backup_));
  EXPECT_FALSE(fs::exists(backup_ + ".partial"));
}

TEST_P(BackupTest, ABackupRestoresOnlyIntoItsOwnBackend) {
  const char* base = std::getenv("SPCOOP_TEST_POSTGRES_URI");
  if (!base) GTEST_SKIP() << "needs SPCOOP_TEST_POSTGRES_URI";
  ASSERT_NO_FATAL_FAILURE(MakeSourceAndBackup());
  std::string other = postgres() ? (dir_ / "other.db").string() : std::string(base);
  auto r = Restore(backup_, other, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find(postgres() ? "not into a SQLite file" : "not into PostgreSQL"),
            std::string::npos)
      << r.error().message();
}

INSTANTIATE_TEST_SUITE_P(Backends, BackupTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace spcoop
