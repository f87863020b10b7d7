// Backup() and Restore(): checks common to both backends, then dispatch (backup_sqlite.cc,
// backup_postgres.cc).
#include "spcoop/store/backup.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "backup_internal.h"

namespace spcoop {
namespace {

bool IsPostgresUri(std::string_view uri) {
  return uri.starts_with("postgresql://") || uri.starts_with("postgres://");
}

std::string SqlitePath(std::string_view uri) {
  return std::string(uri.starts_with("sqlite:") ? uri.substr(7) : uri);
}

enum class FileKind { kSqlite, kArchive, kOther };

FileKind KindOf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[16] = {};
  in.read(head, sizeof head);
  std::streamsize n = in.gcount();
  if (n == 16 && std::string_view(head, 16) == std::string_view("SQLite format 3\0", 16)) {
    return FileKind::kSqlite;
  }
  if (n >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
      static_cast<unsigned char>(head[1]) == 0x8b) {
    return FileKind::kArchive;
  }
  return FileKind::kOther;
}

}  // namespace

namespace backup {

PartialFile::~PartialFile() {
  if (!done_) std::remove(partial_.c_str());
}

Status PartialFile::Commit() {
  int fd = ::open(partial_.c_str(), O_RDONLY);
  if (fd >= 0) {
    (void)::fsync(fd);
    ::close(fd);
  }
  std::error_code ec;
  std::filesystem::rename(partial_, final_, ec);
  if (ec) {
    return Status::Internal(
        fmt::format("cannot rename '{}' to '{}': {}", partial_, final_, ec.message()));
  }
  done_ = true;
  return Status::Ok();
}

}  // namespace backup

Result<BackupInfo> Backup(std::string_view db_uri, const std::string& output_path) {
  if (output_path.empty()) return Err(Status::InvalidArgument("the backup file name is empty"));
  std::error_code ec;
  if (std::filesystem::exists(output_path, ec)) {
    return Err(Status::AlreadyExists(fmt::format(
        "'{}' already exists; backup never overwrites a file: choose a new name or remove it",
        output_path)));
  }
  auto parent = std::filesystem::path(output_path).parent_path();
  if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
    return Err(Status::NotFound(fmt::format(
        "the folder '{}' for the backup does not exist; create it first", parent.string())));
  }
  if (IsPostgresUri(db_uri)) return backup::BackupPostgres(std::string(db_uri), output_path);
  std::string path = SqlitePath(db_uri);
  if (path.empty() || path == ":memory:") {
    return Err(Status::InvalidArgument(
        "an in-memory database cannot be backed up; give a SQLite file or a postgresql:// URI"));
  }
  return backup::BackupSqlite(path, output_path);
}

Result<BackupInfo> Restore(const std::string& input_path, std::string_view db_uri,
                           const RestoreOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(input_path, ec)) {
    return Err(Status::NotFound(fmt::format("the backup file '{}' does not exist", input_path)));
  }
  FileKind kind = KindOf(input_path);
  if (kind == FileKind::kOther) {
    return Err(Status::InvalidArgument(fmt::format(
        "'{}' is not a spcoop backup: it is neither a SQLite database nor a gzip archive made "
        "by 'spcoop backup'",
        input_path)));
  }
  if (IsPostgresUri(db_uri)) {
    if (kind != FileKind::kArchive) {
      return Err(Status::InvalidArgument(
          fmt::format("'{}' is a backup of a SQLite database; restore it into a SQLite file (--db "
                      "path/to/file.db), not into PostgreSQL",
                      input_path)));
    }
    return backup::RestorePostgres(input_path, std::string(db_uri), options);
  }
  std::string path = SqlitePath(db_uri);
  if (path.empty() || path == ":memory:") {
    return Err(Status::InvalidArgument(
        "cannot restore into an in-memory database; give a SQLite file or a postgresql:// URI"));
  }
  if (kind != FileKind::kSqlite) {
    return Err(Status::InvalidArgument(
        fmt::format("'{}' is a backup of a PostgreSQL database; restore it into PostgreSQL (--db "
                    "postgresql://...), not into a SQLite file",
                    input_path)));
  }
  return backup::RestoreSqlite(input_path, path, options);
}

}  // namespace spcoop
