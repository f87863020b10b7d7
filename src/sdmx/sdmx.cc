// The SDMX 2.1 REST provider (include/spcoop/sdmx/sdmx.h, docs/sdmx.md). Messages are built as
// strings; every message shape here is validated against the official schemas by sdmx_test.
#include "spcoop/sdmx/sdmx.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spcoop/core/codes.h"

namespace spcoop::sdmx {
namespace {

constexpr std::string_view kNsMessage = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message";
constexpr std::string_view kNsStructure =
    "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure";
constexpr std::string_view kNsCommon = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common";
constexpr std::string_view kNsGeneric =
    "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic";
constexpr std::string_view kNsStructureSpecific =
    "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific";
constexpr std::array<std::string_view, kLanguageCount> kLangs = {"en", "zh", "ru", "fr"};

// ------------------------------------------------------------------ text helpers

std::string Esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters other than tab/newline are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.emplace_back(s.substr(start));
      return out;
    }
    out.emplace_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<int> ParseInt(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

bool IsIdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '@' || c == '$' ||
         c == '-';
}

std::string FormatValue(double v) { return fmt::format("{}", v); }

// ------------------------------------------------------------------ names in four languages

using Names = LocalizedText;

Names N(std::string en, std::string zh, std::string ru, std::string fr) {
  return {std::move(en), std::move(zh), std::move(ru), std::move(fr)};
}

void AppendNames(std::string& out, const Names& names, const std::string& fallback = "") {
  bool any = false;
  for (int i = 0; i < kLanguageCount; ++i) {
    if (names[i].empty()) continue;
    any = true;
    out += fmt::format("<com:Name xml:lang=\"{}\">{}</com:Name>", kLangs[i], Esc(names[i]));
  }
  if (!any) out += fmt::format("<com:Name xml:lang=\"en\">{}</com:Name>", Esc(fallback));
}

struct Code {
  std::string id;
  Names name;
};

struct Codelist {
  std::string id;
  Names name;
  std::vector<Code> codes;
};

struct Concept {
  std::string id;
  Names name;
};

const std::vector<Concept>& Concepts() {
  static const std::vector<Concept> kConcepts = {
      {"FREQ", N("Frequency", "频率", "Периодичность", "Fréquence")},
      {"REPORTING_TYPE", N("Reporting type", "报告类型", "Тип отчётности", "Type de rapport")},
      {"SERIES", N("Series", "系列", "Ряд", "Série")},
      {"REF_AREA", N("Reference area", "参考地区", "Справочная территория", "Zone de référence")},
      {"SEX", N("Sex", "性别", "Пол", "Sexe")},
      {"AGE", N("Age", "年龄", "Возраст", "Âge")},
      {"TIME_PERIOD", N("Time period", "时间段", "Период времени", "Période")},
      {"OBS_VALUE", N("Observation value", "观测值", "Значение наблюдения", "Valeur observée")},
      {"UNIT_MEASURE", N("Unit of measure", "计量单位", "Единица измерения", "Unité de mesure")},
      {"UNIT_MULT",
       N("Unit multiplier", "单位乘数", "Множитель единицы", "Multiplicateur d'unité")},
      {"OBS_STATUS",
       N("Observation status", "观测状态", "Статус наблюдения", "Statut de l'observation")},
      {"NATURE", N("Nature of data", "数据性质", "Характер данных", "Nature des données")},
      {"SOURCE_DETAIL",
       N("Source details", "来源详情", "Сведения об источнике", "Détails de la source")},
      {"TARGET_TYPE", N("Target type", "目标类型", "Тип целевого показателя", "Type de cible")},
  };
  return kConcepts;
}

// ------------------------------------------------------------------ dataflows

// A dataflow with its data structure: six key dimensions, TIME_PERIOD, the series attributes
// UNIT_MEASURE and UNIT_MULT, its observation attributes, and OBS_VALUE.
struct Flow {
  std::string_view id;   // the dataflow
  std::string_view dsd;  // its data structure
  Names name;
  std::array<std::string_view, kKeyDimensions> dimensions;
  std::array<std::string_view, kKeyDimensions> codelists;  // of each dimension
  // Observation attributes in order: id and codelist ("" = text of up to 1000 characters).
  std::vector<std::pair<std::string_view, std::string_view>> attributes;
};

const Flow& CoverageFlow() {
  static const Flow kFlow{
      kDataflowId,
      kDsdId,
      N("Social protection coverage (SDG 1.3.1)", "社会保护覆盖率（可持续发展目标1.3.1）",
        "Охват социальной защитой (ЦУР 1.3.1)", "Couverture de la protection sociale (ODD 1.3.1)"),
      kDimensionIds,
      {"CL_FREQ", "CL_REPORTING_TYPE", "CL_SERIES", "CL_AREA", "CL_SEX", "CL_AGE"},
      {{"OBS_STATUS", "CL_OBS_STATUS"}, {"NATURE", "CL_NATURE"}, {"SOURCE_DETAIL", ""}}};
  return kFlow;
}

// National targets: one series per target and kind, whose one observation is the kind's year
// (baseline year, 2025, 2030) and value. The kind is a dimension, not an attribute, because a
// baseline may be of 2025, the interim target's year.
const Flow& TargetsFlow() {
  static const Flow kFlow{kTargetsDataflowId,
                          kTargetsDsdId,
                          N("National social protection coverage targets (SDG 1.3.1)",
                            "国家社会保护覆盖率目标（可持续发展目标1.3.1）",
                            "Национальные целевые показатели охвата социальной защитой (ЦУР 1.3.1)",
                            "Cibles nationales de couverture de la protection sociale (ODD 1.3.1)"),
                          kTargetDimensionIds,
                          {"CL_FREQ", "CL_SERIES", "CL_AREA", "CL_SEX", "CL_AGE", "CL_TARGET_TYPE"},
                          {{"SOURCE_DETAIL", ""}}};
  return kFlow;
}

const std::array<const Flow*, 2>& Flows() {
  static const std::array<const Flow*, 2> kFlows = {&CoverageFlow(), &TargetsFlow()};
  return kFlows;
}

// The codelists a data structure uses: its dimensions', the units' and its attributes'.
std::set<std::string> CodelistsOf(const Flow& f) {
  std::set<std::string> out(f.codelists.begin(), f.codelists.end());
  out.insert("CL_UNIT_MEASURE");
  out.insert("CL_UNIT_MULT");
  for (const auto& [id, codelist] : f.attributes) {
    if (!codelist.empty()) out.insert(std::string(codelist));
  }
  return out;
}

// The StructureSpecificData namespace of a data structure, time series or flat (AllDimensions).
std::string SsNamespace(const Flow& f, bool flat) {
  return fmt::format(
      "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure={}:{}({}):ObsLevelDim:{}", kAgency,
      f.dsd, kVersion, flat ? "AllDimensions" : "TIME_PERIOD");
}

Names AgeName(std::string_view code) {
  if (code == "_T") {
    return N("All age ranges or no breakdown by age", "所有年龄段或无年龄细分",
             "Все возрастные группы или без разбивки по возрасту",
             "Toutes les tranches d'âge ou pas de ventilation par âge");
  }
  auto range = ParseAge(code);
  if (!range) return N(std::string(code), "", "", "");
  if (code.starts_with("Y_LT")) {
    int b = range->max + 1;
    return N(fmt::format("Under {} years old", b), fmt::format("{}岁以下", b),
             fmt::format("Моложе {} лет", b), fmt::format("Moins de {} ans", b));
  }
  if (range->max < 0) {
    int a = range->min;
    return N(fmt::format("{} years old and over", a), fmt::format("{}岁及以上", a),
             fmt::format("{} лет и старше", a), fmt::format("{} ans et plus", a));
  }
  int a = range->min, b = range->max;
  return N(fmt::format("{} to {} years old", a, b), fmt::format("{}至{}岁", a, b),
           fmt::format("От {} до {} лет", a, b), fmt::format("De {} à {} ans", a, b));
}

const std::vector<Code>& NatureCodes() {
  static const std::vector<Code> kCodes = {
      {"C", N("Country data", "国家数据", "Страновые данные", "Données nationales")},
      {"CA", N("Country adjusted data", "经调整的国家数据", "Скорректированные страновые данные",
               "Données nationales ajustées")},
      {"E", N("Estimated data", "估计数据", "Оценочные данные", "Données estimées")},
      {"G", N("Global monitoring data", "全球监测数据", "Данные глобального мониторинга",
              "Données de suivi mondial")},
      {"M", N("Modelled data", "模型数据", "Смоделированные данные", "Données modélisées")},
      {"N", N("Non-relevant", "不相关", "Неприменимо", "Non pertinent")},
  };
  return kCodes;
}

bool IsNatureCode(std::string_view code) {
  for (const Code& c : NatureCodes()) {
    if (c.id == code) return true;
  }
  return false;
}

// The ages the structure lists: the usual SDG age codes plus any other found in the data.
const std::vector<std::string>& BaseAges() {
  static const std::vector<std::string> kAges = {"_T",     "Y0T14",  "Y15T64", "Y_GE15",
                                                 "Y_GE65", "Y_LT15", "Y15T24", "Y_GE60"};
  return kAges;
}

struct Structures {
  std::vector<Codelist> codelists;
};

Result<Structures> BuildStructures(Store& store) {
  Structures s;
  s.codelists.push_back({"CL_FREQ", N("Frequency", "频率", "Периодичность", "Fréquence"),
                         {{"A", N("Annual", "年度", "Ежегодно", "Annuel")}}});
  s.codelists.push_back(
      {"CL_REPORTING_TYPE", N("Reporting type", "报告类型", "Тип отчётности", "Type de rapport"),
       {{"N", N("National", "国家", "Национальные", "National")},
        {"R", N("Regional", "区域", "Региональные", "Régional")},
        {"G", N("Global", "全球", "Глобальные", "Mondial")}}});
  Codelist series{"CL_SERIES",
                  N("SDG 1.3.1 series", "可持续发展目标1.3.1系列", "Ряды показателя ЦУР 1.3.1",
                    "Séries de l'indicateur ODD 1.3.1"),
                  {}};
  for (const Series& ser : SeriesCatalogue()) series.codes.push_back({ser.code, ser.name});
  s.codelists.push_back(std::move(series));

  SPCOOP_ASSIGN_OR_RETURN(std::vector<Economy> economies, store.ListEconomies());
  Codelist area{"CL_AREA",
                N("Reference area (UN M49)", "参考地区（联合国M49）",
                  "Справочная территория (M49 ООН)", "Zone de référence (M49 de l'ONU)"),
                {}};
  std::sort(economies.begin(), economies.end(),
            [](const Economy& a, const Economy& b) { return a.m49 < b.m49; });
  for (const Economy& e : economies) {
    if (e.m49.empty()) continue;
    Names name = e.name;
    if (name[0].empty()) name[0] = e.name_short_en.empty() ? e.iso3 : e.name_short_en;
    area.codes.push_back({e.m49, name});
  }
  s.codelists.push_back(std::move(area));

  s.codelists.push_back({"CL_SEX", N("Sex", "性别", "Пол", "Sexe"),
                         {{"_T", N("Total", "合计", "Всего", "Total")},
                          {"F", N("Female", "女性", "Женщины", "Femmes")},
                          {"M", N("Male", "男性", "Мужчины", "Hommes")}}});

  std::vector<std::string> ages = BaseAges();
  {
    SPCOOP_ASSIGN_OR_RETURN(std::vector<Observation> all, store.QueryObservations({}));
    SPCOOP_ASSIGN_OR_RETURN(std::vector<Target> targets, store.ListTargets({}));
    std::set<std::string> seen(ages.begin(), ages.end());
    for (const Observation& o : all) {
      if (seen.insert(o.key.age).second) ages.push_back(o.key.age);
    }
    for (const Target& t : targets) {
      if (seen.insert(t.key.age).second) ages.push_back(t.key.age);
    }
  }
  Codelist age{"CL_AGE", N("Age group", "年龄组", "Возрастная группа", "Groupe d'âge"), {}};
  for (const std::string& a : ages) age.codes.push_back({a, AgeName(a)});
  s.codelists.push_back(std::move(age));

  s.codelists.push_back(
      {"CL_UNIT_MEASURE", N("Unit of measure", "计量单位", "Единица измерения", "Unité de mesure"),
       {{"PT", N("Percent", "百分比", "Процент", "Pourcentage")}}});
  s.codelists.push_back({"CL_UNIT_MULT",
                         N("Unit multiplier", "单位乘数", "Множитель единицы",
                           "Multiplicateur d'unité"),
                         {{"0", N("Units", "个", "Единицы", "Unités")}}});
  s.codelists.push_back(
      {"CL_OBS_STATUS",
       N("Observation status", "观测状态", "Статус наблюдения", "Statut de l'observation"),
       {{"A", N("Normal value", "正常值", "Обычное значение", "Valeur normale")},
        {"E", N("Estimated value", "估计值", "Оценочное значение", "Valeur estimée")}}});
  s.codelists.push_back({"CL_NATURE",
                         N("Nature of data", "数据性质", "Характер данных", "Nature des données"),
                         NatureCodes()});
  s.codelists.push_back(
      {"CL_TARGET_TYPE",
       N("Target type", "目标类型", "Тип целевого показателя", "Type de cible"),
       {{"BASELINE", N("Baseline", "基线", "Базовый уровень", "Niveau de référence")},
        {"INTERIM", N("Interim target (2025)", "中期目标（2025年）",
                      "Промежуточный целевой показатель (2025 год)", "Cible intermédiaire (2025)")},
        {"TARGET",
         N("Target (2030)", "目标（2030年）", "Целевой показатель (2030 год)", "Cible (2030)")}}});
  return s;
}

// ------------------------------------------------------------------ messages

std::string NowOr(const std::string& prepared) {
  if (!prepared.empty()) return prepared;
  std::string now = NowUtc();
  return now.empty() ? "2000-01-01T00:00:00Z" : now;
}

std::string StructureHeader(std::string_view id, const std::string& prepared) {
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<mes:Structure xmlns:mes=\"{}\" xmlns:str=\"{}\" xmlns:com=\"{}\">"
      "<mes:Header><mes:ID>{}</mes:ID><mes:Test>false</mes:Test><mes:Prepared>{}</mes:Prepared>"
      "<mes:Sender id=\"{}\"/></mes:Header><mes:Structures>",
      kNsMessage, kNsStructure, kNsCommon, id, Esc(NowOr(prepared)), kAgency);
}

void AppendDataflows(std::string& out, const std::vector<const Flow*>& flows) {
  out += "<str:Dataflows>";
  for (const Flow* f : flows) {
    out += fmt::format(
        "<str:Dataflow id=\"{0}\" agencyID=\"{1}\" version=\"{2}\" isFinal=\"true\" "
        "urn=\"urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow={1}:{0}({2})\">",
        f->id, kAgency, kVersion);
    AppendNames(out, f->name);
    out += fmt::format(
        "<str:Structure><Ref id=\"{}\" version=\"{}\" agencyID=\"{}\" package=\"datastructure\" "
        "class=\"DataStructure\"/></str:Structure></str:Dataflow>",
        f->dsd, kVersion, kAgency);
  }
  out += "</str:Dataflows>";
}

// The codelists named in `only` (all of them when it is empty).
void AppendCodelists(std::string& out, const Structures& s, const std::set<std::string>& only) {
  out += "<str:Codelists>";
  for (const Codelist& cl : s.codelists) {
    if (!only.empty() && !only.contains(cl.id)) continue;
    out += fmt::format(
        "<str:Codelist id=\"{0}\" agencyID=\"{1}\" version=\"{2}\" isFinal=\"true\" "
        "urn=\"urn:sdmx:org.sdmx.infomodel.codelist.Codelist={1}:{0}({2})\">",
        cl.id, kAgency, kVersion);
    AppendNames(out, cl.name, cl.id);
    for (const Code& c : cl.codes) {
      out += fmt::format(
          "<str:Code id=\"{1}\" urn=\"urn:sdmx:org.sdmx.infomodel.codelist.Code={2}:{0}({3}).{1}\">",
          cl.id, Esc(c.id), kAgency, kVersion);
      AppendNames(out, c.name, c.id);
      out += "</str:Code>";
    }
    out += "</str:Codelist>";
  }
  out += "</str:Codelists>";
}

void AppendConcepts(std::string& out) {
  out += fmt::format(
      "<str:Concepts><str:ConceptScheme id=\"{0}\" agencyID=\"{1}\" version=\"{2}\" "
      "isFinal=\"true\" urn=\"urn:sdmx:org.sdmx.infomodel.conceptscheme.ConceptScheme={1}:{0}({2})"
      "\">",
      kConceptSchemeId, kAgency, kVersion);
  AppendNames(out, N("Social protection concepts", "社会保护概念", "Понятия социальной защиты",
                     "Concepts de la protection sociale"));
  for (const Concept& c : Concepts()) {
    out += fmt::format(
        "<str:Concept id=\"{1}\" urn=\"urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept={2}:{0}"
        "({3}).{1}\">",
        kConceptSchemeId, c.id, kAgency, kVersion);
    AppendNames(out, c.name);
    out += "</str:Concept>";
  }
  out += "</str:ConceptScheme></str:Concepts>";
}

std::string ConceptRef(std::string_view id) {
  return fmt::format(
      "<str:ConceptIdentity><Ref id=\"{}\" maintainableParentID=\"{}\" "
      "maintainableParentVersion=\"{}\" agencyID=\"{}\" package=\"conceptscheme\" "
      "class=\"Concept\"/></str:ConceptIdentity>",
      id, kConceptSchemeId, kVersion, kAgency);
}

std::string Enumeration(std::string_view codelist) {
  return fmt::format(
      "<str:LocalRepresentation><str:Enumeration><Ref id=\"{}\" version=\"{}\" agencyID=\"{}\" "
      "package=\"codelist\" class=\"Codelist\"/></str:Enumeration></str:LocalRepresentation>",
      codelist, kVersion, kAgency);
}

void AppendDsd(std::string& out, const Flow& f) {
  out += fmt::format(
      "<str:DataStructure id=\"{0}\" agencyID=\"{1}\" version=\"{2}\" "
      "isFinal=\"true\" urn=\"urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure={1}:{0}({2})"
      "\">",
      f.dsd, kAgency, kVersion);
  AppendNames(out, f.name);
  out += "<str:DataStructureComponents><str:DimensionList id=\"DimensionDescriptor\">";
  for (int i = 0; i < kKeyDimensions; ++i) {
    out += fmt::format("<str:Dimension id=\"{}\" position=\"{}\">", f.dimensions[i], i + 1);
    out += ConceptRef(f.dimensions[i]);
    out += Enumeration(f.codelists[i]);
    out += "</str:Dimension>";
  }
  out += fmt::format("<str:TimeDimension id=\"TIME_PERIOD\" position=\"{}\">", kKeyDimensions + 1);
  out += ConceptRef("TIME_PERIOD");
  out +=
      "<str:LocalRepresentation><str:TextFormat textType=\"ObservationalTimePeriod\"/>"
      "</str:LocalRepresentation></str:TimeDimension></str:DimensionList>";
  out += "<str:AttributeList id=\"AttributeDescriptor\">";
  auto series_attribute = [&](std::string_view id, std::string_view codelist) {
    out += fmt::format("<str:Attribute id=\"{}\" assignmentStatus=\"Mandatory\">", id);
    out += ConceptRef(id);
    out += Enumeration(codelist);
    out += "<str:AttributeRelationship>";
    for (std::string_view dim : f.dimensions) {
      out += fmt::format("<str:Dimension><Ref id=\"{}\"/></str:Dimension>", dim);
    }
    out += "</str:AttributeRelationship></str:Attribute>";
  };
  series_attribute("UNIT_MEASURE", "CL_UNIT_MEASURE");
  series_attribute("UNIT_MULT", "CL_UNIT_MULT");
  auto obs_attribute = [&](std::string_view id, std::string_view codelist) {
    out += fmt::format("<str:Attribute id=\"{}\" assignmentStatus=\"Conditional\">", id);
    out += ConceptRef(id);
    if (codelist.empty()) {
      out +=
          "<str:LocalRepresentation><str:TextFormat textType=\"String\" maxLength=\"1000\"/>"
          "</str:LocalRepresentation>";
    } else {
      out += Enumeration(codelist);
    }
    out +=
        "<str:AttributeRelationship><str:PrimaryMeasure><Ref id=\"OBS_VALUE\"/>"
        "</str:PrimaryMeasure></str:AttributeRelationship></str:Attribute>";
  };
  for (const auto& [id, codelist] : f.attributes) obs_attribute(id, codelist);
  out += "</str:AttributeList><str:MeasureList id=\"MeasureDescriptor\">";
  out += "<str:PrimaryMeasure id=\"OBS_VALUE\">";
  out += ConceptRef("OBS_VALUE");
  out +=
      "<str:LocalRepresentation><str:TextFormat textType=\"Double\"/></str:LocalRepresentation>"
      "</str:PrimaryMeasure></str:MeasureList></str:DataStructureComponents></str:DataStructure>";
}

// ------------------------------------------------------------------ responses

Response Error(int http_status, int code, std::string_view text) {
  return {http_status, std::string(kXmlType), ErrorMessageXml(code, text)};
}
Response NoResults(std::string_view text) { return Error(404, 100, text); }
Response SyntaxError(std::string_view text) { return Error(400, 140, text); }
Response NotAcceptable(std::string_view text) { return Error(406, 406, text); }
Response NotImplemented(std::string_view text) { return Error(501, 501, text); }
Response StoreError(const Status& s) {
  if (s.code() == StatusCode::kUnavailable) return Error(503, 503, "the database is busy; retry");
  return Error(500, 500, "internal error: " + s.message());
}

std::optional<std::string> QueryParam(const Request& r, std::string_view name) {
  for (const auto& [n, v] : r.query) {
    if (n == name) return v;
  }
  return std::nullopt;
}

// Accept-header entries, media types lower-cased without parameters (except "version").
struct MediaType {
  std::string type;
  std::string version;
};
std::vector<MediaType> ParseAccept(std::string_view accept) {
  std::vector<MediaType> out;
  for (const std::string& part : Split(accept, ',')) {
    std::vector<std::string> pieces = Split(part, ';');
    MediaType m{Lower(Trim(pieces[0])), ""};
    if (m.type.empty()) continue;
    for (size_t i = 1; i < pieces.size(); ++i) {
      std::string_view p = Trim(pieces[i]);
      if (Lower(p).starts_with("version=")) m.version = std::string(p.substr(8));
    }
    out.push_back(std::move(m));
  }
  return out;
}

bool IsGenericXml(std::string_view t) {
  return t == "application/xml" || t == "text/xml" || t == "*/*" || t == "application/*" ||
         t == "text/*";
}

bool AcceptsStructure(std::string_view accept) {
  std::vector<MediaType> types = ParseAccept(accept);
  if (types.empty()) return true;
  for (const MediaType& m : types) {
    if (IsGenericXml(m.type)) return true;
    if (m.type == "application/vnd.sdmx.structure+xml" &&
        (m.version.empty() || m.version == "2.1")) {
      return true;
    }
  }
  return false;
}

enum class DataFormat { kGeneric, kStructureSpecific, kCsv, kJson };

std::optional<DataFormat> PickDataFormat(const Request& r) {
  if (auto f = QueryParam(r, "format")) {
    std::string v = Lower(*f);
    if (v == "genericdata" || v == "generic") return DataFormat::kGeneric;
    if (v == "structurespecificdata" || v == "structurespecific") {
      return DataFormat::kStructureSpecific;
    }
    if (v == "csv" || v == "sdmx-csv" || v == "csvfile") return DataFormat::kCsv;
    if (v == "jsondata" || v == "sdmx-json" || v == "json") return DataFormat::kJson;
    return std::nullopt;
  }
  std::vector<MediaType> types = ParseAccept(r.accept);
  if (types.empty()) return DataFormat::kGeneric;
  for (const MediaType& m : types) {
    if (IsGenericXml(m.type)) return DataFormat::kGeneric;
    if (m.type == "application/vnd.sdmx.genericdata+xml" &&
        (m.version.empty() || m.version == "2.1")) {
      return DataFormat::kGeneric;
    }
    if (m.type == "application/vnd.sdmx.structurespecificdata+xml" &&
        (m.version.empty() || m.version == "2.1")) {
      return DataFormat::kStructureSpecific;
    }
    if ((m.type == "application/vnd.sdmx.data+csv" &&
         (m.version.empty() || m.version.starts_with("1.0"))) ||
        m.type == "text/csv") {
      return DataFormat::kCsv;
    }
    if ((m.type == "application/vnd.sdmx.data+json" &&
         (m.version.empty() || m.version.starts_with("1.0"))) ||
        m.type == "application/json") {
      return DataFormat::kJson;
    }
  }
  return std::nullopt;
}

// ------------------------------------------------------------------ structure routes

bool AgencyMatches(std::string_view a) { return a == "all" || a == kAgency || a == "ALL"; }
bool VersionMatches(std::string_view v) {
  return v == "latest" || v == "all" || v == kVersion || v == "+" || v == "~";
}

Response HandleStructure(Store& store, const Request& r, const std::vector<std::string>& seg) {
  const std::string& resource = seg[0];
  if (seg.size() > 5) return SyntaxError("too many path segments in a structure query");
  std::string agency = seg.size() > 1 ? seg[1] : "all";
  std::string id = seg.size() > 2 ? seg[2] : "all";
  std::string version = seg.size() > 3 ? seg[3] : "latest";
  if (!AcceptsStructure(r.accept)) {
    return NotAcceptable(fmt::format("cannot answer with any of '{}'; use {}", r.accept,
                                     kStructureType));
  }
  std::string references = Lower(QueryParam(r, "references").value_or("none"));
  static const std::set<std::string> kRefs = {"none",     "parents", "parentsandsiblings",
                                              "children", "descendants", "all"};
  if (!kRefs.contains(references) && references != "codelist" &&
      references != "conceptscheme" && references != "datastructure" &&
      references != "dataflow") {
    return SyntaxError(fmt::format("references={} is not a valid value", references));
  }
  if (!AgencyMatches(agency) || !VersionMatches(version)) {
    return NoResults(fmt::format("no {} {}/{}/{}", resource, agency, id, version));
  }

  bool flows = false, dsd = false, codelists = false, concepts = false;
  // The flows whose dataflow or data structure is asked for (or referenced), and the codelists.
  std::vector<const Flow*> selected;
  std::set<std::string> only_codelists;
  const bool children = references == "children" || references == "descendants" ||
                        references == "all";
  if (resource == "dataflow" || resource == "datastructure") {
    for (const Flow* f : Flows()) {
      if (id == "all" || id == (resource == "dataflow" ? f->id : f->dsd)) selected.push_back(f);
    }
    if (selected.empty()) {
      return NoResults(fmt::format(
          "no {} {}; this service has {}", resource, id,
          resource == "dataflow" ? "DF_SP_COV and DF_SP_TGT" : "DSD_SP_COV and DSD_SP_TGT"));
    }
  }
  if (resource == "dataflow") {
    flows = true;
    dsd = children || references == "datastructure";
    codelists = references == "descendants" || references == "all" || references == "codelist";
    concepts =
        references == "descendants" || references == "all" || references == "conceptscheme";
  } else if (resource == "datastructure") {
    dsd = true;
    codelists = children || references == "codelist";
    concepts = children || references == "conceptscheme";
    flows = references == "parents" || references == "parentsandsiblings" ||
            references == "all" || references == "dataflow";
  } else if (resource == "codelist") {
    codelists = true;
    if (id != "all") only_codelists.insert(id);
  } else if (resource == "conceptscheme") {
    if (id != "all" && id != kConceptSchemeId) return NoResults("no concept scheme " + id);
    concepts = true;
  }
  // Referenced codelists are those of the selected data structures.
  for (const Flow* f : selected) {
    for (const std::string& cl : CodelistsOf(*f)) only_codelists.insert(cl);
  }

  auto structures = BuildStructures(store);
  if (!structures) return StoreError(structures.error());
  if (resource == "codelist" && id != "all") {
    bool found = std::any_of(structures->codelists.begin(), structures->codelists.end(),
                             [&](const Codelist& c) { return c.id == id; });
    if (!found) return NoResults("no codelist " + id);
  }
  std::string out = StructureHeader("STR_" + std::string(kAgency), r.prepared);
  // The order of StructuresType: Dataflows, Codelists, Concepts, DataStructures.
  if (flows) AppendDataflows(out, selected);
  if (codelists) AppendCodelists(out, *structures, only_codelists);
  if (concepts) AppendConcepts(out);
  if (dsd) {
    out += "<str:DataStructures>";
    for (const Flow* f : selected) AppendDsd(out, *f);
    out += "</str:DataStructures>";
  }
  out += "</mes:Structures></mes:Structure>\n";
  return {200, std::string(kStructureType), std::move(out)};
}

// ------------------------------------------------------------------ data messages

std::string UnitCode(std::string_view unit) {
  if (unit == "PERCENT" || unit.empty()) return "PT";
  return std::string(unit);
}

std::string ObsStatus(std::string_view nature) {
  return nature == "E" || nature == "M" ? "E" : "A";
}

struct ObsAttr {
  std::string_view id;
  std::string value;
};

// The observation attributes of the flow that `o` has a value for, in the flow's order.
std::vector<ObsAttr> ObsAttributes(const Flow& f, const Observation& o) {
  std::vector<ObsAttr> out;
  for (const auto& [id, codelist] : f.attributes) {
    if (id == "OBS_STATUS") {
      out.push_back({id, ObsStatus(o.attributes.nature)});
    } else if (id == "NATURE" && IsNatureCode(o.attributes.nature)) {
      out.push_back({id, o.attributes.nature});
    } else if (id == "SOURCE_DETAIL" && !o.attributes.source.empty()) {
      out.push_back({id, o.attributes.source.substr(0, 1000)});
    }
  }
  return out;
}

std::string DataHeader(const Flow& f, std::string_view root, std::string_view extra_ns, bool flat,
                       bool structure_specific, const std::string& prepared) {
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<message:{} xmlns:message=\"{}\" "
      "xmlns:common=\"{}\" {}>"
      "<message:Header><message:ID>DATA_{}</message:ID><message:Test>false</message:Test>"
      "<message:Prepared>{}</message:Prepared><message:Sender id=\"{}\"/>",
      root, kNsMessage, kNsCommon, extra_ns, f.id, Esc(NowOr(prepared)), kAgency);
  out += fmt::format("<message:Structure structureID=\"{}\" dimensionAtObservation=\"{}\"", f.dsd,
                     flat ? "AllDimensions" : "TIME_PERIOD");
  if (structure_specific) out += fmt::format(" namespace=\"{}\"", SsNamespace(f, flat));
  out += fmt::format(
      "><common:Structure><Ref agencyID=\"{}\" id=\"{}\" version=\"{}\"/></common:Structure>"
      "</message:Structure></message:Header>",
      kAgency, f.dsd, kVersion);
  return out;
}

// Called by the writers below before each series when streaming: returns false to stop (the
// client has gone). It sends `out` once it holds kStreamChunk bytes or more, and clears it.
using Flush = std::function<bool(std::string& out)>;
constexpr size_t kStreamChunk = 64 * 1024;

// Called by the writers below when streaming, after each batch of series: refills `rows` with
// the next batch and returns true, or returns false when there is none (or the store failed).
using NextBatch = std::function<bool(std::vector<SeriesData>& rows)>;

// The text that closes each SDMX-ML data message; a streamed message whose store failed ends
// without it (StreamData).
constexpr std::string_view kGenericDataEnd = "</message:DataSet></message:GenericData>\n";
constexpr std::string_view kStructureSpecificDataEnd =
    "</message:DataSet></message:StructureSpecificData>\n";

// Sends `out` through `flush` when it has grown past kStreamChunk. False when sending failed.
bool MaybeFlush(std::string& out, const Flush* flush) {
  if (flush == nullptr || out.size() < kStreamChunk) return true;
  if (!(*flush)(out)) return false;
  out.clear();
  return true;
}

std::string GenericData(const Flow& f, const std::vector<SeriesData>& data, const DataOptions& opt,
                        const std::string& prepared, const Flush* flush = nullptr,
                        const NextBatch* next = nullptr) {
  using D = DataOptions::Detail;
  const bool attrs = opt.detail == D::kFull || opt.detail == D::kNoData;
  const bool obs_attrs = opt.detail == D::kFull;
  const bool with_obs = opt.detail == D::kFull || opt.detail == D::kDataOnly;
  std::string out = DataHeader(f, "GenericData", fmt::format("xmlns:generic=\"{}\"", kNsGeneric),
                               opt.flat, false, prepared);
  out += fmt::format("<message:DataSet structureRef=\"{}\" action=\"Information\">", f.dsd);
  auto series_attrs = [&](const Observation* o) {
    out += fmt::format(
        "<generic:Value id=\"UNIT_MEASURE\" value=\"{}\"/><generic:Value id=\"UNIT_MULT\" "
        "value=\"0\"/>",
        Esc(UnitCode(o ? o->attributes.unit : "")));
  };
  std::vector<SeriesData> more;
  for (const std::vector<SeriesData>* batch = &data; batch != nullptr;
       batch = next != nullptr && (*next)(more) ? &more : nullptr) {
  for (const SeriesData& s : *batch) {
    if (!MaybeFlush(out, flush)) return out;
    if (opt.flat) {
      for (const Observation& o : s.observations) {
        out += "<generic:Obs><generic:ObsKey>";
        for (int i = 0; i < kKeyDimensions; ++i) {
          out += fmt::format("<generic:Value id=\"{}\" value=\"{}\"/>", f.dimensions[i],
                             Esc(s.key[i]));
        }
        out += fmt::format("<generic:Value id=\"TIME_PERIOD\" value=\"{}\"/></generic:ObsKey>",
                           o.key.year);
        out += fmt::format("<generic:ObsValue value=\"{}\"/>", FormatValue(o.value));
        if (obs_attrs) {
          out += "<generic:Attributes>";
          series_attrs(&o);
          for (const ObsAttr& a : ObsAttributes(f, o)) {
            out += fmt::format("<generic:Value id=\"{}\" value=\"{}\"/>", a.id, Esc(a.value));
          }
          out += "</generic:Attributes>";
        }
        out += "</generic:Obs>";
      }
      continue;
    }
    out += "<generic:Series><generic:SeriesKey>";
    for (int i = 0; i < kKeyDimensions; ++i) {
      out += fmt::format("<generic:Value id=\"{}\" value=\"{}\"/>", f.dimensions[i], Esc(s.key[i]));
    }
    out += "</generic:SeriesKey>";
    if (attrs) {
      out += "<generic:Attributes>";
      series_attrs(s.observations.empty() ? nullptr : &s.observations.front());
      out += "</generic:Attributes>";
    }
    if (with_obs) {
      for (const Observation& o : s.observations) {
        out += fmt::format(
            "<generic:Obs><generic:ObsDimension value=\"{}\"/><generic:ObsValue value=\"{}\"/>",
            o.key.year, FormatValue(o.value));
        if (obs_attrs) {
          out += "<generic:Attributes>";
          for (const ObsAttr& a : ObsAttributes(f, o)) {
            out += fmt::format("<generic:Value id=\"{}\" value=\"{}\"/>", a.id, Esc(a.value));
          }
          out += "</generic:Attributes>";
        }
        out += "</generic:Obs>";
      }
    }
    out += "</generic:Series>";
  }
  }  // batches
  out += kGenericDataEnd;
  return out;
}

std::string StructureSpecificData(const Flow& f, const std::vector<SeriesData>& data,
                                  const DataOptions& opt, const std::string& prepared,
                                  const Flush* flush = nullptr, const NextBatch* next = nullptr) {
  using D = DataOptions::Detail;
  const bool attrs = opt.detail == D::kFull || opt.detail == D::kNoData;
  const bool obs_attrs = opt.detail == D::kFull;
  const bool with_obs = opt.detail == D::kFull || opt.detail == D::kDataOnly;
  std::string out =
      DataHeader(f, "StructureSpecificData",
                 fmt::format("xmlns:ss=\"{}\" xmlns:ns1=\"{}\" "
                             "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
                             kNsStructureSpecific, SsNamespace(f, opt.flat)),
                 opt.flat, true, prepared);
  out += fmt::format(
      "<message:DataSet ss:structureRef=\"{}\" ss:dataScope=\"DataStructure\" "
      "ss:action=\"Information\" xsi:type=\"ns1:DataSetType\">",
      f.dsd);
  std::vector<SeriesData> more;
  for (const std::vector<SeriesData>* batch = &data; batch != nullptr;
       batch = next != nullptr && (*next)(more) ? &more : nullptr) {
  for (const SeriesData& s : *batch) {
    if (!MaybeFlush(out, flush)) return out;
    if (opt.flat) {  // every dimension and attribute on each <Obs>
      for (const Observation& o : s.observations) {
        out += "<Obs";
        for (int i = 0; i < kKeyDimensions; ++i) {
          out += fmt::format(" {}=\"{}\"", f.dimensions[i], Esc(s.key[i]));
        }
        out += fmt::format(" TIME_PERIOD=\"{}\" OBS_VALUE=\"{}\"", o.key.year,
                           FormatValue(o.value));
        if (obs_attrs) {
          out += fmt::format(" UNIT_MEASURE=\"{}\" UNIT_MULT=\"0\"",
                             Esc(UnitCode(o.attributes.unit)));
          for (const ObsAttr& a : ObsAttributes(f, o)) {
            out += fmt::format(" {}=\"{}\"", a.id, Esc(a.value));
          }
        }
        out += "/>";
      }
      continue;
    }
    out += "<Series";
    for (int i = 0; i < kKeyDimensions; ++i) {
      out += fmt::format(" {}=\"{}\"", f.dimensions[i], Esc(s.key[i]));
    }
    if (attrs) {
      out += fmt::format(
          " UNIT_MEASURE=\"{}\" UNIT_MULT=\"0\"",
          Esc(UnitCode(s.observations.empty() ? "" : s.observations.front().attributes.unit)));
    }
    if (!with_obs) {
      out += "/>";
      continue;
    }
    out += ">";
    for (const Observation& o : s.observations) {
      out += fmt::format("<Obs TIME_PERIOD=\"{}\" OBS_VALUE=\"{}\"", o.key.year,
                         FormatValue(o.value));
      if (obs_attrs) {
        for (const ObsAttr& a : ObsAttributes(f, o)) {
          out += fmt::format(" {}=\"{}\"", a.id, Esc(a.value));
        }
      }
      out += "/>";
    }
    out += "</Series>";
  }
  }  // batches
  out += kStructureSpecificDataEnd;
  return out;
}

std::string CsvField(std::string_view v) {
  if (v.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Csv(const Flow& f, const std::vector<SeriesData>& data, const DataOptions& opt,
                const Flush* flush = nullptr, const NextBatch* next = nullptr) {
  const bool attrs = opt.detail == DataOptions::Detail::kFull;
  std::string out = "DATAFLOW";
  for (std::string_view d : f.dimensions) out += fmt::format(",{}", d);
  out += ",TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,UNIT_MULT";
  for (const auto& [id, codelist] : f.attributes) out += fmt::format(",{}", id);
  out += "\n";
  const std::string flow = fmt::format("{}:{}({})", kAgency, f.id, kVersion);
  std::vector<SeriesData> more;
  for (const std::vector<SeriesData>* batch = &data; batch != nullptr;
       batch = next != nullptr && (*next)(more) ? &more : nullptr) {
  for (const SeriesData& s : *batch) {
    if (!MaybeFlush(out, flush)) return out;
    for (const Observation& o : s.observations) {
      out += flow;
      for (const std::string& k : s.key) {
        out += ',';
        out += CsvField(k);
      }
      out += fmt::format(",{},{}", o.key.year, FormatValue(o.value));
      if (attrs) {
        std::map<std::string_view, std::string> a;
        for (const ObsAttr& x : ObsAttributes(f, o)) a[x.id] = x.value;
        out += fmt::format(",{},0", CsvField(UnitCode(o.attributes.unit)));
        for (const auto& [id, codelist] : f.attributes) {
          out += ',';
          out += CsvField(a[id]);
        }
      } else {
        out += ",,";
        out.append(f.attributes.size(), ',');
      }
      out += '\n';
    }
  }
  }  // batches
  return out;
}

// SDMX-JSON 1.0 data message, time-series layout (series keyed by dimension value indexes).
std::string JsonData(const Flow& f, const std::vector<SeriesData>& data, const DataOptions& opt,
                     const Structures& structures, const std::string& prepared) {
  using nlohmann::ordered_json;
  using D = DataOptions::Detail;
  const bool attrs = opt.detail == D::kFull || opt.detail == D::kNoData;
  const bool obs_attrs = opt.detail == D::kFull;
  const bool with_obs = opt.detail == D::kFull || opt.detail == D::kDataOnly;
  auto codelist = [&](std::string_view id) -> const Codelist* {
    for (const Codelist& c : structures.codelists) {
      if (c.id == id) return &c;
    }
    return nullptr;
  };
  auto concept_name = [](std::string_view id) {
    for (const Concept& c : Concepts()) {
      if (c.id == id) return c.name[0];
    }
    return std::string(id);
  };
  auto name_of = [](const Codelist* cl, const std::string& code) {
    if (cl) {
      for (const Code& c : cl->codes) {
        if (c.id == code) return c.name[0].empty() ? code : c.name[0];
      }
    }
    return code;
  };
  // Value indexes per key dimension, in order of first appearance.
  std::array<std::vector<std::string>, kKeyDimensions> values;
  std::vector<std::string> years;
  // The values of each observation attribute, in the flow's order.
  std::vector<std::vector<std::string>> attr_values(f.attributes.size());
  auto index = [](std::vector<std::string>& list, const std::string& v) {
    auto it = std::find(list.begin(), list.end(), v);
    if (it != list.end()) return static_cast<int>(it - list.begin());
    list.push_back(v);
    return static_cast<int>(list.size() - 1);
  };
  std::vector<int> all_years;
  for (const SeriesData& s : data) {
    for (const Observation& o : s.observations) all_years.push_back(o.key.year);
  }
  std::sort(all_years.begin(), all_years.end());
  all_years.erase(std::unique(all_years.begin(), all_years.end()), all_years.end());
  for (int y : all_years) years.push_back(std::to_string(y));

  ordered_json series = ordered_json::object();
  for (const SeriesData& s : data) {
    std::string key;
    for (int i = 0; i < kKeyDimensions; ++i) {
      if (i) key += ':';
      key += std::to_string(index(values[i], s.key[i]));
    }
    ordered_json entry = ordered_json::object();
    if (attrs) entry["attributes"] = ordered_json::array({0, 0});
    if (with_obs) {
      ordered_json observations = ordered_json::object();
      for (const Observation& o : s.observations) {
        ordered_json row = ordered_json::array();
        row.push_back(o.value);
        if (obs_attrs) {
          std::map<std::string_view, std::string> a;
          for (const ObsAttr& x : ObsAttributes(f, o)) a[x.id] = x.value;
          for (size_t i = 0; i < f.attributes.size(); ++i) {
            auto it = a.find(f.attributes[i].first);
            if (it == a.end()) {
              row.push_back(nullptr);
            } else {
              row.push_back(index(attr_values[i], it->second));
            }
          }
        }
        int pos = static_cast<int>(
            std::lower_bound(all_years.begin(), all_years.end(), o.key.year) - all_years.begin());
        observations[std::to_string(pos)] = std::move(row);
      }
      entry["observations"] = std::move(observations);
    }
    series[key] = std::move(entry);
  }

  ordered_json dims_series = ordered_json::array();
  for (int i = 0; i < kKeyDimensions; ++i) {
    const Codelist* cl = codelist(f.codelists[i]);
    ordered_json vals = ordered_json::array();
    for (const std::string& v : values[i]) vals.push_back({{"id", v}, {"name", name_of(cl, v)}});
    dims_series.push_back({{"id", std::string(f.dimensions[i])},
                           {"name", concept_name(f.dimensions[i])},
                           {"keyPosition", i},
                           {"values", std::move(vals)}});
  }
  ordered_json year_values = ordered_json::array();
  for (const std::string& y : years) {
    year_values.push_back({{"id", y}, {"name", y}, {"start", y + "-01-01T00:00:00"},
                           {"end", y + "-12-31T23:59:59"}});
  }
  ordered_json obs_attributes = ordered_json::array();
  auto coded = [&](std::string_view id, std::string_view name, std::string_view cl_id,
                   const std::vector<std::string>& vs) {
    const Codelist* cl = cl_id.empty() ? nullptr : codelist(cl_id);
    ordered_json vals = ordered_json::array();
    for (const std::string& v : vs) {
      if (cl) {
        vals.push_back({{"id", v}, {"name", name_of(cl, v)}});
      } else {
        vals.push_back({{"name", v}});
      }
    }
    return ordered_json{
        {"id", std::string(id)}, {"name", std::string(name)}, {"values", std::move(vals)}};
  };
  for (size_t i = 0; i < f.attributes.size(); ++i) {
    const auto& [id, cl_id] = f.attributes[i];
    obs_attributes.push_back(coded(id, concept_name(id), cl_id, attr_values[i]));
  }
  ordered_json message = {
      {"header",
       {{"id", "DATA_" + std::string(f.id)},
        {"test", false},
        {"prepared", NowOr(prepared)},
        {"sender", {{"id", std::string(kAgency)}}}}},
      {"dataSets",
       ordered_json::array({{{"action", "Information"}, {"series", std::move(series)}}})},
      {"structure",
       {{"name", f.name[0]},
        {"dimensions",
         {{"dataset", ordered_json::array()},
          {"series", std::move(dims_series)},
          {"observation", ordered_json::array({{{"id", "TIME_PERIOD"},
                                                {"name", "Time period"},
                                                {"keyPosition", kKeyDimensions},
                                                {"role", "time"},
                                                {"values", std::move(year_values)}}})}}},
        {"attributes",
         {{"dataset", ordered_json::array()},
          {"series",
           ordered_json::array({coded("UNIT_MEASURE", "Unit of measure", "CL_UNIT_MEASURE", {"PT"}),
                                coded("UNIT_MULT", "Unit multiplier", "CL_UNIT_MULT", {"0"})})},
          {"observation", std::move(obs_attributes)}}}}}};
  return message.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

// ------------------------------------------------------------------ data route

bool Contains(const std::vector<std::string>& allowed, const std::string& v);  // empty = any

// The comment that ends an SDMX-ML message cut short by a store error: readers that stop at the
// missing closing tags, and people who read the text, see why. "--" may not appear in a comment.
std::string IncompleteMarker(const Status& error) {
  std::string why = error.message();
  for (size_t pos; (pos = why.find("--")) != std::string::npos;) why.replace(pos, 2, "- -");
  return fmt::format(
      "\n<!-- SDMX error {}: this message is incomplete: the database failed while it was sent "
      "({}). Query again. -->\n",
      error.code() == StatusCode::kUnavailable ? 503 : 500, Esc(why));
}

// A data message written while it is sent: the query runs in batches of one series code (the
// store's order, so the message is the same as built whole), and only the current batch and
// about 64 KiB of text are held. (Batches of one series and economy held less still, but 744
// queries made the whole 1.3.1 data set 20 times slower to serve.) The store must stay open until
// the stream function has run (the server keeps its connection lease with it). 404 when no batch
// has data. A store error before the first batch with data is an ordinary SDMX error response. One
// after the headers were sent cannot change the status any more: the message then ends without its
// closing tags, SDMX-ML with IncompleteMarker(), and the stream function returns false, so
// the server aborts the chunked body without its last chunk (docs/sdmx.md, "Streaming").
Response StreamData(Store& store, const Request& r, const KeyFilter& key, const DataOptions& opt,
                    DataFormat f) {
  std::vector<std::string> series;
  for (const Series& s : SeriesCatalogue()) {
    if (Contains(key.values[2], s.code)) series.push_back(s.code);
  }
  std::sort(series.begin(), series.end());  // the store orders series by code
  auto batches = std::make_shared<std::vector<KeyFilter>>();
  for (const std::string& code : series) {
    KeyFilter k = key;
    k.values[2] = {code};
    batches->push_back(std::move(k));
  }
  // The first batch with data is read now: it decides between 200 and 404.
  auto first = std::make_shared<std::vector<SeriesData>>();
  size_t next = 0;
  while (next < batches->size() && first->empty()) {
    auto rows = QueryData(store, (*batches)[next++], opt);
    if (!rows) return StoreError(rows.error());
    *first = std::move(*rows);
  }
  if (first->empty()) return NoResults("No Results Found");
  Response out;
  out.content_type = f == DataFormat::kGeneric              ? std::string(kGenericDataType)
                     : f == DataFormat::kStructureSpecific ? std::string(kStructureSpecificDataType)
                                                           : std::string(kCsvType) + "; charset=utf-8";
  out.stream = [store = &store, batches, first, next, opt, f,
                prepared = r.prepared](const ChunkSink& sink) mutable {
    bool ok = true;
    std::optional<Status> failure;
    Flush flush = [&](std::string& piece) { return ok = sink(piece); };
    NextBatch more = [&](std::vector<SeriesData>& rows) {
      rows.clear();
      while (ok && rows.empty() && next < batches->size()) {
        auto batch = QueryData(*store, (*batches)[next++], opt);
        if (!batch) {  // a store error mid-message: end it as incomplete
          failure = batch.error();
          return false;
        }
        rows = std::move(*batch);
      }
      return !rows.empty();
    };
    std::string rest =
        f == DataFormat::kGeneric
            ? GenericData(CoverageFlow(), *first, opt, prepared, &flush, &more)
        : f == DataFormat::kStructureSpecific
            ? StructureSpecificData(CoverageFlow(), *first, opt, prepared, &flush, &more)
            : Csv(CoverageFlow(), *first, opt, &flush, &more);
    first->clear();
    if (!ok) return false;
    if (!failure) return sink(rest);
    // The writer closed the message after the last good series: take the closing text off again.
    std::string_view end = f == DataFormat::kGeneric             ? kGenericDataEnd
                           : f == DataFormat::kStructureSpecific ? kStructureSpecificDataEnd
                                                                 : std::string_view();
    if (rest.ends_with(end)) rest.resize(rest.size() - end.size());
    if (f != DataFormat::kCsv) rest += IncompleteMarker(*failure);
    sink(rest);
    return false;
  };
  return out;
}

Response HandleData(Store& store, const Request& r, const std::vector<std::string>& seg) {
  if (seg.size() < 2 || seg[1].empty()) {
    return SyntaxError("a data query needs a flow: /data/{flowRef}/{key}/{providerRef}");
  }
  if (seg.size() > 4) return SyntaxError("too many path segments in a data query");
  // flowRef: FLOW | AGENCY,FLOW | AGENCY,FLOW,VERSION
  std::vector<std::string> flow = Split(seg[1], ',');
  if (flow.size() > 3) return SyntaxError("the flow reference '" + seg[1] + "' is malformed");
  std::string agency = flow.size() >= 2 ? flow[0] : "all";
  std::string flow_id = flow.size() >= 2 ? flow[1] : flow[0];
  std::string version = flow.size() == 3 ? flow[2] : "latest";
  const Flow* f = nullptr;
  for (const Flow* candidate : Flows()) {
    if (candidate->id == flow_id) f = candidate;
  }
  if (!AgencyMatches(agency) || f == nullptr || !VersionMatches(version)) {
    return NoResults("no dataflow " + seg[1] +
                     "; this service has SPP,DF_SP_COV,1.0 and SPP,DF_SP_TGT,1.0");
  }
  const bool targets = f == &TargetsFlow();
  auto key = ParseKey(seg.size() > 2 ? seg[2] : "all", f->dimensions);
  if (!key) return SyntaxError(key.error().message());
  if (seg.size() > 3 && seg[3] != "all" && seg[3] != "ALL" && !seg[3].empty()) {
    // One provider, the platform itself: any provider reference other than its own finds nothing.
    std::vector<std::string> p = Split(seg[3], ',');
    std::string pid = p.back();
    if (pid != kAgency) return NoResults("no data provider " + seg[3]);
  }

  DataOptions opt;
  static const std::set<std::string> kKnown = {
      "startPeriod", "endPeriod", "firstNObservations", "lastNObservations",
      "dimensionAtObservation", "detail", "format", "updatedAfter", "includeHistory"};
  for (const auto& [name, value] : r.query) {
    if (name == "startPeriod" || name == "endPeriod") {
      auto y = ParsePeriodYear(value);
      if (!y) return SyntaxError(fmt::format("{}={} is not a period like 2019", name, value));
      (name == "startPeriod" ? opt.start_year : opt.end_year) = *y;
    } else if (name == "firstNObservations" || name == "lastNObservations") {
      auto n = ParseInt(value);
      if (!n || *n < 1) {
        return SyntaxError(fmt::format("{}={} is not a positive integer", name, value));
      }
      (name == "firstNObservations" ? opt.first_n : opt.last_n) = *n;
    } else if (name == "dimensionAtObservation") {
      if (value == "AllDimensions") {
        opt.flat = true;
      } else if (value != "TIME_PERIOD") {
        return NotImplemented(fmt::format(
            "dimensionAtObservation={} is not supported; use TIME_PERIOD or AllDimensions",
            value));
      }
    } else if (name == "detail") {
      std::string d = Lower(value);
      if (d == "full") opt.detail = DataOptions::Detail::kFull;
      else if (d == "dataonly") opt.detail = DataOptions::Detail::kDataOnly;
      else if (d == "serieskeysonly") opt.detail = DataOptions::Detail::kSeriesKeysOnly;
      else if (d == "nodata") opt.detail = DataOptions::Detail::kNoData;
      else return SyntaxError("detail=" + value + " is not full, dataonly, serieskeysonly or nodata");
    } else if (name == "updatedAfter" || name == "includeHistory") {
      return NotImplemented(name + " is not supported yet");
    }
  }
  if (opt.start_year && opt.end_year && *opt.start_year > *opt.end_year) {
    return SyntaxError("startPeriod is after endPeriod");
  }
  auto format = PickDataFormat(r);
  if (!format) {
    return NotAcceptable(fmt::format(
        "cannot answer with '{}'; use {}, {}, {} or {}",
        QueryParam(r, "format").value_or(r.accept), kGenericDataType,
        kStructureSpecificDataType, kCsvType, kJsonType));
  }
  const bool series_only = opt.detail == DataOptions::Detail::kSeriesKeysOnly ||
                           opt.detail == DataOptions::Detail::kNoData;
  if (opt.flat && *format == DataFormat::kJson) {
    return NotImplemented("SDMX-JSON is served in the time-series layout only");
  }
  if (series_only && (opt.flat || *format == DataFormat::kCsv)) {
    return NotImplemented("detail=" + Lower(*QueryParam(r, "detail")) +
                          " needs the time-series layout of SDMX-ML");
  }

  // The targets are few (three values per economy, series, sex and age): built whole.
  if (r.stream && *format != DataFormat::kJson && !targets) {
    return StreamData(store, r, *key, opt, *format);
  }
  auto data = targets ? QueryTargets(store, *key, opt) : QueryData(store, *key, opt);
  if (!data) return StoreError(data.error());
  if (data->empty()) return NoResults("No Results Found");
  switch (*format) {
    case DataFormat::kGeneric:
      return {200, std::string(kGenericDataType), GenericData(*f, *data, opt, r.prepared)};
    case DataFormat::kStructureSpecific:
      return {200, std::string(kStructureSpecificDataType),
              StructureSpecificData(*f, *data, opt, r.prepared)};
    case DataFormat::kCsv:
      return {200, std::string(kCsvType) + "; charset=utf-8", Csv(*f, *data, opt)};
    case DataFormat::kJson: {
      auto structures = BuildStructures(store);
      if (!structures) return StoreError(structures.error());
      return {200, std::string(kJsonType) + "; charset=utf-8",
              JsonData(*f, *data, opt, *structures, r.prepared)};
    }
  }
  return Error(500, 500, "unknown format");
}

bool Contains(const std::vector<std::string>& allowed, const std::string& v) {
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

// Orders each series' observations by year and keeps the first and last N asked for.
void KeepFirstAndLast(std::vector<SeriesData>& data, const DataOptions& options) {
  for (SeriesData& s : data) {
    std::sort(s.observations.begin(), s.observations.end(),
              [](const Observation& a, const Observation& b) { return a.key.year < b.key.year; });
    if (!options.first_n && !options.last_n) continue;
    const size_t n = s.observations.size();
    std::vector<Observation> kept;
    for (size_t i = 0; i < n; ++i) {
      bool first = options.first_n && i < static_cast<size_t>(*options.first_n);
      bool last = options.last_n && i + static_cast<size_t>(*options.last_n) >= n;
      if (first || last) kept.push_back(std::move(s.observations[i]));
    }
    s.observations = std::move(kept);
  }
}

}  // namespace

// ------------------------------------------------------------------ public functions

std::string ErrorMessageXml(int code, std::string_view text) {
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<message:Error xmlns:message=\"{}\" "
      "xmlns:common=\"{}\"><message:ErrorMessage code=\"{}\"><common:Text xml:lang=\"en\">{}"
      "</common:Text></message:ErrorMessage></message:Error>\n",
      kNsMessage, kNsCommon, code, Esc(text));
}

Result<KeyFilter> ParseKey(std::string_view key,
                           const std::array<std::string_view, kKeyDimensions>& dimensions) {
  KeyFilter f;
  if (key.empty() || key == "all" || key == "ALL") return f;
  std::vector<std::string> parts = Split(key, '.');
  if (parts.size() != kKeyDimensions) {
    return Err(Status::InvalidArgument(fmt::format(
        "the key '{}' has {} parts; this dataflow has {} dimensions ({}.{}.{}.{}.{}.{})", key,
        parts.size(), kKeyDimensions, dimensions[0], dimensions[1], dimensions[2], dimensions[3],
        dimensions[4], dimensions[5])));
  }
  for (int i = 0; i < kKeyDimensions; ++i) {
    if (parts[i].empty()) continue;
    for (const std::string& code : Split(parts[i], '+')) {
      if (code.empty() || !std::all_of(code.begin(), code.end(), IsIdChar)) {
        return Err(Status::InvalidArgument(
            fmt::format("'{}' is not a valid code for {}", code, dimensions[i])));
      }
      f.values[i].push_back(code);
    }
  }
  return f;
}

std::optional<int> ParsePeriodYear(std::string_view period) {
  if (period.size() < 4) return std::nullopt;
  auto year = ParseInt(period.substr(0, 4));
  if (!year || *year < 0) return std::nullopt;
  std::string_view rest = period.substr(4);
  if (rest.empty()) return year;
  if (rest.front() != '-' || rest.size() < 2) return std::nullopt;
  rest.remove_prefix(1);
  if (!std::all_of(rest.begin(), rest.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
      })) {
    return std::nullopt;
  }
  return year;
}

Result<std::vector<SeriesData>> QueryData(Store& store, const KeyFilter& key,
                                          const DataOptions& options) {
  std::vector<SeriesData> out;
  const auto& v = key.values;
  if (!Contains(v[0], "A")) return out;

  ObservationFilter filter;
  filter.quantile = "_T";
  filter.year_from = options.start_year;
  filter.year_to = options.end_year;
  for (const std::string& s : v[2]) {
    if (FindSeries(s)) filter.series.push_back(s);
  }
  if (!v[2].empty() && filter.series.empty()) return out;

  SPCOOP_ASSIGN_OR_RETURN(std::vector<Economy> economies, store.ListEconomies());
  std::map<std::string, std::string> iso3_to_m49, m49_to_iso3;
  for (const Economy& e : economies) {
    if (e.m49.empty()) continue;
    iso3_to_m49[e.iso3] = e.m49;
    m49_to_iso3[e.m49] = e.iso3;
  }
  for (const std::string& m49 : v[3]) {
    auto it = m49_to_iso3.find(m49);
    if (it != m49_to_iso3.end()) filter.economies.push_back(it->second);
  }
  if (!v[3].empty() && filter.economies.empty()) return out;
  if (v[4].size() == 1) filter.sex = v[4][0];
  if (v[5].size() == 1) filter.age = v[5][0];

  SPCOOP_ASSIGN_OR_RETURN(std::vector<Observation> rows, store.QueryObservations(filter));
  // The store orders rows by key and year; the years of one key may mix reporting types (a
  // national value beside global ones), each type its own series: the series of the current
  // store key by type.
  std::map<std::string, size_t> series_of_type;
  ObservationKey current;
  for (Observation& o : rows) {
    if (!Contains(v[1], o.attributes.reporting_type) || !Contains(v[4], o.key.sex) ||
        !Contains(v[5], o.key.age)) {
      continue;
    }
    auto m49 = iso3_to_m49.find(o.key.economy);
    if (m49 == iso3_to_m49.end()) continue;
    if (current.series != o.key.series || current.economy != o.key.economy ||
        current.sex != o.key.sex || current.age != o.key.age) {
      series_of_type.clear();
      current = o.key;
    }
    auto [it, added] = series_of_type.try_emplace(o.attributes.reporting_type, out.size());
    if (added) {
      out.push_back(
          {{"A", o.attributes.reporting_type, o.key.series, m49->second, o.key.sex, o.key.age},
           {}});
    }
    out[it->second].observations.push_back(std::move(o));
  }
  KeepFirstAndLast(out, options);
  return out;
}

Result<std::vector<SeriesData>> QueryTargets(Store& store, const KeyFilter& key,
                                             const DataOptions& options) {
  std::vector<SeriesData> out;
  const auto& v = key.values;  // FREQ, SERIES, REF_AREA, SEX, AGE, TARGET_TYPE
  if (!Contains(v[0], "A")) return out;
  TargetFilter filter;
  for (const std::string& s : v[1]) {
    if (FindSeries(s)) filter.series.push_back(s);
  }
  if (!v[1].empty() && filter.series.empty()) return out;
  SPCOOP_ASSIGN_OR_RETURN(std::vector<Economy> economies, store.ListEconomies());
  std::map<std::string, std::string> iso3_to_m49;
  for (const Economy& e : economies) {
    if (e.m49.empty()) continue;
    iso3_to_m49[e.iso3] = e.m49;
    if (!v[2].empty() && Contains(v[2], e.m49)) filter.economies.push_back(e.iso3);
  }
  if (!v[2].empty() && filter.economies.empty()) return out;

  SPCOOP_ASSIGN_OR_RETURN(std::vector<Target> targets, store.ListTargets(filter));
  auto in_period = [&](int year) {
    return (!options.start_year || year >= *options.start_year) &&
           (!options.end_year || year <= *options.end_year);
  };
  for (const Target& t : targets) {
    auto m49 = iso3_to_m49.find(t.key.economy);
    if (m49 == iso3_to_m49.end() || !Contains(v[3], t.key.sex) || !Contains(v[4], t.key.age)) {
      continue;
    }
    auto add = [&](std::string_view type, int year, std::optional<double> value) {
      if (!value || !Contains(v[5], std::string(type)) || !in_period(year)) return;
      Observation o;
      o.key = {t.key.series, t.key.economy, t.key.sex, t.key.age, "_T", year};
      o.value = *value;
      o.attributes.source = t.provenance.reason;
      o.revision = t.revision;
      out.push_back({{"A", t.key.series, m49->second, t.key.sex, t.key.age, std::string(type)},
                     {std::move(o)}});
    };
    add("BASELINE", t.baseline_year, t.baseline_value);
    add("INTERIM", 2025, t.interim_2025);
    add("TARGET", 2030, t.target_2030);
  }
  std::sort(out.begin(), out.end(),
            [](const SeriesData& a, const SeriesData& b) { return a.key < b.key; });
  KeepFirstAndLast(out, options);
  return out;
}

Result<std::string> StructureSpecificSchema(Store& store, std::string_view schema_dir, bool flat,
                                            std::string_view dsd) {
  const Flow* found = nullptr;
  for (const Flow* f : Flows()) {
    if (f->dsd == dsd) found = f;
  }
  if (found == nullptr) return Err(Status::NotFound(fmt::format("no data structure {}", dsd)));
  const Flow& f = *found;
  // The observation attributes as XML attributes of <Obs>.
  std::string obs_attributes;
  for (const auto& [id, codelist] : f.attributes) {
    obs_attributes += fmt::format("<xs:attribute name=\"{}\" type=\"{}\" use=\"optional\"/>", id,
                                  codelist.empty() ? "xs:string" : codelist);
  }
  SPCOOP_ASSIGN_OR_RETURN(Structures s, BuildStructures(store));
  std::string dir(schema_dir);
  if (!dir.empty() && dir.back() != '/') dir += '/';
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns=\"{0}\" "
      "xmlns:common=\"{1}\" xmlns:dsd=\"{2}\" targetNamespace=\"{0}\" "
      "elementFormDefault=\"unqualified\" attributeFormDefault=\"unqualified\">"
      "<xs:import namespace=\"{1}\" schemaLocation=\"{3}SDMXCommon.xsd\"/>"
      "<xs:import namespace=\"{2}\" schemaLocation=\"{3}SDMXDataStructureSpecific.xsd\"/>",
      SsNamespace(f, flat), kNsCommon, kNsStructureSpecific, Esc(dir));
  for (const Codelist& cl : s.codelists) {
    out += fmt::format("<xs:simpleType name=\"{}\"><xs:restriction base=\"xs:string\">", cl.id);
    for (const Code& c : cl.codes) {
      out += fmt::format("<xs:enumeration value=\"{}\"/>", Esc(c.id));
    }
    out += "</xs:restriction></xs:simpleType>";
  }
  if (flat) {
    out +=
        "<xs:complexType name=\"DataSetType\"><xs:complexContent><xs:restriction "
        "base=\"dsd:DataSetType\"><xs:sequence><xs:element ref=\"common:Annotations\" "
        "minOccurs=\"0\"/><xs:element name=\"DataProvider\" "
        "type=\"common:DataProviderReferenceType\" form=\"unqualified\" minOccurs=\"0\"/>"
        "<xs:element name=\"Obs\" type=\"ObsType\" form=\"unqualified\" minOccurs=\"0\" "
        "maxOccurs=\"unbounded\"/></xs:sequence></xs:restriction></xs:complexContent>"
        "</xs:complexType>"
        "<xs:complexType name=\"ObsType\"><xs:complexContent><xs:restriction "
        "base=\"dsd:ObsType\"><xs:sequence><xs:element ref=\"common:Annotations\" "
        "minOccurs=\"0\"/></xs:sequence><xs:attribute name=\"type\" use=\"prohibited\"/>"
        "<xs:attribute name=\"REPORTING_YEAR_START_DAY\" use=\"prohibited\"/>";
    for (int i = 0; i < kKeyDimensions; ++i) {
      out += fmt::format("<xs:attribute name=\"{}\" type=\"{}\" use=\"required\"/>",
                         f.dimensions[i], f.codelists[i]);
    }
    out +=
        "<xs:attribute name=\"TIME_PERIOD\" type=\"common:ObservationalTimePeriodType\" "
        "use=\"required\"/>"
        "<xs:attribute name=\"OBS_VALUE\" type=\"xs:double\" use=\"optional\"/>"
        "<xs:attribute name=\"UNIT_MEASURE\" type=\"CL_UNIT_MEASURE\" use=\"optional\"/>"
        "<xs:attribute name=\"UNIT_MULT\" type=\"CL_UNIT_MULT\" use=\"optional\"/>";
    out += obs_attributes;
    out += "</xs:restriction></xs:complexContent></xs:complexType></xs:schema>\n";
    return out;
  }
  out +=
      "<xs:complexType name=\"DataSetType\"><xs:complexContent><xs:restriction "
      "base=\"dsd:DataSetType\"><xs:sequence><xs:element ref=\"common:Annotations\" "
      "minOccurs=\"0\"/><xs:element name=\"DataProvider\" "
      "type=\"common:DataProviderReferenceType\" form=\"unqualified\" minOccurs=\"0\"/>"
      "<xs:element name=\"Series\" type=\"SeriesType\" form=\"unqualified\" minOccurs=\"0\" "
      "maxOccurs=\"unbounded\"/></xs:sequence></xs:restriction></xs:complexContent>"
      "</xs:complexType>";
  out +=
      "<xs:complexType name=\"SeriesType\"><xs:complexContent><xs:restriction "
      "base=\"dsd:SeriesType\"><xs:sequence><xs:element ref=\"common:Annotations\" "
      "minOccurs=\"0\"/><xs:element name=\"Obs\" type=\"ObsType\" form=\"unqualified\" "
      "minOccurs=\"0\" maxOccurs=\"unbounded\"/></xs:sequence>"
      "<xs:attribute name=\"TIME_PERIOD\" use=\"prohibited\"/>"
      "<xs:attribute name=\"REPORTING_YEAR_START_DAY\" use=\"prohibited\"/>";
  for (int i = 0; i < kKeyDimensions; ++i) {
    out += fmt::format("<xs:attribute name=\"{}\" type=\"{}\" use=\"required\"/>", f.dimensions[i],
                       f.codelists[i]);
  }
  out +=
      "<xs:attribute name=\"UNIT_MEASURE\" type=\"CL_UNIT_MEASURE\" use=\"optional\"/>"
      "<xs:attribute name=\"UNIT_MULT\" type=\"CL_UNIT_MULT\" use=\"optional\"/>"
      "</xs:restriction></xs:complexContent></xs:complexType>";
  out +=
      "<xs:complexType name=\"ObsType\"><xs:complexContent><xs:restriction base=\"dsd:ObsType\">"
      "<xs:sequence><xs:element ref=\"common:Annotations\" minOccurs=\"0\"/></xs:sequence>"
      "<xs:attribute name=\"type\" use=\"prohibited\"/>"
      "<xs:attribute name=\"REPORTING_YEAR_START_DAY\" use=\"prohibited\"/>"
      "<xs:attribute name=\"TIME_PERIOD\" type=\"common:ObservationalTimePeriodType\" "
      "use=\"required\"/>"
      "<xs:attribute name=\"OBS_VALUE\" type=\"xs:double\" use=\"optional\"/>";
  out += obs_attributes;
  out += "</xs:restriction></xs:complexContent></xs:complexType></xs:schema>\n";
  return out;
}

Response Handle(Store& store, const Request& request) {
  std::string_view path = request.path;
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);  // rsdmx adds one
  if (path.empty()) {
    return NoResults(
        "SDMX 2.1 REST: use /sdmx/rest/dataflow, /datastructure, /codelist, /conceptscheme or "
        "/data (see docs/sdmx.md)");
  }
  std::vector<std::string> seg = Split(path, '/');
  const std::string& resource = seg[0];
  if (resource == "dataflow" || resource == "datastructure" || resource == "codelist" ||
      resource == "conceptscheme") {
    return HandleStructure(store, request, seg);
  }
  if (resource == "data") return HandleData(store, request, seg);
  static const std::set<std::string> kOther = {
      "metadata",         "availableconstraint", "schema",        "structure",
      "agencyscheme",     "categoryscheme",      "categorisation", "contentconstraint",
      "dataproviderscheme", "metadatastructure", "metadataflow",  "provisionagreement",
      "hierarchicalcodelist", "organisationscheme", "structureset", "process"};
  if (kOther.contains(resource)) {
    return NotImplemented("the resource '" + resource + "' is not supported by this service");
  }
  return NoResults("no SDMX resource '" + resource + "'");
}

}  // namespace spcoop::sdmx
