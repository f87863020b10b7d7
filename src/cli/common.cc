#include "common.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "spcoop/core/codes.h"

#ifndef SPCOOP_SOURCE_DATA_DIR
#define SPCOOP_SOURCE_DATA_DIR ""
#endif

namespace spcoop::cli {

namespace fs = std::filesystem;

Result<std::unique_ptr<Store>> OpenDatabase(const GlobalOptions& g) {
  bool is_file = !g.database.starts_with("postgres") && g.database != ":memory:" &&
                 !g.database.starts_with("sqlite::memory:");
  std::string path = g.database.starts_with("sqlite:") ? g.database.substr(7) : g.database;
  if (is_file && !fs::exists(path)) {
    return Err(Status::FailedPrecondition(fmt::format(
        "there is no database at '{}'; run 'spcoop init' to create it with the reference data, "
        "or pass --db", path)));
  }
  SPCOOP_ASSIGN_OR_RETURN(auto store, OpenStore(g.database));
  SPCOOP_RETURN_IF_ERROR(store->Migrate());
  return store;
}

Result<std::string> FindDataDir(const GlobalOptions& g) {
  std::vector<std::string> tried;
  auto ok = [](const fs::path& p) { return fs::exists(p / "economies.csv"); };
  if (!g.data_dir.empty()) {
    if (ok(g.data_dir)) return g.data_dir;
    return Err(Status::NotFound(fmt::format(
        "'{}' is not a reference data folder (no economies.csv in it)", g.data_dir)));
  }
  std::vector<fs::path> candidates;
  if (std::string(SPCOOP_SOURCE_DATA_DIR).size()) candidates.emplace_back(SPCOOP_SOURCE_DATA_DIR);
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = 0;
    fs::path bin = fs::path(exe).parent_path();
    candidates.push_back(bin / "../share/spcoop/reference");
    candidates.push_back(bin / "../../../data/reference");
  }
  candidates.emplace_back("data/reference");
  for (const auto& c : candidates) {
    if (ok(c)) return fs::weakly_canonical(c).string();
    tried.push_back(c.string());
  }
  return Err(Status::NotFound(fmt::format(
      "the reference data folder was not found (tried: {}); pass --data DIR",
      fmt::join(tried, ", "))));
}

Language LanguageOf(const GlobalOptions& g) {
  return ParseLanguage(g.lang).value_or(Language::kEn);
}

std::string CliAuthor() {
  if (const char* u = std::getenv("SPCOOP_USER"); u && *u) return u;
  if (const char* u = std::getenv("USER"); u && *u) return u;
  return "cli";
}

}  // namespace spcoop::cli
