// Report benchmark: the voluntary national progress report (PDF and HTML) for a few economies
// and the regional report over every regional economy, on the bundled reference data with a
// published narrative for each of the 12 measures of every regional economy (so the regional
// report carries its largest key-points section).
//
//   build/bench/report_bench [--repeat N] [--lang en|zh|ru|fr] [--out DIR]
//
// Prints the wall time of each report (best and median of N runs) and its size. Not a test:
// nothing here passes or fails. With --out, the last PDFs are written there to look at.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "spcoop/ingest/reference.h"
#include "spcoop/report/report.h"
#include "spcoop/store/store.h"

using Clock = std::chrono::steady_clock;

namespace {

std::vector<spcoop::Narrative> Narratives(const std::vector<spcoop::Economy>& economies) {
  std::vector<spcoop::Narrative> out;
  const char* langs[] = {"en", "zh", "ru", "fr"};
  int i = 0;
  for (const auto& e : economies) {
    if (!e.IsRegional()) continue;
    for (char m = 'a'; m <= 'l'; ++m, ++i) {
      spcoop::Narrative n;
      n.key = {e.iso3, "2025", std::string(1, m), langs[i % 4]};
      n.stage = static_cast<spcoop::Stage>(i % 4);
      n.progress = fmt::format(
          "{} adopted a national social protection strategy and extended coverage to informal "
          "workers. 社会保险覆盖面扩大至非正规就业者。Охват расширен.",
          e.name[0]);
      n.challenges = "Fiscal space remains limited and registries are fragmented.";
      n.next_steps = "Integrate the registries by 2027.";
      out.push_back(std::move(n));
    }
  }
  return out;
}

struct Timing {
  double best = 0, median = 0;
  size_t bytes = 0;
};

template <typename F>
Timing Time(int repeat, F&& f) {
  std::vector<double> s;
  size_t bytes = 0;
  for (int i = 0; i < repeat; ++i) {
    auto t0 = Clock::now();
    bytes = f();
    s.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::sort(s.begin(), s.end());
  return {s.front(), s[s.size() / 2], bytes};
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 5;
  std::string lang_code = "en", out_dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--repeat") repeat = std::max(1, std::atoi(argv[i + 1]));
    if (a == "--lang") lang_code = argv[i + 1];
    if (a == "--out") out_dir = argv[i + 1];
  }
  auto lang = spcoop::report::ParseReportLanguage(lang_code);
  if (!lang) {
    std::cerr << lang.error().ToString() << "\n";
    return 2;
  }
  auto store = spcoop::OpenStore(":memory:");
  if (!store || !(*store)->Migrate().ok()) return 1;
  auto loaded = spcoop::ingest::LoadReferenceData(**store, SPCOOP_REFERENCE_DIR);
  if (!loaded) {
    std::cerr << loaded.error().ToString() << "\n";
    return 1;
  }
  auto economies = (*store)->ListEconomies();
  if (!economies) return 1;
  const auto narratives = Narratives(*economies);
  fmt::print("report_bench: {} runs each, language {}, {} narratives\n", repeat, lang_code,
             narratives.size());
  fmt::print("{:<34} {:>9} {:>9} {:>10}\n", "report", "best s", "median s", "bytes");

  auto save = [&](const std::string& name, const std::string& bytes) {
    if (out_dir.empty()) return;
    std::ofstream(out_dir + "/" + name, std::ios::binary) << bytes;
  };
  for (const char* iso3 : {"KHM", "CHN", "FJI"}) {
    for (auto format : {spcoop::report::Format::kPdf, spcoop::report::Format::kHtml}) {
      std::string last;
      Timing t = Time(repeat, [&] {
        auto r = spcoop::report::National(**store, {iso3, "2025", *lang}, narratives, format);
        if (!r) {
          std::cerr << r.error().ToString() << "\n";
          std::exit(1);
        }
        last = std::move(*r);
        return last.size();
      });
      bool pdf = format == spcoop::report::Format::kPdf;
      if (pdf) save(fmt::format("national-{}.pdf", iso3), last);
      fmt::print("{:<34} {:>9.3f} {:>9.3f} {:>10}\n",
                 fmt::format("national {} {}", iso3, pdf ? "PDF" : "HTML"), t.best, t.median,
                 t.bytes);
    }
  }
  for (auto format : {spcoop::report::Format::kPdf, spcoop::report::Format::kHtml}) {
    std::string last;
    Timing t = Time(std::max(1, repeat / 2), [&] {
      auto r = spcoop::report::Regional(**store, {"2025", *lang}, narratives, format);
      if (!r) {
        std::cerr << r.error().ToString() << "\n";
        std::exit(1);
      }
      last = std::move(*r);
      return last.size();
    });
    bool pdf = format == spcoop::report::Format::kPdf;
    if (pdf) save("regional.pdf", last);
    fmt::print("{:<34} {:>9.3f} {:>9.3f} {:>10}\n",
               fmt::format("regional, 58 economies, {}", pdf ? "PDF" : "HTML"), t.best, t.median,
               t.bytes);
  }
  return 0;
}
