// Read-only verbs: economies, series, observations, history, imports.
#include <iostream>

#include <fmt/format.h>

#include "common.h"
#include "output.h"
#include "spcoop/core/codes.h"

namespace spcoop::cli {
namespace {

std::vector<std::string> SplitList(const std::vector<std::string>& in, bool upper) {
  std::vector<std::string> out;
  for (const std::string& item : in) {
    size_t start = 0;
    while (start <= item.size()) {
      size_t comma = item.find(',', start);
      std::string part = item.substr(start, comma == std::string::npos ? comma : comma - start);
      if (!part.empty()) {
        if (upper) {
          for (char& c : part) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        out.push_back(part);
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

struct QueryArgs {
  std::string subregion;
  std::vector<std::string> series, economies;
  std::string sex, age, quantile;
  int year_from = 0, year_to = 0, year = 0;
  int64_t limit = 0;
};

int RunEconomies(const GlobalOptions& g, const QueryArgs& a) {
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  auto list = (*store)->ListEconomies();
  if (!list) return Fail(list.error());
  Language lang = LanguageOf(g);
  Table t({"iso3", "m49", "name", "subregion", "membership", "income_group"});
  for (const Economy& e : *list) {
    if (!a.subregion.empty() && e.subregion != a.subregion) continue;
    t.AddRow({e.iso3, e.m49, e.name[static_cast<int>(lang)], e.subregion, e.membership,
              e.income_group});
  }
  if (!a.subregion.empty() && t.size() == 0) {
    return Fail(Status::NotFound(fmt::format(
        "no economy is in subregion '{}'; subregions are: {}", a.subregion,
        "East and North-East Asia, South-East Asia, South and South-West Asia, North and Central "
        "Asia, Pacific")));
  }
  t.Print(std::cout, g.Format());
  return kExitOk;
}

int RunSeries(const GlobalOptions& g) {
  Language lang = LanguageOf(g);
  Table t({"code", "custodian", "name", "relevant_population", "proxy", "countable"});
  for (const Series& s : SeriesCatalogue()) {
    t.AddRow({s.code, s.custodian, s.name[static_cast<int>(lang)], s.population.description_en,
              s.population.proxy, s.population.countable});
  }
  t.Print(std::cout, g.Format());
  return kExitOk;
}

Result<ObservationFilter> MakeFilter(const QueryArgs& a) {
  ObservationFilter f;
  f.series = SplitList(a.series, true);
  for (const auto& s : f.series) {
    if (!FindSeries(s)) {
      return Err(Status::NotFound(
          fmt::format("series '{}' is not an SDG 1.3.1 series; see 'spcoop series'", s)));
    }
  }
  f.economies = SplitList(a.economies, true);
  if (!a.sex.empty()) {
    auto sex = NormalizeSex(a.sex);
    if (!sex) return Err(Status::InvalidArgument(fmt::format("--sex '{}': use _T, F or M", a.sex)));
    f.sex = *sex;
  }
  if (!a.age.empty()) {
    auto age = NormalizeAge(a.age);
    if (!age) {
      return Err(Status::InvalidArgument(
          fmt::format("--age '{}': use an age code such as _T, Y_GE65 or Y0T14", a.age)));
    }
    f.age = *age;
  }
  if (!a.quantile.empty()) {
    auto q = NormalizeQuantile(a.quantile);
    if (!q) {
      return Err(Status::InvalidArgument(
          fmt::format("--quantile '{}': use _T or Q1 to Q5", a.quantile)));
    }
    f.quantile = *q;
  }
  if (a.year_from) f.year_from = a.year_from;
  if (a.year_to) f.year_to = a.year_to;
  f.limit = a.limit;
  return f;
}

int RunObservations(const GlobalOptions& g, const QueryArgs& a) {
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  auto filter = MakeFilter(a);
  if (!filter) return Fail(filter.error());
  for (const auto& e : filter->economies) {
    if (auto r = (*store)->GetEconomy(e); !r) return Fail(r.error());
  }
  auto rows = (*store)->QueryObservations(*filter);
  if (!rows) return Fail(rows.error());
  Table t({"series", "economy", "sex", "age", "quantile", "year", "value", "unit", "nature",
           "source", "revision"});
  for (const Observation& o : *rows) {
    t.AddRow({o.key.series, o.key.economy, o.key.sex, o.key.age, o.key.quantile, o.key.year,
              o.value, o.attributes.unit, o.attributes.nature, o.attributes.source, o.revision});
  }
  t.Print(std::cout, g.Format());
  return kExitOk;
}

int RunHistory(const GlobalOptions& g, const QueryArgs& a) {
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  auto filter = MakeFilter(a);
  if (!filter) return Fail(filter.error());
  if (filter->series.size() != 1 || filter->economies.size() != 1 || a.year == 0) {
    return Fail(Status::InvalidArgument(
        "history needs one key: --series CODE --economy ISO3 --year YYYY (and --sex, --age, "
        "--quantile when not _T)"));
  }
  ObservationKey key{filter->series[0], filter->economies[0], filter->sex.value_or("_T"),
                     filter->age.value_or("_T"), filter->quantile.value_or("_T"), a.year};
  auto hist = (*store)->History(key);
  if (!hist) return Fail(hist.error());
  if (hist->empty()) {
    return Fail(Status::NotFound(fmt::format(
        "{} {} sex={} age={} quantile={} {} has never had a value", key.series, key.economy,
        key.sex, key.age, key.quantile, key.year)));
  }
  Table t({"revision", "recorded_at", "value", "deleted", "state", "nature", "source", "author",
           "origin", "reason"});
  for (const Revision& r : *hist) {
    t.AddRow({r.id, r.recorded_at, Cell::Opt(r.value), r.deleted, std::string(StateName(r.state)),
              r.attributes.nature, r.attributes.source, r.provenance.author, r.provenance.origin,
              r.provenance.reason});
  }
  t.Print(std::cout, g.Format());
  return kExitOk;
}

int RunImports(const GlobalOptions& g) {
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  auto list = (*store)->ListImports();
  if (!list) return Fail(list.error());
  Table t({"id", "recorded_at", "file", "format", "source", "vintage", "author", "rows", "added",
           "changed", "unchanged", "skipped"});
  for (const ImportRecord& r : *list) {
    t.AddRow({r.id, r.recorded_at, r.file_name, r.format, r.source, r.vintage, r.provenance.author,
              r.rows, r.added, r.changed, r.unchanged, r.skipped});
  }
  t.Print(std::cout, g.Format());
  return kExitOk;
}

void AddKeyOptions(CLI::App* cmd, QueryArgs& a) {
  cmd->add_option("--series", a.series, "Series code(s), comma-separated (SI_COV_BENFTS, ...)");
  cmd->add_option("--economy", a.economies, "Economy ISO3 code(s), comma-separated");
  cmd->add_option("--sex", a.sex, "_T (both), F or M");
  cmd->add_option("--age", a.age, "Age code: _T, Y_GE65, Y0T14, ...");
  cmd->add_option("--quantile", a.quantile, "_T or Q1..Q5");
}

}  // namespace

void AddQueryCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  auto a = std::make_shared<QueryArgs>();
  auto* eco = app.add_subcommand("economies", "List the 62 ESCAP economies");
  eco->add_option("--subregion", a->subregion, "Only this subregion, e.g. \"South-East Asia\"");
  eco->callback([&g, &action, a] { action = [&g, a] { return RunEconomies(g, *a); }; });

  auto* ser = app.add_subcommand("series", "List the 12 series of SDG indicator 1.3.1");
  ser->callback([&g, &action] { action = [&g] { return RunSeries(g); }; });

  auto* obs = app.add_subcommand("observations", "List current observations, with filters");
  AddKeyOptions(obs, *a);
  obs->add_option("--from", a->year_from, "First year");
  obs->add_option("--to", a->year_to, "Last year");
  obs->add_option("--limit", a->limit, "At most this many rows");
  obs->callback([&g, &action, a] { action = [&g, a] { return RunObservations(g, *a); }; });

  auto* hist = app.add_subcommand("history", "Every revision of one observation, oldest first");
  AddKeyOptions(hist, *a);
  hist->add_option("--year", a->year, "Year of the observation")->required();
  hist->callback([&g, &action, a] { action = [&g, a] { return RunHistory(g, *a); }; });

  auto* imp = app.add_subcommand("imports", "List past imports with their counts");
  imp->callback([&g, &action] { action = [&g] { return RunImports(g); }; });
}

}  // namespace spcoop::cli
