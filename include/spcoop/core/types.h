// spcoop/core/types.h — the domain types of SDG 1.3.1 monitoring. No I/O, no SQL, no JSON.
//
//   ObservationKey key{"SI_COV_BENFTS", "KHM", "_T", "_T", "_T", 2019};
//   Observation obs{key, 16.4, Attributes{"PERCENT", "E", "UN SDG Global Database", ""}};
//   Target t{{"KHM", "SI_COV_BENFTS", "_T", "_T"}, 2021, 20.0, 40.0, 60.0, ...};
//
// Dimension codes follow the SDG global database's SDMX codelists (DF_SDG_GLH):
//   sex:      "_T" both sexes, "F" female, "M" male
//   age:      "_T" all ages, "Y0T14", "Y15T64", "Y_GE65", "Y_LT15" ... (see codes.h)
//   quantile: "_T" all, "Q1" .. "Q5" (Q1 = poorest fifth)
// Values of 1.3.1 series are percentages in [0, 100].
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spcoop {

// ESCAP's working languages, in this fixed order wherever names are stored per language.
enum class Language { kEn = 0, kZh = 1, kRu = 2, kFr = 3 };
inline constexpr int kLanguageCount = 4;
using LocalizedText = std::array<std::string, kLanguageCount>;

// The five ESCAP subregions, spelled as in the reference data.
inline constexpr std::array<const char*, 5> kSubregions = {
    "East and North-East Asia", "South-East Asia", "South and South-West Asia",
    "North and Central Asia", "Pacific"};

struct Economy {
  std::string iso3;  // "KHM"
  std::string iso2;  // "KH"
  std::string m49;   // "116", zero-padded to 3
  LocalizedText name;            // UNSD M49 names, by Language
  std::string name_short_en;     // CLDR short name ("Cambodia", "South Korea")
  std::string subregion;         // one of kSubregions, or empty for non-regional members
  std::string membership;        // "member", "member (non-regional)", "associate member"
  std::string income_group;      // World Bank FY2023 classification, may be empty
  std::string wb_region;
  bool ldc = false, lldc = false, sids = false;

  bool IsRegional() const { return !subregion.empty(); }
};

// The population a coverage series is a share of. Ages are inclusive; max_age < 0 = no upper bound.
struct RelevantPopulation {
  std::string description_en;   // "persons aged 65 and over"
  int min_age = 0;
  int max_age = -1;
  std::string sex = "_T";       // "F" when the series is about women only
  // When set, head counts use this sex whatever the observation's sex (maternity: births of
  // both sexes approximate the women giving birth).
  std::string count_sex;
  // A divisor applied to the head count, e.g. 5 when women giving birth in a year are
  // approximated by the 0-4 population / 5. 1 otherwise.
  double divisor = 1.0;
  bool proxy = false;           // true when the count only approximates the definition
  bool countable = true;        // false when the reference data cannot count it at all
};

struct Series {
  std::string code;             // "SI_COV_BENFTS"
  std::string custodian;        // "ILO" or "World Bank"
  LocalizedText name;
  std::string definition_en;
  std::string ilostat_contingency;  // "soc_contig_total", or empty for World Bank series
  RelevantPopulation population;
};

// Identifies one data point. Two observations with equal keys are the same data point.
struct ObservationKey {
  std::string series;
  std::string economy;
  std::string sex = "_T";
  std::string age = "_T";
  std::string quantile = "_T";
  int year = 0;

  friend bool operator==(const ObservationKey&, const ObservationKey&) = default;
  friend auto operator<=>(const ObservationKey&, const ObservationKey&) = default;
};

struct Attributes {
  std::string unit = "PERCENT";
  std::string nature;   // SDG "Nature": C, CA, E, G, M, N, ...
  std::string source;
  std::string note;
  // SDMX REPORTING_TYPE: "G" global (the UN SDG Global Database, ILOSTAT), "N" national (a
  // country's own figure: published from its focal point's change set, or so marked in an
  // imported file), "R" regional.
  std::string reporting_type = "G";
  friend bool operator==(const Attributes&, const Attributes&) = default;
};

// Where a revision came from and why. Every write carries one.
struct Provenance {
  std::string author;      // user name, or "system" for reference data
  std::string origin;      // "import:<id>", "edit", "init"
  std::string reason;
};

// Life cycle of national data (issue: review workflow). Reference data is kPublished.
enum class State { kDraft, kSubmitted, kPublished };
std::string_view StateName(State s);

// The current value of a key.
struct Observation {
  ObservationKey key;
  double value = 0;
  Attributes attributes;
  int64_t revision = 0;    // id of the revision that holds this value
  State state = State::kPublished;
};

// One append-only revision of a key. A deletion is a revision with deleted = true.
struct Revision {
  int64_t id = 0;
  ObservationKey key;
  std::optional<double> value;  // empty when deleted
  Attributes attributes;
  bool deleted = false;
  State state = State::kPublished;
  Provenance provenance;
  std::string recorded_at;      // UTC, ISO 8601 ("2026-11-29T10:00:00Z")
  int64_t import_id = 0;        // 0 when not from an import
};

// A national target for one economy, series, sex and age.
struct TargetKey {
  std::string economy;
  std::string series;
  std::string sex = "_T";
  std::string age = "_T";
  friend bool operator==(const TargetKey&, const TargetKey&) = default;
  friend auto operator<=>(const TargetKey&, const TargetKey&) = default;
};

struct Target {
  TargetKey key;
  int baseline_year = 2021;
  double baseline_value = 0;
  std::optional<double> interim_2025;
  double target_2030 = 100;
  // Set only on stored targets:
  int64_t revision = 0;
  bool deleted = false;
  Provenance provenance;
  std::string recorded_at;
};

// The Action Plan's 12 national measures, "a" to "l", each with a focal point's narrative and a
// self-assessed stage in a voluntary national progress report.
enum class Stage { kNotStarted, kPlanning, kInProgress, kAchieved };
std::string_view StageName(Stage s);  // "not_started", "planning", "in_progress", "achieved"

struct NarrativeKey {
  std::string economy;   // "KHM"
  std::string period;    // reporting period, "2025"
  std::string measure;   // "a" .. "l"
  std::string lang;      // the language it is written in: "en", "zh", "ru", "fr"
  friend bool operator==(const NarrativeKey&, const NarrativeKey&) = default;
  friend auto operator<=>(const NarrativeKey&, const NarrativeKey&) = default;
};

struct Narrative {
  NarrativeKey key;
  Stage stage = Stage::kNotStarted;
  std::string progress;
  std::string challenges;
  std::string next_steps;
  // Set only on stored narratives:
  int64_t revision = 0;
  Provenance provenance;
  std::string recorded_at;
};

// WPP population by sex and five-year age group. age_from..age_to inclusive; age_to = -1 for 100+.
struct PopulationRow {
  std::string economy;
  int year = 0;
  std::string sex;   // "_T", "F", "M"
  int age_from = 0;
  int age_to = -1;
  double population = 0;  // persons
  std::string variant;    // "estimates" or "medium"
};

// A value of a reference indicator that is not a 1.3.1 series: IMF WEO macro-fiscal
// (NGDPDPC, GGR_NGDP, ...) and SDG 1.1.1/1.2.1 poverty (SI_POV_DAY1, SI_POV_NAHC).
struct IndicatorValue {
  std::string economy;
  std::string indicator;   // "NGDPDPC", "SI_POV_DAY1"
  std::string location;    // poverty: "ALLAREA", "URBAN", "RURAL"; empty otherwise
  int year = 0;
  double value = 0;
  std::string unit;        // "U.S. dollars", "PERCENT"
  std::string status;      // WEO "actual"/"estimate_or_projection"; SDG nature
  std::string source;
};

// ILO's own modelled regional estimate of a 1.3.1 series (ILOSTAT regions such as "X40" Asia and
// the Pacific). Shown beside spcoop's aggregates, never mixed with them.
struct RegionalEstimate {
  std::string region;      // ILOSTAT code, upper case: "X40"
  std::string region_name; // "Asia and the Pacific"
  std::string series;
  std::string sex;         // "_T", "F", "M"
  int year = 0;
  double value = 0;
  std::string source;
};

// A record of one import: the file, its hash, its source and vintage, and what it changed.
struct ImportRecord {
  int64_t id = 0;
  std::string file_name;
  std::string sha256;
  std::string format;      // "sdg-csv", "ilostat-csv", "tidy-csv"
  std::string source;      // "UN SDG Global Database", "ILOSTAT"
  std::string vintage;     // "2020-10-19"
  Provenance provenance;
  std::string recorded_at;
  int64_t rows = 0, added = 0, changed = 0, unchanged = 0, skipped = 0;
};

}  // namespace spcoop
