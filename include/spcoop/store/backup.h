// spcoop/store/backup.h — online backup and all-or-nothing restore of a whole spcoop database.
//
//   SPCOOP_ASSIGN_OR_RETURN(BackupInfo made, Backup("var/spcoop.db", "spcoop-2026-11-29.db"));
//   SPCOOP_ASSIGN_OR_RETURN(BackupInfo back, Restore("spcoop-2026-11-29.db", "var/new.db", {}));
//
// Formats (docs/cli.md, "backup and restore", describes both):
// - SQLite: the backup is itself a SQLite database file (rollback journal, not WAL), made with
//   SQLite's online backup API in one read transaction, so it is a consistent copy even while
//   another connection or process writes. It opens with any SQLite tool.
// - PostgreSQL: a gzip-compressed text archive ("spcoop-backup 1"): a header with the schema
//   version, then every table of the connection's schema (enumerated from the catalogue, parents
//   before the tables whose foreign keys point at them) as its column names and its rows in
//   COPY text format, each followed by its row count, then an "end" line. It is read in one
//   REPEATABLE READ, READ ONLY transaction: one snapshot, and writers are never blocked.
// A backup restores into the backend it came from (kInvalidArgument otherwise).
//
// Contract:
// - Backup() writes OUTPUT.partial and renames it to OUTPUT when complete, so OUTPUT is either
//   absent or whole. kAlreadyExists when OUTPUT exists; kFailedPrecondition when the database
//   has no spcoop schema; kNotFound when a SQLite file does not exist.
// - Restore() checks the backup first (SQLite: integrity check; archive: gzip checksum, row
//   counts and end marker) and its schema version: kInvalidArgument when the file is not a spcoop
//   backup, kDataLoss when it is damaged or truncated, kFailedPrecondition when its schema is
//   newer than this binary. It refuses a target that holds data (a table with more rows
//   than a freshly migrated database has, schema_migration aside), or tables without a spcoop
//   schema, unless options.force is set (kFailedPrecondition). It is all or nothing: SQLite writes a
//   temporary file beside the target and renames it over the target; PostgreSQL does everything in
//   one transaction (with force it first drops every table, view, sequence, function and type of
//   the target schema), loads each table verbatim with user triggers disabled (so audit hashes and
//   append-only tables are kept exactly), and sets every identity sequence past the highest
//   restored id. On any error the target is unchanged. A backup of an older schema restores as that
//   version; the next Migrate() upgrades it.
// - Restoring a SQLite file needs exclusive use of it: stop the server first (kUnavailable when
//   another connection has it open).
// Thread safety: each call opens its own connections; calls may run from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "spcoop/core/status.h"

namespace spcoop {

struct BackupInfo {
  std::string backend;     // "sqlite" or "postgresql"
  int schema_version = 0;  // of the backed-up (or restored) database
  int64_t tables = 0;      // tables copied
  int64_t rows = 0;        // rows copied, over every table
};

struct RestoreOptions {
  bool force = false;  // replace a target that holds data
};

// Copies the database at `db_uri` (a SQLite path or a postgresql:// URI, as OpenStore takes) to
// the file `output_path`.
Result<BackupInfo> Backup(std::string_view db_uri, const std::string& output_path);

// Loads the backup file `input_path` into the database at `db_uri`.
Result<BackupInfo> Restore(const std::string& input_path, std::string_view db_uri,
                           const RestoreOptions& options);

}  // namespace spcoop
