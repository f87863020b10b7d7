// Backup and restore of the SQLite backend with SQLite's online backup API. See backup.h.
//
// Backup copies every page in one sqlite3_backup_step(-1), which holds one read transaction for
// the whole copy: in WAL mode writers go on, and the copy is the database as of that
// transaction's start. The copy is switched to a rollback journal so it is one self-contained
// file.
//
// Restore checks the backup (PRAGMA integrity_check, schema_migration), copies it with the same
// API into TARGET.partial, and renames that over TARGET. A target in WAL mode is first switched
// to a rollback journal: SQLite does that only when no other connection has the file open, and
// it checkpoints and deletes TARGET-wal, so no stale WAL can be replayed onto the new file.
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

#include "backup_internal.h"
#include "sqlite_db.h"
#include "sqlite_migrations.h"

namespace spcoop::backup {
namespace {

using sqlite::FromSqlite;

struct Closer {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Conn = std::unique_ptr<sqlite3, Closer>;

Result<Conn> OpenFile(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Conn conn(raw);
  if (rc != SQLITE_OK) return Err(FromSqlite(rc, raw, fmt::format("cannot open '{}'", path)));
  sqlite3_busy_timeout(raw, 10000);
  sqlite3_extended_result_codes(raw, 1);
  return conn;
}

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Runs one query and returns the first column of every row as text.
Result<std::vector<std::string>> Column(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr);
  if (rc != SQLITE_OK) return Err(FromSqlite(rc, db, "read the database"));
  sqlite::Statement st(db, raw);
  std::vector<std::string> out;
  while (true) {
    SPCOOP_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(st.Text(0));
  }
  return out;
}

// Every table with its row count, and the schema version. kFailedPrecondition without
// schema_migration.
struct Contents {
  int schema_version = 0;
  int64_t tables = 0;
  int64_t rows = 0;
  int64_t data_rows = 0;  // rows beyond those the migrations put there (SeedRows)
};

Result<Contents> Inspect(sqlite3* db, std::string_view what) {
  SPCOOP_ASSIGN_OR_RETURN(auto tables,
                          Column(db,
                                 "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                                 "LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"));
  Contents c;
  bool has_migrations = false;
  SPCOOP_ASSIGN_OR_RETURN(auto seeds, SeedRows());
  for (const std::string& t : tables) {
    SPCOOP_ASSIGN_OR_RETURN(auto n, Column(db, "SELECT COUNT(*) FROM " + QuoteIdent(t)));
    int64_t rows = std::stoll(n.at(0));
    ++c.tables;
    c.rows += rows;
    if (t != "schema_migration") c.data_rows += std::max<int64_t>(0, rows - seeds[t]);
    if (t == "schema_migration") has_migrations = true;
  }
  if (has_migrations) {
    SPCOOP_ASSIGN_OR_RETURN(auto v, Column(db,
                                           "SELECT COALESCE(MAX(version), 0) FROM "
                                           "schema_migration"));
    c.schema_version = std::stoi(v.at(0));
  } else if (!tables.empty()) {
    return Err(Status::FailedPrecondition(
        fmt::format("{} has tables but no spcoop schema (no schema_migration table)", what)));
  }
  return c;
}

// Copies every page of `from` into `to` in one step (one read transaction on `from`).
Status CopyPages(sqlite3* from, sqlite3* to, std::string_view what) {
  sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main");
  if (!b) return FromSqlite(sqlite3_errcode(to), to, what);
  int rc = SQLITE_OK;
  // BUSY/LOCKED: another connection holds a lock we need for an instant; step again.
  for (int attempt = 0; attempt < 100; ++attempt) {
    rc = sqlite3_backup_step(b, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    sqlite3_sleep(100);
  }
  int finish = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return FromSqlite(rc, to, what);
  if (finish != SQLITE_OK) return FromSqlite(finish, to, what);
  return Status::Ok();
}

// Switches `db` to a rollback journal and returns the mode it is in afterwards.
Result<std::string> UseRollbackJournal(sqlite3* db) {
  SPCOOP_ASSIGN_OR_RETURN(auto mode, Column(db, "PRAGMA journal_mode = DELETE"));
  return mode.empty() ? std::string() : mode[0];
}

}  // namespace

Result<std::map<std::string, int64_t>> SeedRows() {
  SPCOOP_ASSIGN_OR_RETURN(Conn db, OpenFile(":memory:", SQLITE_OPEN_READWRITE));
  for (const auto& m : sqlite::kMigrations) {
    char* err = nullptr;
    int rc = sqlite3_exec(db.get(), std::string(m.sql).c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      return Err(Status::Internal(fmt::format("migration {}: {}", m.version, msg)));
    }
  }
  SPCOOP_ASSIGN_OR_RETURN(auto tables,
                          Column(db.get(),
                                 "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                                 "LIKE 'sqlite\\_%' ESCAPE '\\'"));
  std::map<std::string, int64_t> out;
  for (const std::string& t : tables) {
    SPCOOP_ASSIGN_OR_RETURN(auto n, Column(db.get(), "SELECT COUNT(*) FROM " + QuoteIdent(t)));
    out[t] = std::stoll(n.at(0));
  }
  return out;
}

Result<BackupInfo> BackupSqlite(const std::string& db_path, const std::string& output_path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(db_path, ec)) {
    return Err(Status::NotFound(fmt::format(
        "the database '{}' does not exist; give the path of a spcoop SQLite file with --db",
        db_path)));
  }
  SPCOOP_ASSIGN_OR_RETURN(Conn src, OpenFile(db_path, SQLITE_OPEN_READWRITE));
  PartialFile out(output_path);
  std::filesystem::remove(out.path(), ec);  // left by a killed run
  SPCOOP_ASSIGN_OR_RETURN(Conn dst,
                          OpenFile(out.path(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  SPCOOP_RETURN_IF_ERROR(CopyPages(src.get(), dst.get(), fmt::format("back up '{}'", db_path)));
  src.reset();
  SPCOOP_ASSIGN_OR_RETURN(std::string mode, UseRollbackJournal(dst.get()));
  (void)mode;
  SPCOOP_ASSIGN_OR_RETURN(Contents c, Inspect(dst.get(), fmt::format("'{}'", db_path)));
  if (c.schema_version == 0) {
    return Err(Status::FailedPrecondition(
        fmt::format("'{}' has no spcoop schema; run 'spcoop init' before backing it up", db_path)));
  }
  dst.reset();
  SPCOOP_RETURN_IF_ERROR(out.Commit());
  return BackupInfo{"sqlite", c.schema_version, c.tables, c.rows};
}

Result<BackupInfo> RestoreSqlite(const std::string& input_path, const std::string& db_path,
                                 const RestoreOptions& options) {
  const int newest = sqlite::kMigrations[std::size(sqlite::kMigrations) - 1].version;
  // 1. The backup: readable, intact, a spcoop schema this binary knows.
  auto opened = OpenFile(input_path, SQLITE_OPEN_READONLY);
  if (!opened) return Err(opened.error());
  Conn in = std::move(*opened);
  auto damaged = [&](const std::string& why) {
    return Err(Status::DataLoss(
        fmt::format("the backup '{}' is damaged ({}); nothing was restored: use another backup",
                    input_path, why)));
  };
  auto check = Column(in.get(), "PRAGMA integrity_check");
  if (!check) return damaged(check.error().message());
  if (check->empty() || (*check)[0] != "ok") {
    return damaged(check->empty() ? "no result" : (*check)[0]);
  }
  auto contents = Inspect(in.get(), fmt::format("the backup '{}'", input_path));
  if (!contents) {
    if (contents.error().code() == StatusCode::kDataLoss)
      return damaged(contents.error().message());
    return Err(Status::InvalidArgument(
        fmt::format("'{}' is not a spcoop backup: {}", input_path, contents.error().message())));
  }
  if (contents->schema_version == 0) {
    return Err(Status::InvalidArgument(
        fmt::format("'{}' is not a spcoop backup: it has no schema_migration table", input_path)));
  }
  if (contents->schema_version > newest) {
    return Err(Status::FailedPrecondition(fmt::format(
        "the backup '{}' has schema version {}, newer than this spcoop ({}); restore it with "
        "the spcoop that made it, or upgrade spcoop",
        input_path, contents->schema_version, newest)));
  }

  // 2. The target: empty unless forced, and not in use.
  std::error_code ec;
  auto parent = std::filesystem::path(db_path).parent_path();
  if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
    return Err(Status::FailedPrecondition(fmt::format(
        "the folder '{}' for the database does not exist; create it first", parent.string())));
  }
  if (std::filesystem::exists(db_path, ec)) {
    SPCOOP_ASSIGN_OR_RETURN(Conn target, OpenFile(db_path, SQLITE_OPEN_READWRITE));
    auto now = Inspect(target.get(), fmt::format("the target '{}'", db_path));
    if (!now && !options.force) {
      if (now.error().code() != StatusCode::kFailedPrecondition) return Err(now.error());
      return Err(Status::FailedPrecondition(
          fmt::format("{}; restore replaces it only with --force, or restore into a new file",
                      now.error().message())));
    }
    if (now && now->data_rows > 0 && !options.force) {
      return Err(Status::FailedPrecondition(fmt::format(
          "the target database '{}' holds data ({} rows in {} tables); restore replaces a "
          "database only with --force, or restore into a new file",
          db_path, now->data_rows, now->tables)));
    }
    auto mode = UseRollbackJournal(target.get());
    if (!mode || *mode != "delete") {
      return Err(Status::Unavailable(fmt::format(
          "the database '{}' is in use by another connection{}; stop the server (and any other "
          "spcoop process using it) before restoring",
          db_path, mode ? "" : ": " + mode.error().message())));
    }
  }

  // 3. Copy into TARGET.partial, then rename it over the target.
  PartialFile out(db_path);
  std::filesystem::remove(out.path(), ec);
  SPCOOP_ASSIGN_OR_RETURN(Conn dst,
                          OpenFile(out.path(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  SPCOOP_RETURN_IF_ERROR(CopyPages(in.get(), dst.get(), fmt::format("restore '{}'", input_path)));
  SPCOOP_ASSIGN_OR_RETURN(std::string mode, UseRollbackJournal(dst.get()));
  (void)mode;
  dst.reset();
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    std::filesystem::remove(db_path + suffix, ec);
  }
  SPCOOP_RETURN_IF_ERROR(out.Commit());
  return BackupInfo{"sqlite", contents->schema_version, contents->tables, contents->rows};
}

}  // namespace spcoop::backup
