#include "spcoop/core/codes.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cctype>

#include <fmt/format.h>

namespace spcoop {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::optional<int> ParseInt(std::string_view s) {
  int v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0 || v > 150) return std::nullopt;
  return v;
}

RelevantPopulation Everyone() {
  return {.description_en = "the whole population", .min_age = 0, .max_age = -1};
}

RelevantPopulation NotCountable(std::string description) {
  return {.description_en = std::move(description), .proxy = true, .countable = false};
}

const std::vector<Series>& Catalogue() {
  static const std::vector<Series> kSeries = [] {
    std::vector<Series> s;
    s.push_back({"SI_COV_BENFTS", "ILO",
                 {"Proportion of population covered by at least one social protection benefit",
                  "至少享有一项社会保护福利的人口比例",
                  "Доля населения, охваченного хотя бы одним видом социальной защиты",
                  "Proportion de la population couverte par au moins une prestation de protection "
                  "sociale"},
                 "Persons protected in at least one area (contributory or non-contributory cash "
                 "benefit, or active contribution to social insurance) as a percentage of the "
                 "total population.",
                 "soc_contig_total", Everyone()});
    s.push_back({"SI_COV_CHLD", "ILO",
                 {"Proportion of children/households receiving child/family cash benefit",
                  "领取儿童/家庭现金津贴的儿童/家庭比例",
                  "Доля детей/домохозяйств, получающих денежные пособия на детей/семью",
                  "Proportion d'enfants/de ménages bénéficiant d'allocations familiales en espèces"},
                 "Children or households receiving child or family cash benefits as a percentage "
                 "of all children or households with children.",
                 "soc_contig_child",
                 {.description_en = "children aged 0-14 (proxy for ILO's children aged 0-15)",
                  .min_age = 0, .max_age = 14, .proxy = true}});
    s.push_back({"SI_COV_MATNL", "ILO",
                 {"Proportion of mothers with newborns receiving maternity cash benefit",
                  "领取生育现金津贴的新生儿母亲比例",
                  "Доля матерей с новорождёнными, получающих денежные пособия по материнству",
                  "Proportion de mères de nouveau-nés bénéficiant de prestations de maternité en "
                  "espèces"},
                 "Women receiving maternity cash benefits as a percentage of women giving birth "
                 "in the same year.",
                 "soc_contig_mat",
                 {.description_en = "women giving birth in the year (proxy: population aged 0-4 "
                                    "divided by 5)",
                  .min_age = 0, .max_age = 4, .sex = "F", .count_sex = "_T", .divisor = 5.0,
                  .proxy = true}});
    s.push_back({"SI_COV_DISAB", "ILO",
                 {"Proportion of population with severe disabilities receiving disability cash "
                  "benefit",
                  "领取残疾现金津贴的重度残疾人口比例",
                  "Доля лиц с тяжёлой инвалидностью, получающих денежные пособия по инвалидности",
                  "Proportion de personnes gravement handicapées bénéficiant de prestations "
                  "d'invalidité en espèces"},
                 "Persons receiving disability cash benefits as a percentage of persons with "
                 "severe disabilities.",
                 "soc_contig_disab", NotCountable("persons with severe disabilities")});
    s.push_back({"SI_COV_UEMP", "ILO",
                 {"Proportion of unemployed persons receiving unemployment cash benefit",
                  "领取失业现金津贴的失业人员比例",
                  "Доля безработных, получающих денежные пособия по безработице",
                  "Proportion de chômeurs bénéficiant d'allocations de chômage en espèces"},
                 "Unemployed persons receiving unemployment cash benefits as a percentage of all "
                 "unemployed persons.",
                 "soc_contig_une", NotCountable("unemployed persons")});
    s.push_back({"SI_COV_PENSN", "ILO",
                 {"Proportion of population above statutory pensionable age receiving a pension",
                  "超过法定退休年龄并领取养老金的人口比例",
                  "Доля населения старше установленного пенсионного возраста, получающего пенсию",
                  "Proportion de la population ayant dépassé l'âge légal de la retraite "
                  "bénéficiant d'une pension"},
                 "Persons above the statutory pensionable age receiving an old-age pension "
                 "(contributory or not) as a percentage of persons above that age.",
                 "soc_contig_pension",
                 {.description_en = "persons aged 65 and over (proxy for the statutory "
                                    "pensionable age)",
                  .min_age = 65, .max_age = -1, .proxy = true}});
    s.push_back({"SI_COV_VULN", "ILO",
                 {"Proportion of vulnerable population receiving social assistance cash benefit",
                  "领取社会救助现金津贴的弱势人口比例",
                  "Доля уязвимого населения, получающего денежные пособия социальной помощи",
                  "Proportion de la population vulnérable bénéficiant de prestations d'assistance "
                  "sociale en espèces"},
                 "Vulnerable persons (children, working-age and older persons not covered by "
                 "contributory benefits) receiving social assistance cash benefits, as a "
                 "percentage of all vulnerable persons.",
                 "soc_contig_vuln", NotCountable("vulnerable persons")});
    s.push_back({"SI_COV_WKINJRY", "ILO",
                 {"Proportion of employed population covered in the event of work injury",
                  "发生工伤时受保障的就业人口比例",
                  "Доля занятого населения, охваченного защитой в случае производственной "
                  "травмы",
                  "Proportion de la population active occupée couverte en cas d'accident du "
                  "travail"},
                 "Employed persons protected against work injury as a percentage of all employed "
                 "persons.",
                 "soc_contig_inj", NotCountable("employed persons")});
    s.push_back({"SI_COV_POOR", "ILO",
                 {"Proportion of poor population receiving social assistance cash benefit",
                  "领取社会救助现金津贴的贫困人口比例",
                  "Доля бедного населения, получающего денежные пособия социальной помощи",
                  "Proportion de la population pauvre bénéficiant de prestations d'assistance "
                  "sociale en espèces"},
                 "Poor persons receiving social assistance cash benefits as a percentage of all "
                 "poor persons.",
                 "soc_contig_poor", NotCountable("poor persons")});
    s.push_back({"SI_COV_SOCAST", "World Bank",
                 {"Proportion of population covered by social assistance programs",
                  "社会救助计划覆盖的人口比例",
                  "Доля населения, охваченного программами социальной помощи",
                  "Proportion de la population couverte par des programmes d'assistance sociale"},
                 "Persons living in households that receive social assistance, as a percentage "
                 "of the population (World Bank ASPIRE, from household surveys).",
                 "", Everyone()});
    s.push_back({"SI_COV_SOCINS", "World Bank",
                 {"Proportion of population covered by social insurance programs",
                  "社会保险计划覆盖的人口比例",
                  "Доля населения, охваченного программами социального страхования",
                  "Proportion de la population couverte par des programmes d'assurance sociale"},
                 "Persons living in households that receive social insurance benefits, as a "
                 "percentage of the population (World Bank ASPIRE, from household surveys).",
                 "", Everyone()});
    s.push_back({"SI_COV_LMKT", "World Bank",
                 {"Proportion of population covered by labour market programs",
                  "劳动力市场计划覆盖的人口比例",
                  "Доля населения, охваченного программами на рынке труда",
                  "Proportion de la population couverte par des programmes du marché du travail"},
                 "Persons living in households that take part in labour market programmes, as a "
                 "percentage of the population (World Bank ASPIRE, from household surveys).",
                 "", Everyone()});
    return s;
  }();
  return kSeries;
}

}  // namespace

std::string_view StateName(State s) {
  switch (s) {
    case State::kDraft: return "draft";
    case State::kSubmitted: return "submitted";
    case State::kPublished: return "published";
  }
  return "published";
}

std::string_view StageName(Stage s) {
  switch (s) {
    case Stage::kNotStarted: return "not_started";
    case Stage::kPlanning: return "planning";
    case Stage::kInProgress: return "in_progress";
    case Stage::kAchieved: return "achieved";
  }
  return "not_started";
}

std::optional<Stage> ParseStage(std::string_view s) {
  for (Stage st : {Stage::kNotStarted, Stage::kPlanning, Stage::kInProgress, Stage::kAchieved}) {
    if (s == StageName(st)) return st;
  }
  return std::nullopt;
}

bool IsMeasure(std::string_view m) { return m.size() == 1 && m[0] >= 'a' && m[0] <= 'l'; }

std::optional<std::string> NormalizeSex(std::string_view code) {
  std::string u = Upper(code);
  if (u == "_T" || u == "BOTHSEX" || u == "SEX_T" || u == "T") return "_T";
  if (u == "F" || u == "FEMALE" || u == "SEX_F") return "F";
  if (u == "M" || u == "MALE" || u == "SEX_M") return "M";
  return std::nullopt;
}

std::optional<AgeRange> ParseAge(std::string_view code) {
  if (code == "_T") return AgeRange{0, -1};
  if (code.starts_with("Y_GE")) {
    auto a = ParseInt(code.substr(4));
    if (!a) return std::nullopt;
    return AgeRange{*a, -1};
  }
  if (code.starts_with("Y_LT")) {
    auto b = ParseInt(code.substr(4));
    if (!b || *b == 0) return std::nullopt;
    return AgeRange{0, *b - 1};
  }
  if (code.starts_with("Y")) {
    auto t = code.find('T', 1);
    if (t == std::string_view::npos) return std::nullopt;
    auto a = ParseInt(code.substr(1, t - 1));
    auto b = ParseInt(code.substr(t + 1));
    if (!a || !b || *a > *b) return std::nullopt;
    return AgeRange{*a, *b};
  }
  return std::nullopt;
}

std::optional<std::string> NormalizeAge(std::string_view code) {
  std::string u = Upper(code);
  if (u.empty() || u == "_T" || u == "ALLAGE" || u == "ALL") return "_T";
  if (ParseAge(u)) return u;
  if (u.ends_with("+")) {
    auto a = ParseInt(std::string_view(u).substr(0, u.size() - 1));
    if (a) return fmt::format("Y_GE{}", *a);
  }
  if (u.starts_with("<")) {
    auto b = ParseInt(std::string_view(u).substr(1));
    if (b && *b > 0) return fmt::format("Y_LT{}", *b);
  }
  auto dash = u.find('-');
  if (dash != std::string::npos) {
    auto a = ParseInt(std::string_view(u).substr(0, dash));
    auto b = ParseInt(std::string_view(u).substr(dash + 1));
    if (a && b && *a <= *b) return fmt::format("Y{}T{}", *a, *b);
  }
  return std::nullopt;
}

std::optional<std::string> NormalizeQuantile(std::string_view code) {
  std::string u = Upper(code);
  if (u.empty() || u == "_T") return "_T";
  if (u.size() == 2 && u[0] == 'Q' && u[1] >= '1' && u[1] <= '5') return u;
  return std::nullopt;
}

std::optional<Language> ParseLanguage(std::string_view code) {
  if (code.size() < 2) return std::nullopt;
  std::string l(code.substr(0, 2));
  for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (code.size() > 2 && code[2] != '-' && code[2] != '_') return std::nullopt;
  if (l == "en") return Language::kEn;
  if (l == "zh") return Language::kZh;
  if (l == "ru") return Language::kRu;
  if (l == "fr") return Language::kFr;
  return std::nullopt;
}

std::string_view LanguageCode(Language lang) {
  static constexpr std::array<std::string_view, kLanguageCount> kCodes = {"en", "zh", "ru", "fr"};
  return kCodes[static_cast<int>(lang)];
}

std::span<const Series> SeriesCatalogue() { return Catalogue(); }

const Series* FindSeries(std::string_view code) {
  std::string u = Upper(code);
  for (const Series& s : Catalogue()) {
    if (s.code == u) return &s;
  }
  return nullptr;
}

const Series* FindSeriesByContingency(std::string_view contingency) {
  std::string lower(contingency);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const Series& s : Catalogue()) {
    if (!s.ilostat_contingency.empty() && s.ilostat_contingency == lower) return &s;
  }
  return nullptr;
}

Status ValidatePercent(double value) {
  if (!std::isfinite(value)) {
    return Status::InvalidArgument("value is not a finite number; write a percentage such as 42.5");
  }
  if (value < 0 || value > 100) {
    return Status::InvalidArgument(fmt::format(
        "coverage {} is outside 0-100; write a percentage (42.5), not a share (0.425) or a count",
        value));
  }
  return Status::Ok();
}

Status ValidateTarget(const Target& t) {
  if (!FindSeries(t.key.series)) {
    return Status::InvalidArgument(fmt::format(
        "series '{}' is not an SDG 1.3.1 series; see 'spcoop series' for the 12 codes",
        t.key.series)).At("series");
  }
  if (!NormalizeSex(t.key.sex) || *NormalizeSex(t.key.sex) != t.key.sex) {
    return Status::InvalidArgument(fmt::format("sex '{}' is not one of _T, F, M", t.key.sex))
        .At("sex");
  }
  if (!ParseAge(t.key.age)) {
    return Status::InvalidArgument(fmt::format(
        "age '{}' is not an age code; use _T, Y_GE65, Y0T14 or Y15T64 style codes", t.key.age))
        .At("age");
  }
  if (t.baseline_year < kMinYear || t.baseline_year > 2025) {
    return Status::InvalidArgument(fmt::format(
        "baseline year {} is outside {}-2025; the Action Plan's baseline is 2021",
        t.baseline_year, kMinYear)).At("baseline_year");
  }
  auto check = [](double v, const char* field) -> Status {
    Status s = ValidatePercent(v);
    if (!s.ok()) return Status(s.code(), fmt::format("{}: {}", field, s.message())).At(field);
    return s;
  };
  SPCOOP_RETURN_IF_ERROR(check(t.baseline_value, "baseline_value"));
  if (t.interim_2025) SPCOOP_RETURN_IF_ERROR(check(*t.interim_2025, "interim_2025"));
  SPCOOP_RETURN_IF_ERROR(check(t.target_2030, "target_2030"));
  if (t.target_2030 < t.baseline_value) {
    return Status::InvalidArgument(fmt::format(
        "the 2030 target {} is below the baseline {}; a coverage target plans an increase, so set "
        "it at or above the baseline", t.target_2030, t.baseline_value)).At("target_2030");
  }
  return Status::Ok();
}

}  // namespace spcoop
