#include "build.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "spcoop/analysis/analysis.h"
#include "spcoop/core/codes.h"
#include "texts.h"

namespace spcoop::report {
namespace {

using analysis::Assessment;
using analysis::ProgressStatus;

constexpr ProgressStatus kStatuses[] = {
    ProgressStatus::kAchieved,          ProgressStatus::kOnTrack,
    ProgressStatus::kNeedsAcceleration, ProgressStatus::kRegressing,
    ProgressStatus::kInsufficientData,  ProgressStatus::kNoData};
constexpr Stage kStages[] = {Stage::kNotStarted, Stage::kPlanning, Stage::kInProgress,
                             Stage::kAchieved};
constexpr const char* kMeasures[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"};

// Carry a regional value forward by up to this many years in the regional headline figures.
constexpr int kCarryForwardYears = 5;

std::string T(Text t, Language lang) { return std::string(Tr(t, lang)); }

std::string EconomyName(const Economy& e, Language lang) {
  const std::string& name = e.name[static_cast<int>(lang)];
  return name.empty() ? e.name[0] : name;
}

std::string SeriesName(std::string_view code, Language lang) {
  const Series* s = FindSeries(code);
  return s ? s->name[static_cast<int>(lang)] : std::string(code);
}

bool IsHeadlineKey(const Assessment& a) {
  return a.sex == "_T" && a.age == "_T" && a.quantile == "_T";
}

std::string ValueYear(const std::optional<analysis::YearValue>& v) {
  return v ? fmt::format("{} ({})", Percent(v->value), v->year) : std::string("–");
}

std::string Optional(const std::optional<double>& v) { return v ? Percent(*v) : "–"; }

std::string MeasureHeading(std::string_view measure, Language lang) {
  return fmt::format("({}) {}", measure, MeasureTitle(measure, lang));
}

std::string FrontLine(Language lang) {
  std::string now = NowUtc();  // "2026-11-29T05:00:00.000Z"
  return fmt::format("{}: {} {} UTC", T(Text::kGenerated, lang), now.substr(0, 10),
                     now.substr(11, 5));
}

// The narratives to show for one economy, period and measure: the report's language first, then
// en, zh, ru, fr.
std::vector<const Narrative*> ForMeasure(std::span<const Narrative* const> narratives,
                                         std::string_view measure, Language lang) {
  std::vector<const Narrative*> out;
  for (const Narrative* n : narratives) {
    if (n->key.measure == measure) out.push_back(n);
  }
  std::string own(LanguageCode(lang));
  std::stable_sort(out.begin(), out.end(), [&](const Narrative* a, const Narrative* b) {
    auto rank = [&](const Narrative* n) {
      if (n->key.lang == own) return -1;
      auto l = ParseLanguage(n->key.lang);
      return l ? static_cast<int>(*l) : kLanguageCount;
    };
    return rank(a) < rank(b);
  });
  return out;
}

std::string LangTag(std::string_view narrative_lang, Language doc_lang) {
  return narrative_lang == LanguageCode(doc_lang) ? std::string() : std::string(narrative_lang);
}

std::string WrittenIn(const Narrative& n, Language lang) {
  auto written = ParseLanguage(n.key.lang);
  std::string name = written ? std::string(LanguageName(*written, lang)) : n.key.lang;
  return fmt::format("{}: {} · {}: {}", T(Text::kWrittenIn, lang), name, T(Text::kStage, lang),
                     StageLabel(n.stage, lang));
}

TableData CoverageTable(std::span<const Assessment> rows, Language lang, bool* any_default) {
  TableData t;
  t.header = {T(Text::kSeries, lang),   T(Text::kSex, lang),    T(Text::kAge, lang),
              T(Text::kBaseline, lang), T(Text::kLatest, lang), T(Text::kInterim, lang),
              T(Text::kTarget, lang),   T(Text::kStatus, lang), T(Text::kNotCovered, lang)};
  t.widths = {2.3, 0.8, 0.7, 1.35, 1.35, 0.9, 0.9, 1.3, 1.4};
  t.numeric = {false, false, false, true, true, true, true, false, true};
  for (const Assessment& a : rows) {
    std::string series = SeriesName(a.series, lang);
    if (a.quantile != "_T") series += fmt::format(" ({} {})", T(Text::kQuantile, lang), a.quantile);
    std::string target = Percent(a.target.target_2030);
    if (a.default_target) {
      target += "*";
      *any_default = true;
    }
    t.rows.push_back(
        {series, std::string(SexLabel(a.sex, lang)), AgeLabel(a.age, lang), ValueYear(a.baseline),
         ValueYear(a.latest), Optional(a.target.interim_2025), target,
         std::string(StatusLabel(a.status, lang)),
         a.people_not_covered_latest ? Persons(*a.people_not_covered_latest, lang) : "–"});
  }
  return t;
}

// Imports that put observations in the store, as the sources table.
Result<TableData> SourcesTable(Store& store, Language lang) {
  SPCOOP_ASSIGN_OR_RETURN(auto imports, store.ListImports());
  TableData t;
  t.header = {T(Text::kSource, lang), T(Text::kVintage, lang), T(Text::kFile, lang),
              T(Text::kRows, lang)};
  t.widths = {2.5, 2.5, 2.5, 0.8};
  t.numeric = {false, false, false, true};
  for (const ImportRecord& r : imports) {
    t.rows.push_back({r.source, r.vintage, r.file_name, std::to_string(r.rows)});
  }
  return t;
}

void SourcesSection(Document& doc, const TableData& sources, bool any_default) {
  Language lang = doc.lang;
  doc.Heading(1, T(Text::kSourcesSection, lang));
  doc.Paragraph(T(Text::kSourcesIntro, lang));
  doc.Table(sources);
  doc.Paragraph(T(Text::kMethodNote, lang));
  if (any_default) doc.Note(T(Text::kDefaultTargetNote, lang));
}

// Groups observations by series key (year dropped), in year order.
std::map<std::string, std::vector<analysis::YearValue>> ByKey(std::span<const Observation> obs) {
  std::map<std::string, std::vector<analysis::YearValue>> out;
  for (const Observation& o : obs) {
    out[o.key.series + "|" + o.key.sex + "|" + o.key.age + "|" + o.key.quantile].push_back(
        {o.key.year, o.value});
  }
  for (auto& [k, v] : out) {
    std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.year < b.year; });
  }
  return out;
}

ChartData SeriesChart(const Assessment& a, const std::vector<analysis::YearValue>& values,
                      Language lang) {
  ChartData c;
  c.title = SeriesName(a.series, lang);
  ChartLine observed;
  observed.label = T(Text::kObserved, lang);
  observed.markers = true;
  observed.color = 0;
  for (const auto& v : values) {
    observed.points.push_back({static_cast<double>(v.year), v.value});
    c.x_min = std::min(c.x_min, static_cast<double>(v.year));
  }
  c.lines.push_back(std::move(observed));
  if (a.baseline) {
    ChartLine path;
    path.label = T(Text::kTargetPath, lang);
    path.dashed = true;
    path.color = 1;
    path.points.push_back({static_cast<double>(a.baseline->year), a.baseline->value});
    if (a.target.interim_2025 && a.baseline->year < analysis::kInterimYear) {
      path.points.push_back({analysis::kInterimYear, *a.target.interim_2025});
    }
    path.points.push_back({analysis::kTargetYear, a.target.target_2030});
    c.x_min = std::min(c.x_min, static_cast<double>(a.baseline->year));
    c.lines.push_back(std::move(path));
  }
  return c;
}

const analysis::AggregateRow* FindAggregate(std::span<const analysis::AggregateRow> rows,
                                            std::string_view group, std::string_view series,
                                            int year) {
  for (const auto& r : rows) {
    if (r.group == group && r.series == series && r.year == year) return &r;
  }
  return nullptr;
}

// The latest row of a group and series.
const analysis::AggregateRow* LatestAggregate(std::span<const analysis::AggregateRow> rows,
                                              std::string_view group, std::string_view series) {
  const analysis::AggregateRow* best = nullptr;
  for (const auto& r : rows) {
    if (r.group == group && r.series == series && r.population_weighted &&
        (!best || r.year > best->year)) {
      best = &r;
    }
  }
  return best;
}

std::string Share(double share) { return fmt::format("{}%", Percent(100.0 * share)); }

Status CheckPeriodHasData(Store& store, std::vector<std::string> economies, int period,
                          bool has_narratives, std::string_view what) {
  if (has_narratives) return Status::Ok();
  ObservationFilter f;
  f.economies = std::move(economies);
  f.year_to = period;
  SPCOOP_ASSIGN_OR_RETURN(int64_t n, store.CountObservations(f));
  if (n > 0) return Status::Ok();
  return Status::NotFound(fmt::format(
      "there is no data for {} in or before {}: no SDG 1.3.1 observation and no published "
      "narrative; choose a later period",
      what, period));
}

}  // namespace

std::string Percent(double value) { return fmt::format("{:.1f}", value); }

std::string Persons(double value, Language lang) {
  auto n = static_cast<long long>(std::llround(value));
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string sep = (lang == Language::kRu || lang == Language::kFr) ? "\u00a0" : ",";
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string FirstSentence(std::string_view text) {
  constexpr size_t kMax = 300;
  size_t end = text.size();
  for (std::string_view stop : {". ", "! ", "? "}) {  // keep the mark, drop the space
    size_t p = text.find(stop);
    if (p != std::string_view::npos) end = std::min(end, p + 1);
  }
  for (std::string_view stop : {"。", "！", "？"}) {
    size_t p = text.find(stop);
    if (p != std::string_view::npos) end = std::min(end, p + stop.size());
  }
  bool cut = false;
  if (end > kMax) {
    end = kMax;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    cut = true;
  }
  std::string out(text.substr(0, end));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  if (cut) out += "…";
  return out;
}

Result<Document> BuildNational(Store& store, const NationalRequest& request, int period,
                               std::span<const Narrative> narratives) {
  const Language lang = request.lang;
  SPCOOP_ASSIGN_OR_RETURN(Economy economy, store.GetEconomy(request.economy));
  const std::string period_text = std::to_string(period);
  std::vector<const Narrative*> own;
  for (const Narrative& n : narratives) {
    if (n.key.economy == economy.iso3 && n.key.period == period_text && IsMeasure(n.key.measure)) {
      own.push_back(&n);
    }
  }
  const std::string name = EconomyName(economy, lang);
  SPCOOP_RETURN_IF_ERROR(
      CheckPeriodHasData(store, {economy.iso3}, period, !own.empty(), economy.name[0]));

  SPCOOP_ASSIGN_OR_RETURN(std::vector<Assessment> rows,
                          analysis::AssessEconomy(store, economy.iso3));
  ObservationFilter f;
  f.economies = {economy.iso3};
  SPCOOP_ASSIGN_OR_RETURN(auto observations, store.QueryObservations(f));
  auto by_key = ByKey(observations);

  Document doc;
  doc.lang = lang;
  doc.title = T(Text::kNationalTitle, lang);
  doc.subtitle = fmt::format("{} — {} {}", name, T(Text::kPeriod, lang), period);
  doc.running = fmt::format("{} · {} · {}", T(Text::kNationalTitle, lang), name, period);
  doc.front = {T(Text::kActionPlan, lang), FrontLine(lang)};

  // 1. SDG 1.3.1 table.
  bool any_default = false;
  doc.Heading(1, T(Text::kCoverageSection, lang));
  doc.Paragraph(T(Text::kCoverageIntro, lang));
  if (rows.empty()) {
    doc.Note(std::string(StatusLabel(ProgressStatus::kNoData, lang)));
  } else {
    doc.Table(CoverageTable(rows, lang, &any_default));
  }
  if (any_default) doc.Note(T(Text::kDefaultTargetNote, lang));

  // 2. Charts of the headline keys.
  doc.Heading(1, T(Text::kChartsSection, lang));
  doc.Paragraph(T(Text::kChartsIntro, lang));
  for (const Assessment& a : rows) {
    if (!IsHeadlineKey(a)) continue;
    auto it = by_key.find(a.series + "|_T|_T|_T");
    if (it == by_key.end() || it->second.empty()) continue;
    doc.Chart(SeriesChart(a, it->second, lang));
  }

  // 3. Regional and subregional comparison.
  doc.Heading(1, T(Text::kComparisonSection, lang));
  doc.Paragraph(T(Text::kComparisonIntro, lang));
  {
    analysis::AggregateOptions options;
    options.sex = "_T";
    options.groups = {std::string(analysis::kRegionGroup)};
    if (economy.IsRegional()) options.groups.push_back(economy.subregion);
    SPCOOP_ASSIGN_OR_RETURN(auto aggregates, analysis::Aggregate(store, options));
    TableData t;
    std::string subregion = economy.IsRegional()
                                ? std::string(SubregionName(economy.subregion, lang))
                                : T(Text::kSubregion, lang);
    t.header = {T(Text::kSeries, lang),     T(Text::kYear, lang),        name, subregion,
                T(Text::kRegionName, lang), T(Text::kDataCoverage, lang)};
    t.widths = {3.5, 0.7, 1.2, 1.5, 1.5, 1.3};
    t.numeric = {false, true, true, true, true, true};
    for (const Assessment& a : rows) {
      if (!IsHeadlineKey(a) || !a.latest) continue;
      const auto* region =
          FindAggregate(aggregates, analysis::kRegionGroup, a.series, a.latest->year);
      const auto* sub = economy.IsRegional()
                            ? FindAggregate(aggregates, economy.subregion, a.series, a.latest->year)
                            : nullptr;
      t.rows.push_back({SeriesName(a.series, lang), std::to_string(a.latest->year),
                        Percent(a.latest->value), sub ? Optional(sub->population_weighted) : "–",
                        region ? Optional(region->population_weighted) : "–",
                        region ? Share(region->population_share_with_data) : "–"});
    }
    doc.Table(std::move(t));
  }

  // 4. The twelve measures.
  doc.Heading(1, T(Text::kMeasuresSection, lang));
  doc.Paragraph(T(Text::kMeasuresIntro, lang));
  for (const char* m : kMeasures) {
    doc.Heading(2, MeasureHeading(m, lang));
    auto shown = ForMeasure(own, m, lang);
    if (shown.empty()) {
      doc.Note(T(Text::kNoNarrative, lang));
      continue;
    }
    for (const Narrative* n : shown) {
      doc.Note(WrittenIn(*n, lang));
      std::string tag = LangTag(n->key.lang, lang);
      for (auto [label, text] :
           {std::pair{Text::kProgress, &n->progress}, std::pair{Text::kChallenges, &n->challenges},
            std::pair{Text::kNextSteps, &n->next_steps}}) {
        if (text->empty()) continue;
        doc.Heading(3, T(label, lang));
        doc.Paragraph(*text, tag);
      }
    }
  }

  // 5. Programmes and simulations: not yet held by spcoop.
  doc.Heading(1, T(Text::kProgrammesSection, lang));
  doc.Paragraph(T(Text::kProgrammesNone, lang));

  // 6. Sources.
  SPCOOP_ASSIGN_OR_RETURN(TableData sources, SourcesTable(store, lang));
  SourcesSection(doc, sources, any_default);
  return doc;
}

Result<Document> BuildRegional(Store& store, const RegionalRequest& request, int period,
                               std::span<const Narrative> narratives) {
  const Language lang = request.lang;
  const std::string period_text = std::to_string(period);
  SPCOOP_ASSIGN_OR_RETURN(std::vector<Economy> all, store.ListEconomies());
  // Regional economies, by subregion (kSubregions' order), then iso3.
  std::vector<Economy> economies;
  for (const char* sub : kSubregions) {
    for (const Economy& e : all) {
      if (e.subregion == sub) economies.push_back(e);
    }
  }
  std::map<std::string, std::vector<const Narrative*>> by_economy;
  for (const Narrative& n : narratives) {
    if (n.key.period != period_text || !IsMeasure(n.key.measure)) continue;
    by_economy[n.key.economy].push_back(&n);
  }
  std::vector<std::string> codes;
  bool any_narrative = false;
  for (const Economy& e : economies) {
    codes.push_back(e.iso3);
    any_narrative = any_narrative || by_economy.count(e.iso3);
  }
  if (economies.empty()) {
    return Err(Status::FailedPrecondition(
        "the database has no regional economies; run 'spcoop init' to load the reference data"));
  }
  SPCOOP_RETURN_IF_ERROR(
      CheckPeriodHasData(store, codes, period, any_narrative, "the regional economies"));
  auto reported = [&](const Economy& e) {
    auto it = by_economy.find(e.iso3);
    return it != by_economy.end() && !it->second.empty();
  };

  std::map<std::string, std::vector<Assessment>> assessments;
  for (const char* sub : kSubregions) {
    SPCOOP_ASSIGN_OR_RETURN(auto rows, analysis::AssessSubregion(store, sub));
    for (Assessment& a : rows) assessments[a.economy].push_back(std::move(a));
  }
  analysis::AggregateOptions options;
  options.sex = "_T";
  options.carry_forward_years = kCarryForwardYears;
  SPCOOP_ASSIGN_OR_RETURN(auto aggregates, analysis::Aggregate(store, options));

  Document doc;
  doc.lang = lang;
  doc.title = T(Text::kRegionalTitle, lang);
  doc.subtitle =
      fmt::format("{} — {} {}", T(Text::kRegionName, lang), T(Text::kPeriod, lang), period);
  doc.running = fmt::format("{} · {}", T(Text::kRegionalTitle, lang), period);
  doc.front = {T(Text::kActionPlan, lang), FrontLine(lang)};

  int reported_count = 0;
  for (const Economy& e : economies) reported_count += reported(e) ? 1 : 0;

  auto headline_table = [&](std::string_view group) {
    TableData t;
    t.header = {T(Text::kSeries, lang), T(Text::kYear, lang), T(Text::kWeighted, lang),
                T(Text::kEconomiesWithData, lang), T(Text::kPopulationShare, lang)};
    t.widths = {4.0, 0.8, 1.5, 1.5, 1.5};
    t.numeric = {false, true, true, true, true};
    int carried = 0;
    for (const Series& s : SeriesCatalogue()) {
      const auto* r = LatestAggregate(aggregates, group, s.code);
      if (!r) continue;
      carried = std::max(carried, r->economies_carried_forward);
      t.rows.push_back({s.name[static_cast<int>(lang)], std::to_string(r->year),
                        Optional(r->population_weighted),
                        fmt::format("{} / {}", r->economies_with_data, r->economies_in_group),
                        Share(r->population_share_with_data)});
    }
    return t;
  };

  // 1. Executive summary.
  doc.Heading(1, T(Text::kExecutiveSummary, lang));
  doc.Paragraph(fmt::format(fmt::runtime(Tr(Text::kReportedCount, lang)), reported_count,
                            economies.size(), period));
  doc.Paragraph(T(Text::kSummaryIntro, lang));
  doc.Table(headline_table(analysis::kRegionGroup));

  // 2. Reporting status: every economy, reported or not.
  doc.Heading(1, T(Text::kReportingSection, lang));
  {
    std::vector<std::string> missing;
    TableData t;
    t.header = {T(Text::kEconomy, lang), T(Text::kSubregion, lang), T(Text::kStatus, lang),
                T(Text::kNarrativesPublished, lang)};
    t.widths = {3.0, 2.5, 2.0, 1.2};
    t.numeric = {false, false, false, true};
    for (const Economy& e : economies) {
      std::set<std::string> measures;
      for (const Narrative* n : by_economy[e.iso3]) measures.insert(n->key.measure);
      t.rows.push_back({EconomyName(e, lang), std::string(SubregionName(e.subregion, lang)),
                        T(reported(e) ? Text::kReported : Text::kNotReported, lang),
                        std::to_string(measures.size())});
      if (!reported(e)) missing.push_back(EconomyName(e, lang));
    }
    doc.Heading(2, T(Text::kNotReported, lang));
    doc.Paragraph(missing.empty()
                      ? T(Text::kNoReportedEconomies, lang)
                      : fmt::format("{}", fmt::join(missing, lang == Language::kZh ? "、" : ", ")));
    doc.Heading(2, T(Text::kEconomy, lang));
    doc.Table(std::move(t));
  }

  // 3. Counts by progress status and by stage.
  doc.Heading(1, T(Text::kStatusCounts, lang));
  doc.Paragraph(T(Text::kStatusCountsIntro, lang));
  {
    TableData t;
    t.header = {T(Text::kSeries, lang)};
    t.widths = {3.4};
    t.numeric = {false};
    for (ProgressStatus s : kStatuses) {
      t.header.push_back(std::string(StatusLabel(s, lang)));
      t.widths.push_back(1.0);
      t.numeric.push_back(true);
    }
    for (const Series& s : SeriesCatalogue()) {
      std::map<ProgressStatus, int> count;
      for (const Economy& e : economies) {
        ProgressStatus status = ProgressStatus::kNoData;
        for (const Assessment& a : assessments[e.iso3]) {
          if (a.series == s.code && IsHeadlineKey(a)) status = a.status;
        }
        ++count[status];
      }
      std::vector<std::string> row = {s.name[static_cast<int>(lang)]};
      for (ProgressStatus st : kStatuses) row.push_back(std::to_string(count[st]));
      t.rows.push_back(std::move(row));
    }
    doc.Table(std::move(t));
  }
  doc.Heading(1, T(Text::kStageCounts, lang));
  {
    TableData t;
    t.header = {T(Text::kMeasure, lang)};
    t.widths = {4.0};
    t.numeric = {false};
    for (Stage s : kStages) {
      t.header.push_back(std::string(StageLabel(s, lang)));
      t.widths.push_back(1.0);
      t.numeric.push_back(true);
    }
    t.header.push_back(T(Text::kNoNarrativeShort, lang));
    t.widths.push_back(1.0);
    t.numeric.push_back(true);
    for (const char* m : kMeasures) {
      std::map<Stage, int> count;
      int none = 0;
      for (const Economy& e : economies) {
        auto shown = ForMeasure(by_economy[e.iso3], m, lang);
        if (shown.empty()) {
          ++none;
        } else {
          ++count[shown.front()->stage];
        }
      }
      std::vector<std::string> row = {MeasureHeading(m, lang)};
      for (Stage s : kStages) row.push_back(std::to_string(count[s]));
      row.push_back(std::to_string(none));
      t.rows.push_back(std::move(row));
    }
    doc.Table(std::move(t));
  }

  // 4. Subregions.
  doc.Heading(1, T(Text::kSubregionsSection, lang));
  for (const char* sub : kSubregions) {
    doc.Heading(2, std::string(SubregionName(sub, lang)));
    doc.Table(headline_table(sub));
    TableData t;
    t.header = {T(Text::kEconomy, lang), SeriesName("SI_COV_BENFTS", lang), T(Text::kStatus, lang),
                T(Text::kReportingSection, lang)};
    t.widths = {3.0, 2.0, 2.0, 2.0};
    t.numeric = {false, true, false, false};
    for (const Economy& e : economies) {
      if (e.subregion != sub) continue;
      const Assessment* benfts = nullptr;
      for (const Assessment& a : assessments[e.iso3]) {
        if (a.series == "SI_COV_BENFTS" && IsHeadlineKey(a)) benfts = &a;
      }
      t.rows.push_back(
          {EconomyName(e, lang), benfts ? ValueYear(benfts->latest) : "–",
           std::string(StatusLabel(benfts ? benfts->status : ProgressStatus::kNoData, lang)),
           T(reported(e) ? Text::kReported : Text::kNotReported, lang)});
    }
    doc.Table(std::move(t));
  }

  // 5. One page per economy.
  doc.PageBreak();
  doc.Heading(1, T(Text::kProfilesSection, lang));
  for (const Economy& e : economies) {
    if (&e != &economies.front()) doc.PageBreak();
    doc.Heading(2, EconomyName(e, lang));
    doc.Note(fmt::format("{} · {}", SubregionName(e.subregion, lang),
                         T(reported(e) ? Text::kReported : Text::kNotReported, lang)));
    std::vector<Assessment> headline;
    for (const Assessment& a : assessments[e.iso3]) {
      if (IsHeadlineKey(a)) headline.push_back(a);
    }
    if (headline.empty()) {
      doc.Paragraph(std::string(StatusLabel(ProgressStatus::kNoData, lang)));
    } else {
      TableData t;
      t.header = {T(Text::kSeries, lang), T(Text::kLatest, lang), T(Text::kTarget, lang),
                  T(Text::kStatus, lang), T(Text::kNotCovered, lang)};
      t.widths = {4.0, 1.4, 1.0, 1.6, 1.5};
      t.numeric = {false, true, true, false, true};
      for (const Assessment& a : headline) {
        t.rows.push_back(
            {SeriesName(a.series, lang), ValueYear(a.latest),
             Percent(a.target.target_2030) + (a.default_target ? "*" : ""),
             std::string(StatusLabel(a.status, lang)),
             a.people_not_covered_latest ? Persons(*a.people_not_covered_latest, lang) : "–"});
      }
      doc.Table(std::move(t));
    }
    if (reported(e)) {
      std::vector<std::string> stages;
      for (const char* m : kMeasures) {
        auto shown = ForMeasure(by_economy[e.iso3], m, lang);
        stages.push_back(fmt::format("({}) {}", m,
                                     shown.empty()
                                         ? T(Text::kNoNarrativeShort, lang)
                                         : std::string(StageLabel(shown.front()->stage, lang))));
      }
      doc.Note(fmt::format("{}: {}", T(Text::kStage, lang), fmt::join(stages, " · ")));
    }
  }
  doc.PageBreak();

  // 6. Key points of the published national reports.
  doc.Heading(1, T(Text::kKeyPointsSection, lang));
  if (reported_count == 0) doc.Paragraph(T(Text::kNoKeyPoints, lang));
  for (const Economy& e : economies) {
    if (!reported(e)) continue;
    doc.Heading(2, EconomyName(e, lang));
    for (const char* m : kMeasures) {
      for (const Narrative* n : ForMeasure(by_economy[e.iso3], m, lang)) {
        std::string point = FirstSentence(n->progress.empty() ? n->next_steps : n->progress);
        if (point.empty()) continue;
        doc.Note(fmt::format("{} · {}", MeasureHeading(m, lang), StageLabel(n->stage, lang)));
        doc.Paragraph(point, LangTag(n->key.lang, lang));
      }
    }
  }

  // 7. Annex: every current value of the regional economies, sources numbered.
  doc.Heading(1, T(Text::kAnnexSection, lang));
  doc.Paragraph(T(Text::kAnnexIntro, lang));
  {
    ObservationFilter f;
    f.economies = codes;
    SPCOOP_ASSIGN_OR_RETURN(auto observations, store.QueryObservations(f));
    std::map<std::string, int> source_index;
    std::vector<std::string> sources;
    TableData t;
    t.header = {T(Text::kEconomy, lang), T(Text::kSeries, lang),   T(Text::kSex, lang),
                T(Text::kAge, lang),     T(Text::kQuantile, lang), T(Text::kYear, lang),
                T(Text::kValue, lang),   T(Text::kSource, lang)};
    t.widths = {0.9, 1.9, 1.2, 1.0, 0.9, 0.7, 0.8, 0.7};
    t.numeric = {false, false, false, false, false, true, true, true};
    for (const Observation& o : observations) {
      auto [it, added] = source_index.emplace(o.attributes.source, sources.size() + 1);
      if (added) sources.push_back(o.attributes.source);
      t.rows.push_back({o.key.economy, o.key.series, std::string(SexLabel(o.key.sex, lang)),
                        AgeLabel(o.key.age, lang), o.key.quantile == "_T" ? "–" : o.key.quantile,
                        std::to_string(o.key.year), Percent(o.value),
                        fmt::format("[{}]", it->second)});
    }
    doc.Table(std::move(t));
    TableData s;
    s.header = {"#", T(Text::kSource, lang)};
    s.widths = {0.4, 8.0};
    s.numeric = {true, false};
    for (size_t i = 0; i < sources.size(); ++i) {
      s.rows.push_back({fmt::format("[{}]", i + 1), sources[i]});
    }
    doc.Table(std::move(s));
  }
  SPCOOP_ASSIGN_OR_RETURN(TableData imports, SourcesTable(store, lang));
  SourcesSection(doc, imports, false);
  return doc;
}

}  // namespace spcoop::report
