// Internal: the per-backend halves of backup.h. backup.cc picks one from the URI and the
// backup file's first bytes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "spcoop/store/backup.h"

namespace spcoop::backup {

// Paths and URIs as OpenStore takes them, already split by backend.
Result<BackupInfo> BackupSqlite(const std::string& db_path, const std::string& output_path);
Result<BackupInfo> RestoreSqlite(const std::string& input_path, const std::string& db_path,
                                 const RestoreOptions& options);
Result<BackupInfo> BackupPostgres(const std::string& uri, const std::string& output_path);
Result<BackupInfo> RestorePostgres(const std::string& input_path, const std::string& uri,
                                   const RestoreOptions& options);

// Rows per table in a freshly migrated database (rows the migrations insert, such as the SQLite
// id counter in `sequence`). A target "holds data" when a table other than schema_migration has
// more rows than this. The backends' logical schemas match one for one, so the SQLite
// migrations, applied to an in-memory database, give the counts for PostgreSQL too.
Result<std::map<std::string, int64_t>> SeedRows();

// The "end" of a backup written to `output_path`.partial: renames it over output_path, or
// removes it when the backup failed. Keeps no file behind on any path.
class PartialFile {
 public:
  explicit PartialFile(std::string final_path)
      : final_(std::move(final_path)), partial_(final_ + ".partial") {}
  ~PartialFile();
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;
  const std::string& path() const { return partial_; }
  // fsyncs and renames the partial file to the final path.
  Status Commit();

 private:
  std::string final_;
  std::string partial_;
  bool done_ = false;
};

}  // namespace spcoop::backup
