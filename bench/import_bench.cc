// Import benchmark: 1,000,000 rows of tidy CSV through spcoop's full import (parse, validate,
// compare with current values, append revisions, one transaction) against sqlite3's `.import`
// of the same file into a plain table, on the same disk, in the same run.
//
//   build/bench/import_bench [--rows N] [--dir DIR]
//
// Prints rows per second for both and the ratio. Not a test: nothing here passes or fails.
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "spcoop/core/codes.h"
#include "spcoop/ingest/ingest.h"
#include "spcoop/ingest/reference.h"
#include "spcoop/store/store.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Writes `rows` distinct keys: series x economy x sex x five-year age group x year.
void WriteTidyCsv(const fs::path& path, int64_t rows, const std::vector<spcoop::Economy>& econ) {
  std::ofstream out(path);
  out << "series,economy,sex,age,quantile,year,value,unit,nature,source,note\n";
  const char* sexes[] = {"_T", "F", "M"};
  int64_t n = 0;
  uint64_t x = 88172645463325252ull;  // xorshift, deterministic values
  for (const auto& s : spcoop::SeriesCatalogue()) {
    for (const auto& e : econ) {
      for (const char* sex : sexes) {
        for (int a = 0; a < 100; a += 5) {
          for (int year = spcoop::kMinYear; year <= spcoop::kMaxYear; ++year) {
            if (n == rows) return;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            double v = static_cast<double>(x % 100000) / 1000.0;
            out << s.code << ',' << e.iso3 << ',' << sex << ",Y" << a << 'T' << a + 4
                << ",_T," << year << ',' << v << ",PERCENT,E,benchmark,\n";
            ++n;
          }
        }
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = 1000000;
  fs::path dir = fs::temp_directory_path() / "spcoop_import_bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--rows") rows = std::stoll(argv[i + 1]);
    if (a == "--dir") dir = argv[i + 1];
  }
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path csv = dir / "observations.csv";
  const fs::path db = dir / "spcoop.db";
  const fs::path plain = dir / "plain.db";

  auto store = spcoop::OpenStore(db.string());
  if (!store || !(*store)->Migrate().ok()) {
    std::cerr << "cannot create the benchmark database\n";
    return 1;
  }
  auto ref = spcoop::ingest::LoadReferenceData(**store, SPCOOP_REFERENCE_DIR);
  if (!ref) {
    std::cerr << ref.error().ToString() << "\n";
    return 1;
  }
  auto econ = (*store)->ListEconomies();
  WriteTidyCsv(csv, rows, *econ);
  std::cout << fmt::format("file: {} rows, {:.1f} MB\n", rows, fs::file_size(csv) / 1e6);

  spcoop::ingest::ImportRequest req;
  req.path = csv.string();
  req.provenance = {"bench", "", "benchmark"};
  auto t0 = Clock::now();
  auto report = spcoop::ingest::ImportFile(**store, req);
  auto t1 = Clock::now();
  if (!report) {
    std::cerr << report.error().ToString() << "\n";
    return 1;
  }
  double ours = Seconds(t0, t1);

  // Re-import: every row compared, nothing written.
  auto t2 = Clock::now();
  auto again = spcoop::ingest::ImportFile(**store, req);
  auto t3 = Clock::now();
  double reimport = Seconds(t2, t3);

  std::string cmd = fmt::format("sqlite3 '{}' -cmd '.mode csv' '.import {} obs'", plain.string(),
                                csv.string());
  auto t4 = Clock::now();
  int rc = std::system(cmd.c_str());
  auto t5 = Clock::now();
  if (rc != 0) {
    std::cerr << "sqlite3 .import failed (is the sqlite3 command installed?)\n";
    return 1;
  }
  double peer = Seconds(t4, t5);

  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  std::cout << fmt::format("spcoop import:   {:.2f} s  {:>9.0f} rows/s  ({} added)\n", ours,
                           rows / ours, report->record.added);
  std::cout << fmt::format("spcoop reimport: {:.2f} s  {:>9.0f} rows/s  ({} unchanged)\n",
                           reimport, rows / reimport, again ? again->record.unchanged : 0);
  std::cout << fmt::format("sqlite3 .import: {:.2f} s  {:>9.0f} rows/s  (plain table, no checks)\n",
                           peer, rows / peer);
  std::cout << fmt::format("ratio spcoop/sqlite3: {:.2f}x   peak RSS {:.0f} MB\n", ours / peer,
                           ru.ru_maxrss / 1024.0);
  fs::remove_all(dir);
  return 0;
}
