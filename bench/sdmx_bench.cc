// SDMX serving benchmark: every 1.3.1 observation (the bundled reference data, plus --rows
// synthetic observations if asked) served by a real spcoop server on loopback as SDMX-ML
// GenericData, StructureSpecificData and SDMX-CSV, the way a harvester asks for it
// (GET /sdmx/rest/data/DF_SP_COV/all/all), and, as the peer, the same messages built whole in
// memory by sdmx::Handle without streaming.
//
//   build/bench/sdmx_bench [--rows N] [--requests R]
//
// Prints per format: bytes, median and best time per request, and the process's peak RSS after
// the streamed requests, then after the in-memory builds (peak RSS only grows, so the streamed
// runs go first). Not a test: nothing here passes or fails.
#include <httplib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "spcoop/core/codes.h"
#include "spcoop/ingest/ingest.h"
#include "spcoop/ingest/reference.h"
#include "spcoop/sdmx/sdmx.h"
#include "spcoop/server/server.h"
#include "spcoop/store/store.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;  // Linux: KiB
}

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// `rows` synthetic observations with five-year age groups (ages the bundled data do not use).
std::string SyntheticCsv(int64_t rows, const std::vector<spcoop::Economy>& economies) {
  std::string out = "series,economy,sex,age,year,value,source\n";
  const char* sexes[] = {"_T", "F", "M"};
  int64_t n = 0;
  for (const auto& s : spcoop::SeriesCatalogue()) {
    for (const auto& e : economies) {
      for (const char* sex : sexes) {
        for (int a = 0; a < 100; a += 5) {
          for (int year = 2000; year <= 2030; ++year) {
            if (n++ == rows) return out;
            out += fmt::format("{},{},{},Y{}T{},{},{},synthetic\n", s.code, e.iso3, sex, a, a + 4,
                               year, (n * 37 % 10000) / 100.0);
          }
        }
      }
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = 0;
  int requests = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--rows") rows = std::atoll(argv[i + 1]);
    if (a == "--requests") requests = std::atoi(argv[i + 1]);
  }
  fs::path dir = fs::temp_directory_path() / fmt::format("spcoop_sdmx_bench_{}", ::getpid());
  fs::create_directories(dir);
  const std::string db = (dir / "spcoop.db").string();
  auto store = spcoop::OpenStore(db);
  if (!store || !(*store)->Migrate().ok()) return 1;
  if (auto r = spcoop::ingest::LoadReferenceData(**store, SPCOOP_REFERENCE_DIR); !r) {
    std::cerr << r.error().ToString() << "\n";
    return 1;
  }
  if (rows > 0) {
    auto economies = (*store)->ListEconomies();
    spcoop::ingest::ImportRequest req;
    req.provenance = {"bench", "", "synthetic"};
    auto r = spcoop::ingest::ImportData(**store, SyntheticCsv(rows, *economies), "synthetic.csv",
                                        req);
    if (!r) {
      std::cerr << r.error().ToString() << "\n";
      return 1;
    }
  }
  spcoop::ObservationFilter all;
  all.quantile = "_T";
  const int64_t observations = *(*store)->CountObservations(all);

  spcoop::server::ServerOptions options;
  options.database = db;
  options.port = 0;
  options.threads = 2;
  options.log_requests = false;
  auto server = spcoop::server::Server::Create(options);
  if (!server || !(*server)->Bind().ok()) return 1;
  std::thread listener([&] { (void)(*server)->Listen(); });

  const double baseline = PeakRssMb();
  fmt::print("{} observations served (quantile _T); {} requests per format; peak RSS before "
             "serving {:.1f} MB\n\n",
             observations, requests, baseline);
  fmt::print("{:<24}{:>12}{:>14}{:>12}\n", "format (streamed)", "bytes", "median s", "best s");
  const char* formats[] = {"genericdata", "structurespecificdata", "csv"};
  for (const char* format : formats) {
    std::vector<double> times;
    size_t bytes = 0;
    for (int i = 0; i < requests; ++i) {
      httplib::Client client("127.0.0.1", (*server)->port());
      client.set_read_timeout(300, 0);
      size_t received = 0;
      auto t0 = Clock::now();
      auto res = client.Get(fmt::format("/sdmx/rest/data/DF_SP_COV/all/all?format={}", format),
                            [&](const char*, size_t n) {
                              received += n;
                              return true;
                            });
      times.push_back(Seconds(t0, Clock::now()));
      if (!res || res->status != 200) return 1;
      bytes = received;
    }
    std::sort(times.begin(), times.end());
    fmt::print("{:<24}{:>12}{:>14.4f}{:>12.4f}\n", format, bytes, times[times.size() / 2],
               times.front());
  }
  const double after_streamed = PeakRssMb();
  (*server)->Stop();
  listener.join();

  fmt::print("\n{:<24}{:>12}{:>14}{:>12}\n", "format (whole, peer)", "bytes", "median s",
             "best s");
  for (const char* format : formats) {
    std::vector<double> times;
    size_t bytes = 0;
    for (int i = 0; i < requests; ++i) {
      spcoop::sdmx::Request req{"data/DF_SP_COV/all/all", {{"format", format}}, "", ""};
      auto t0 = Clock::now();
      spcoop::sdmx::Response r = spcoop::sdmx::Handle(**store, req);
      times.push_back(Seconds(t0, Clock::now()));
      bytes = r.body.size();
    }
    std::sort(times.begin(), times.end());
    fmt::print("{:<24}{:>12}{:>14.4f}{:>12.4f}\n", format, bytes, times[times.size() / 2],
               times.front());
  }
  const double after_whole = PeakRssMb();
  fmt::print("\npeak RSS: {:.1f} MB before, {:.1f} MB after streamed serving (+{:.1f}), {:.1f} MB "
             "after whole messages (+{:.1f} more)\n",
             baseline, after_streamed, after_streamed - baseline, after_whole,
             after_whole - after_streamed);
  store->reset();
  fs::remove_all(dir);
  return 0;
}
