// Backup and restore of the PostgreSQL backend as a logical archive. See backup.h.
//
// The archive is gzip-compressed text, one item per line:
//
//   spcoop-backup 1
//   backend postgresql
//   schema-version 1
//   created-at 2026-11-29T05:40:00.000Z
//   table economy
//   columns iso3<TAB>iso2<TAB>...
//   <rows in COPY text format: tab-separated, \N for NULL, backslash escapes>
//   \.
//   rows 62
//   table ...
//   end 11
//
// "end" carries the number of tables. Tables come parents first (a table follows every table its
// foreign keys point at), so loading in file order satisfies foreign keys. Generated columns are
// left out; identity columns are kept, with their values. gzip's CRC-32 detects damage, and the
// row counts and the end line detect truncation.
//
// This file talks to libpq directly: COPY in and out line by line is all it needs, and libpq's
// PQgetCopyData / PQputCopyData are that. Table and column names come from the catalogue and are
// quoted with PQescapeIdentifier; every value travels as a parameter or inside COPY.
#include <fmt/format.h>
#include <libpq-fe.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "backup_internal.h"
#include "postgres_migrations.h"
#include "postgres_store.h"
#include "spcoop/store/store.h"

namespace spcoop::backup {
namespace {

constexpr std::string_view kMagic = "spcoop-backup 1";

struct PgConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultClear {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultClear>;

// One libpq connection with the few operations backup and restore need. Errors become Status.
class Pg {
 public:
  static Result<std::unique_ptr<Pg>> Connect(const std::string& uri) {
    std::unique_ptr<PGconn, PgConnCloser> conn(PQconnectdb(uri.c_str()));
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
      std::string msg = conn ? PQerrorMessage(conn.get()) : "out of memory";
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      return Err(Status::Unavailable(fmt::format(
          "cannot connect to PostgreSQL at {}: {} (is the server running and reachable?)",
          RedactPostgresUri(uri), msg)));
    }
    auto pg = std::unique_ptr<Pg>(new Pg(std::move(conn)));
    SPCOOP_RETURN_IF_ERROR(
        pg->Exec("SET client_encoding = 'UTF8'; SET client_min_messages = warning; "
                 "SET extra_float_digits = 3; SET DateStyle = 'ISO'; SET IntervalStyle = "
                 "'postgres'; SET TimeZone = 'UTC'"));
    return pg;
  }

  // Runs SQL with text parameters; returns the result of a command or query.
  Result<PgResult> Query(const std::string& sql, const std::vector<std::string>& params = {}) {
    std::vector<const char*> values;
    for (const std::string& p : params) values.push_back(p.c_str());
    PgResult r(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                            values.data(), nullptr, nullptr, 0));
    ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Err(Error(r.get()));
    return r;
  }
  // Several statements, no parameters (migrations, SET, BEGIN).
  Status Exec(const std::string& sql) {
    PgResult r(PQexec(conn_.get(), sql.c_str()));
    ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Error(r.get());
    return Status::Ok();
  }
  Result<std::vector<std::string>> Column(const std::string& sql,
                                          const std::vector<std::string>& params = {}) {
    SPCOOP_ASSIGN_OR_RETURN(PgResult r, Query(sql, params));
    std::vector<std::string> out;
    for (int i = 0; i < PQntuples(r.get()); ++i) out.emplace_back(PQgetvalue(r.get(), i, 0));
    return out;
  }

  std::string Ident(std::string_view name) {
    char* q = PQescapeIdentifier(conn_.get(), name.data(), name.size());
    std::string out = q ? q : "";
    PQfreemem(q);
    return out;
  }

  // COPY ... TO STDOUT: calls `line` with each line (its newline included). Returns the rows.
  template <typename F>
  Result<int64_t> CopyOut(const std::string& sql, F&& line) {
    PgResult start(PQexec(conn_.get(), sql.c_str()));
    if (!start || PQresultStatus(start.get()) != PGRES_COPY_OUT) return Err(Error(start.get()));
    int64_t rows = 0;
    while (true) {
      char* buf = nullptr;
      int n = PQgetCopyData(conn_.get(), &buf, 0);
      if (n == -1) break;
      if (n == -2) return Err(Error(nullptr));
      Status s = line(std::string_view(buf, static_cast<size_t>(n)));
      PQfreemem(buf);
      SPCOOP_RETURN_IF_ERROR(s);
      ++rows;
    }
    PgResult end(PQgetResult(conn_.get()));
    if (!end || PQresultStatus(end.get()) != PGRES_COMMAND_OK) return Err(Error(end.get()));
    while (PgResult more{PQgetResult(conn_.get())}) {
    }
    return rows;
  }

  // COPY ... FROM STDIN: `next` fills a line (with its newline) and returns true, or returns
  // false at the end of the data. Returns the rows PostgreSQL loaded.
  template <typename F>
  Result<int64_t> CopyIn(const std::string& sql, F&& next) {
    PgResult start(PQexec(conn_.get(), sql.c_str()));
    if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN) return Err(Error(start.get()));
    std::string buffer;
    Status failed;
    while (true) {
      auto more = next();
      if (!more) {
        failed = more.error();
        break;
      }
      if (*more == nullptr) break;
      buffer += **more;
      if (buffer.size() >= (1 << 16)) {
        if (PQputCopyData(conn_.get(), buffer.data(), static_cast<int>(buffer.size())) != 1) {
          return Err(Error(nullptr));
        }
        buffer.clear();
      }
    }
    if (failed.ok() && !buffer.empty() &&
        PQputCopyData(conn_.get(), buffer.data(), static_cast<int>(buffer.size())) != 1) {
      return Err(Error(nullptr));
    }
    PQputCopyEnd(conn_.get(), failed.ok() ? nullptr : "the backup could not be read");
    PgResult end(PQgetResult(conn_.get()));
    bool ok = end && PQresultStatus(end.get()) == PGRES_COMMAND_OK;
    Status copy_error = ok ? Status::Ok() : Error(end.get());
    int64_t rows = ok ? std::stoll(PQcmdTuples(end.get())) : 0;
    while (PgResult more{PQgetResult(conn_.get())}) {
    }
    if (!failed.ok()) return Err(failed);
    if (!copy_error.ok()) return Err(copy_error);
    return rows;
  }

 private:
  explicit Pg(std::unique_ptr<PGconn, PgConnCloser> conn) : conn_(std::move(conn)) {}

  Status Error(const PGresult* r) {
    std::string msg = r ? PQresultErrorMessage(r) : "";
    if (msg.empty()) msg = PQerrorMessage(conn_.get());
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (msg.starts_with("ERROR:  ")) msg.erase(0, 8);
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string_view code = state ? state : "";
    if (PQstatus(conn_.get()) != CONNECTION_OK || code.starts_with("08")) {
      return Status::Unavailable("lost the connection to PostgreSQL: " + msg);
    }
    if (code == "42501") {
      return Status::PermissionDenied(
          msg + " (the database role lacks a privilege; see docs/postgresql.md)");
    }
    if (code.starts_with("22") || code.starts_with("23")) {
      return Status::DataLoss("the backup does not fit the schema it names: " + msg);
    }
    return Status::Internal(msg);
  }

  std::unique_ptr<PGconn, PgConnCloser> conn_;
};

// ---------------------------------------------------------------- gzip files

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};
using Gz = std::unique_ptr<gzFile_s, GzCloser>;

class GzWriter {
 public:
  static Result<GzWriter> Open(const std::string& path) {
    gzFile f = gzopen(path.c_str(), "wb6");
    if (!f) {
      return Err(Status::FailedPrecondition(fmt::format("cannot create '{}'", path)));
    }
    return GzWriter(Gz(f), path);
  }
  Status Write(std::string_view s) {
    if (s.empty()) return Status::Ok();
    if (gzwrite(f_.get(), s.data(), static_cast<unsigned>(s.size())) !=
        static_cast<int>(s.size())) {
      return Status::Internal(fmt::format("cannot write '{}' (is the disk full?)", path_));
    }
    return Status::Ok();
  }
  Status Close() {
    int rc = gzclose(f_.release());
    if (rc != Z_OK) {
      return Status::Internal(fmt::format("cannot finish '{}' (is the disk full?)", path_));
    }
    return Status::Ok();
  }

 private:
  GzWriter(Gz f, std::string path) : f_(std::move(f)), path_(std::move(path)) {}
  Gz f_;
  std::string path_;
};

// Reads an archive line by line; a damaged gzip stream is kDataLoss.
class GzReader {
 public:
  static Result<GzReader> Open(const std::string& path) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) return Err(Status::NotFound(fmt::format("cannot open '{}'", path)));
    gzbuffer(f, 1 << 17);
    return GzReader(Gz(f), path);
  }
  // The next line with its '\n'; nullopt at the end of the file.
  Result<std::optional<std::string>> Line() {
    std::string line;
    char buf[8192];
    while (true) {
      char* got = gzgets(f_.get(), buf, sizeof buf);
      if (!got) {
        int err = 0;
        const char* msg = gzerror(f_.get(), &err);
        if (err != Z_OK && err != Z_STREAM_END) return Err(Damaged(msg ? msg : "read error"));
        if (line.empty()) return std::optional<std::string>();
        return Err(Damaged("it ends in the middle of a line"));
      }
      line += got;
      if (!line.empty() && line.back() == '\n') {
        ++line_no_;
        return std::optional<std::string>(std::move(line));
      }
    }
  }
  // The next line without its newline; kDataLoss at the end of the file.
  Result<std::string> Expect(std::string_view what) {
    SPCOOP_ASSIGN_OR_RETURN(auto l, Line());
    if (!l) return Err(Damaged(fmt::format("it ends before {}", what)));
    l->pop_back();
    return std::move(*l);
  }
  Status Damaged(std::string_view why) const {
    return Status::DataLoss(fmt::format(
        "the backup '{}' is damaged or truncated at line {} ({}); nothing was restored: use "
        "another backup",
        path_, line_no_ + 1, why));
  }
  int64_t line_no() const { return line_no_; }

 private:
  GzReader(Gz f, std::string path) : f_(std::move(f)), path_(std::move(path)) {}
  Gz f_;
  std::string path_;
  int64_t line_no_ = 0;
};

std::vector<std::string> SplitTabs(std::string_view s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t tab = s.find('\t', pos);
    out.emplace_back(s.substr(pos, tab == std::string_view::npos ? s.npos : tab - pos));
    if (tab == std::string_view::npos) break;
    pos = tab + 1;
  }
  return out;
}

std::string JoinTabs(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += '\t';
    out += v[i];
  }
  return out;
}

// "key value" -> value, when the line starts with key and a space.
std::optional<std::string> Field(std::string_view line, std::string_view key) {
  if (line.size() <= key.size() || !line.starts_with(key) || line[key.size()] != ' ') {
    return std::nullopt;
  }
  return std::string(line.substr(key.size() + 1));
}

std::optional<int64_t> Number(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// ---------------------------------------------------------------- the catalogue

// The base tables of the connection's current schema, each after the tables its foreign keys
// refer to (ties by name).
Result<std::vector<std::string>> TablesInLoadOrder(Pg& pg) {
  SPCOOP_ASSIGN_OR_RETURN(
      auto names,
      pg.Column("SELECT c.relname FROM pg_class c WHERE c.relnamespace = "
                "(SELECT oid FROM pg_namespace WHERE nspname = current_schema()) "
                "AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname"));
  SPCOOP_ASSIGN_OR_RETURN(
      PgResult fk,
      pg.Query("SELECT c.relname, p.relname FROM pg_constraint k "
               "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid "
               "WHERE k.contype = 'f' AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE "
               "nspname = current_schema()) AND p.relnamespace = c.relnamespace"));
  std::map<std::string, std::set<std::string>> parents;
  for (int i = 0; i < PQntuples(fk.get()); ++i) {
    std::string child = PQgetvalue(fk.get(), i, 0), parent = PQgetvalue(fk.get(), i, 1);
    if (child != parent) parents[child].insert(parent);
  }
  std::vector<std::string> order;
  std::set<std::string> placed;
  while (order.size() < names.size()) {
    bool progress = false;
    for (const std::string& t : names) {
      if (placed.contains(t)) continue;
      bool ready = std::all_of(parents[t].begin(), parents[t].end(),
                               [&](const std::string& p) { return placed.contains(p); });
      if (!ready) continue;
      order.push_back(t);
      placed.insert(t);
      progress = true;
    }
    if (!progress) {
      // A cycle of foreign keys: not in spcoop's schema; keep the rest in name order.
      for (const std::string& t : names) {
        if (!placed.contains(t)) order.push_back(t);
      }
      break;
    }
  }
  return order;
}

// The columns of `table` that COPY can write back: every one but generated columns.
Result<std::vector<std::string>> CopyColumns(Pg& pg, const std::string& table) {
  return pg.Column(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
      "AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position",
      {table});
}

Result<int> SchemaVersion(Pg& pg, const std::string& uri) {
  SPCOOP_ASSIGN_OR_RETURN(
      auto has, pg.Column("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND "
                          "tablename = 'schema_migration'"));
  if (has.at(0) == "0") {
    return Err(Status::FailedPrecondition(
        fmt::format("{} has no spcoop schema; run 'spcoop init' with this --db first",
                    RedactPostgresUri(uri))));
  }
  SPCOOP_ASSIGN_OR_RETURN(auto v,
                          pg.Column("SELECT COALESCE(MAX(version), 0) FROM schema_migration"));
  return std::stoi(v.at(0));
}

std::string ColumnList(Pg& pg, const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& c : columns) {
    if (!out.empty()) out += ", ";
    out += pg.Ident(c);
  }
  return out;
}

// Drops every table, view, sequence, function and type of the current schema, so the
// migrations can create them again (restore --force).
Status DropSchemaObjects(Pg& pg) {
  SPCOOP_ASSIGN_OR_RETURN(
      PgResult objects,
      pg.Query("SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' "
               "WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.relname FROM pg_class c "
               "WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = "
               "current_schema()) AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
               "ORDER BY c.relkind DESC, c.relname"));
  for (int i = 0; i < PQntuples(objects.get()); ++i) {
    std::string kind = PQgetvalue(objects.get(), i, 0);
    std::string name = PQgetvalue(objects.get(), i, 1);
    SPCOOP_RETURN_IF_ERROR(
        pg.Exec(fmt::format("DROP {} IF EXISTS {} CASCADE", kind, pg.Ident(name))));
  }
  SPCOOP_ASSIGN_OR_RETURN(
      auto functions,
      pg.Column("SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.pronamespace = "
                "(SELECT oid FROM pg_namespace WHERE nspname = current_schema()) "
                "AND p.prokind IN ('f', 'p')"));
  // regprocedure's text is already a quoted, qualified signature.
  for (const std::string& f : functions) {
    SPCOOP_RETURN_IF_ERROR(pg.Exec(fmt::format("DROP ROUTINE IF EXISTS {} CASCADE", f)));
  }
  // Enums, domains, ranges and free-standing composite types (not the row types of tables).
  SPCOOP_ASSIGN_OR_RETURN(
      auto types,
      pg.Column("SELECT t.typname FROM pg_type t WHERE t.typnamespace = (SELECT oid FROM "
                "pg_namespace WHERE nspname = current_schema()) AND (t.typtype IN ('e', 'd', "
                "'r') OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = "
                "t.typrelid) = 'c'))"));
  for (const std::string& t : types) {
    SPCOOP_RETURN_IF_ERROR(pg.Exec(fmt::format("DROP TYPE IF EXISTS {} CASCADE", pg.Ident(t))));
  }
  return Status::Ok();
}

// Sets every sequence owned by a column of the current schema (identity or serial) so the next
// value is one past the column's highest value, or to its start when the table is empty.
Status ResetSequences(Pg& pg) {
  SPCOOP_ASSIGN_OR_RETURN(
      PgResult cols,
      pg.Query("SELECT c.table_name, c.column_name, "
               "pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) "
               "FROM information_schema.columns c JOIN information_schema.tables t "
               "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
               "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
               "AND pg_get_serial_sequence(quote_ident(c.table_name), c.column_name) IS NOT "
               "NULL"));
  for (int i = 0; i < PQntuples(cols.get()); ++i) {
    std::string table = PQgetvalue(cols.get(), i, 0), column = PQgetvalue(cols.get(), i, 1);
    std::string sequence = PQgetvalue(cols.get(), i, 2);
    // setval(seq, max, true): the next value is max + 1. With no rows, setval(seq, start, false).
    auto set = pg.Query(fmt::format("SELECT CASE WHEN m IS NULL THEN setval($1::regclass, "
                                    "(SELECT seqstart FROM pg_sequence WHERE seqrelid = "
                                    "$1::regclass), false) ELSE setval($1::regclass, m, true) END "
                                    "FROM (SELECT MAX({}) AS m FROM {}) x",
                                    pg.Ident(column), pg.Ident(table)),
                        {sequence});
    if (!set) return set.error();
  }
  return Status::Ok();
}

}  // namespace

Result<BackupInfo> BackupPostgres(const std::string& uri, const std::string& output_path) {
  SPCOOP_ASSIGN_OR_RETURN(auto pg, Pg::Connect(uri));
  // One snapshot for every table; READ ONLY, so nothing can be written by mistake.
  SPCOOP_RETURN_IF_ERROR(pg->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  SPCOOP_ASSIGN_OR_RETURN(int version, SchemaVersion(*pg, uri));
  SPCOOP_ASSIGN_OR_RETURN(auto tables, TablesInLoadOrder(*pg));

  PartialFile out(output_path);
  SPCOOP_ASSIGN_OR_RETURN(GzWriter gz, GzWriter::Open(out.path()));
  SPCOOP_RETURN_IF_ERROR(
      gz.Write(fmt::format("{}\nbackend postgresql\nschema-version {}\n"
                           "created-at {}\n",
                           kMagic, version, NowUtc())));
  BackupInfo info{"postgresql", version, 0, 0};
  for (const std::string& table : tables) {
    SPCOOP_ASSIGN_OR_RETURN(auto columns, CopyColumns(*pg, table));
    SPCOOP_RETURN_IF_ERROR(
        gz.Write(fmt::format("table {}\ncolumns {}\n", table, JoinTabs(columns))));
    SPCOOP_ASSIGN_OR_RETURN(int64_t rows,
                            pg->CopyOut(fmt::format("COPY {} ({}) TO STDOUT", pg->Ident(table),
                                                    ColumnList(*pg, columns)),
                                        [&](std::string_view line) { return gz.Write(line); }));
    SPCOOP_RETURN_IF_ERROR(gz.Write(fmt::format("\\.\nrows {}\n", rows)));
    ++info.tables;
    info.rows += rows;
  }
  SPCOOP_RETURN_IF_ERROR(gz.Write(fmt::format("end {}\n", info.tables)));
  SPCOOP_RETURN_IF_ERROR(pg->Exec("COMMIT"));
  SPCOOP_RETURN_IF_ERROR(gz.Close());
  SPCOOP_RETURN_IF_ERROR(out.Commit());
  return info;
}

Result<BackupInfo> RestorePostgres(const std::string& input_path, const std::string& uri,
                                   const RestoreOptions& options) {
  const int newest = pg::kMigrations[std::size(pg::kMigrations) - 1].version;
  SPCOOP_ASSIGN_OR_RETURN(GzReader in, GzReader::Open(input_path));
  auto not_backup = [&](std::string_view why) {
    return Err(Status::InvalidArgument(
        fmt::format("'{}' is not a spcoop backup of PostgreSQL ({})", input_path, why)));
  };
  // Header.
  auto first = in.Expect("its header");
  if (!first) return Err(first.error());
  if (*first != kMagic) return not_backup("its first line is not 'spcoop-backup 1'");
  SPCOOP_ASSIGN_OR_RETURN(std::string backend, in.Expect("its header"));
  if (backend != "backend postgresql") return not_backup("no 'backend postgresql' line");
  SPCOOP_ASSIGN_OR_RETURN(std::string version_line, in.Expect("its header"));
  auto version_text = Field(version_line, "schema-version");
  auto version = version_text ? Number(*version_text) : std::nullopt;
  if (!version || *version == 0) return not_backup("no valid 'schema-version' line");
  if (*version > newest) {
    return Err(Status::FailedPrecondition(fmt::format(
        "the backup '{}' has schema version {}, newer than this spcoop ({}); restore it with "
        "the spcoop that made it, or upgrade spcoop",
        input_path, *version, newest)));
  }
  SPCOOP_ASSIGN_OR_RETURN(std::string created, in.Expect("its header"));
  if (!Field(created, "created-at")) return not_backup("no 'created-at' line");

  SPCOOP_ASSIGN_OR_RETURN(auto pg, Pg::Connect(uri));
  SPCOOP_RETURN_IF_ERROR(pg->Exec("BEGIN"));  // rolled back by PQfinish on any early return

  // The target: empty unless forced.
  SPCOOP_ASSIGN_OR_RETURN(auto existing, TablesInLoadOrder(*pg));
  SPCOOP_ASSIGN_OR_RETURN(auto seeds, SeedRows());
  int64_t data_rows = 0;
  for (const std::string& t : existing) {
    if (t == "schema_migration") continue;
    SPCOOP_ASSIGN_OR_RETURN(auto n, pg->Column("SELECT count(*) FROM " + pg->Ident(t)));
    data_rows += std::max<int64_t>(0, std::stoll(n.at(0)) - seeds[t]);
  }
  bool spcoop_schema =
      std::find(existing.begin(), existing.end(), "schema_migration") != existing.end();
  if (!existing.empty() && !spcoop_schema && !options.force) {
    return Err(Status::FailedPrecondition(fmt::format(
        "the target schema of {} holds {} tables that are not spcoop's; restore into an empty "
        "schema (options=-csearch_path in the URI), or pass --force to drop them",
        RedactPostgresUri(uri), existing.size())));
  }
  if (data_rows > 0 && !options.force) {
    return Err(Status::FailedPrecondition(fmt::format(
        "the target database {} holds data ({} rows in {} tables); restore replaces a database "
        "only with --force, or restore into an empty database or schema",
        RedactPostgresUri(uri), data_rows, existing.size())));
  }
  SPCOOP_RETURN_IF_ERROR(DropSchemaObjects(*pg));

  // The schema as of the backup's version, then the data, verbatim.
  SPCOOP_RETURN_IF_ERROR(
      pg->Exec("CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
               "applied_at TEXT NOT NULL)"));
  for (const auto& m : pg::kMigrations) {
    if (m.version <= *version) SPCOOP_RETURN_IF_ERROR(pg->Exec(std::string(m.sql)));
  }
  SPCOOP_ASSIGN_OR_RETURN(auto schema_tables, TablesInLoadOrder(*pg));
  std::set<std::string> known(schema_tables.begin(), schema_tables.end());

  BackupInfo info{"postgresql", static_cast<int>(*version), 0, 0};
  std::set<std::string> loaded;
  while (true) {
    SPCOOP_ASSIGN_OR_RETURN(std::string line, in.Expect("its 'end' line"));
    if (auto end = Field(line, "end")) {
      if (Number(*end) != info.tables) return Err(in.Damaged("the table count does not match"));
      break;
    }
    auto table = Field(line, "table");
    if (!table) return Err(in.Damaged("expected a 'table' or 'end' line"));
    if (!known.contains(*table) || loaded.contains(*table)) {
      return Err(in.Damaged(fmt::format("table '{}' is not in schema version {}, or appears twice",
                                        *table, *version)));
    }
    SPCOOP_ASSIGN_OR_RETURN(std::string columns_line, in.Expect("the column names"));
    auto columns_text = Field(columns_line, "columns");
    if (!columns_text) return Err(in.Damaged("expected a 'columns' line"));
    std::vector<std::string> columns = SplitTabs(*columns_text);
    std::string ident = pg->Ident(*table);
    // Rows a migration put there (seed rows) are replaced by the backup's.
    SPCOOP_RETURN_IF_ERROR(pg->Exec(fmt::format("ALTER TABLE {} DISABLE TRIGGER USER", ident)));
    SPCOOP_RETURN_IF_ERROR(pg->Exec("DELETE FROM " + ident));
    std::string data;
    SPCOOP_ASSIGN_OR_RETURN(
        int64_t rows,
        pg->CopyIn(fmt::format("COPY {} ({}) FROM STDIN", ident, ColumnList(*pg, columns)),
                   [&]() -> Result<const std::string*> {
                     SPCOOP_ASSIGN_OR_RETURN(auto l, in.Line());
                     if (!l) return Err(in.Damaged("it ends inside a table"));
                     if (*l == "\\.\n") return static_cast<const std::string*>(nullptr);
                     data = std::move(*l);
                     return &data;
                   }));
    SPCOOP_RETURN_IF_ERROR(pg->Exec(fmt::format("ALTER TABLE {} ENABLE TRIGGER USER", ident)));
    SPCOOP_ASSIGN_OR_RETURN(std::string rows_line, in.Expect("the row count"));
    auto stated = Field(rows_line, "rows");
    if (!stated || Number(*stated) != rows) {
      return Err(
          in.Damaged(fmt::format("table '{}' has {} rows, not the number stated", *table, rows)));
    }
    loaded.insert(*table);
    ++info.tables;
    info.rows += rows;
  }
  // Nothing may follow "end": gzip's checksum is verified by reading to the end.
  SPCOOP_ASSIGN_OR_RETURN(auto trailing, in.Line());
  if (trailing) return Err(in.Damaged("data after the 'end' line"));
  SPCOOP_RETURN_IF_ERROR(ResetSequences(*pg));
  SPCOOP_RETURN_IF_ERROR(pg->Exec("COMMIT"));
  return info;
}

}  // namespace spcoop::backup
