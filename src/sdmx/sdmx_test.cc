// Tests of the SDMX 2.1 provider over a temporary SQLite store loaded with the bundled reference
// data. Every XML message is validated with xmllint against the official SDMX-ML 2.1 schemas
// (testdata/schemas-2.1); expected values come from Store::QueryObservations.
#include "spcoop/sdmx/sdmx.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "spcoop/ingest/reference.h"
#include "spcoop/store/store.h"
#include "spcoop/store/workflow.h"

namespace spcoop::sdmx {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPrepared = "2026-01-01T00:00:00Z";

class SdmxTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("spcoop_sdmx_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto opened = OpenStore((dir_ / "spcoop.db").string());
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->Migrate().ok());
    auto loaded = ingest::LoadReferenceData(*store_, SPCOOP_REFERENCE_DIR);
    ASSERT_TRUE(loaded) << loaded.error().ToString();
    // National targets (DF_SP_TGT), set here by hand: the expected values of the targets tests.
    // KHM pensions for women 65+ has its baseline in 2025, the interim target's year.
    const Provenance p{"tester", "edit", "National Social Protection Policy Framework"};
    Target benefits{{"KHM", "SI_COV_BENFTS", "_T", "_T"}, 2021, 24.5, 35.0, 50.0};
    Target pensions{{"KHM", "SI_COV_PENSN", "F", "Y_GE65"}, 2025, 10.0, 12.0, 30.0};
    Target children{{"LAO", "SI_COV_CHLD", "_T", "_T"}, 2019, 5.25, std::nullopt, 20.0};
    Target gone{{"VNM", "SI_COV_BENFTS", "_T", "_T"}, 2021, 40.0, std::nullopt, 60.0};
    for (const Target& t : {benefits, pensions, gone}) ASSERT_TRUE(store_->SetTarget(t, p));
    // Set twice: the later revision is current; then one is deleted.
    ASSERT_TRUE(store_->SetTarget({children.key, 2019, 5.0, std::nullopt, 15.0}, p));
    ASSERT_TRUE(store_->SetTarget(children, {"tester", "edit", "Child benefit plan"}));
    ASSERT_TRUE(store_->DeleteTarget(gone.key, p));
    // A focal point's draft target, not yet published: never served.
    Target draft{{"THA", "SI_COV_BENFTS", "_T", "_T"}, 2021, 70.0, std::nullopt, 90.0};
    ASSERT_TRUE(AddDraftChanges(*store_, "THA", "focal_tha",
                                std::vector<DraftChange>{DraftChange::ForTarget(draft, p)}));
    // The DSD-specific schemas for StructureSpecificData (each structure, time series and
    // flat), and wrapper schemas that bring each together with SDMXMessage.xsd.
    for (std::string_view dsd : {kDsdId, kTargetsDsdId}) {
      for (bool flat : {false, true}) {
        auto schema = StructureSpecificSchema(*store_, SPCOOP_SDMX_SCHEMA_DIR, flat, dsd);
        ASSERT_TRUE(schema) << schema.error().ToString();
        const std::string name = std::string(dsd) + (flat ? "_flat" : "");
        std::ofstream(dir_ / (name + ".xsd")) << *schema;
        std::ofstream(dir_ / (name + "_wrapper.xsd"))
            << "<?xml version=\"1.0\"?>\n<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
               "targetNamespace=\"urn:spcoop:test\"><xs:import "
               "namespace=\"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message\" "
               "schemaLocation=\""
            << SPCOOP_SDMX_SCHEMA_DIR
            << "/SDMXMessage.xsd\"/><xs:import namespace=\"urn:sdmx:org.sdmx.infomodel."
               "datastructure.DataStructure=SPP:"
            << dsd << "(1.0):ObsLevelDim:" << (flat ? "AllDimensions" : "TIME_PERIOD")
            << "\" schemaLocation=\"" << (dir_ / (name + ".xsd")).string() << "\"/></xs:schema>\n";
      }
    }
  }
  static void TearDownTestSuite() {
    store_.reset();
    fs::remove_all(dir_);
  }

  static Response Get(const std::string& path,
                      std::vector<std::pair<std::string, std::string>> query = {},
                      std::string accept = "application/xml") {
    Request r{path, std::move(query), std::move(accept), kPrepared};
    return Handle(*store_, r);
  }

  // xmllint against SDMXMessage.xsd (or the structure-specific wrapper). "" when valid.
  static std::string Validate(const std::string& xml, bool structure_specific = false,
                              bool flat = false, std::string_view dsd = kDsdId) {
    static int n = 0;
    fs::path file = dir_ / ("msg" + std::to_string(++n) + ".xml");
    fs::path log = dir_ / ("msg" + std::to_string(n) + ".log");
    std::ofstream(file) << xml;
    std::string schema =
        structure_specific
            ? (dir_ / (std::string(dsd) + (flat ? "_flat" : "") + "_wrapper.xsd")).string()
            : std::string(SPCOOP_SDMX_SCHEMA_DIR) + "/SDMXMessage.xsd";
    std::string cmd = "xmllint --noout --nonet --schema '" + schema + "' '" + file.string() +
                      "' > '" + log.string() + "' 2>&1";
    int rc = std::system(cmd.c_str());
    if (rc == 0) return "";
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return "xmllint failed (" + std::to_string(rc) + "): " + text.substr(0, 2000);
  }

  // The structure message `b` declares `dimensions` at positions 1 to 6, in that order.
  static void ExpectDimensionsInOrder(
      const std::string& b, const std::array<std::string_view, kKeyDimensions>& dimensions) {
    size_t last = 0;
    int position = 1;
    for (std::string_view dim : dimensions) {
      std::string tag = "<str:Dimension id=\"" + std::string(dim) + "\" position=\"" +
                        std::to_string(position++) + "\">";
      size_t at = b.find(tag);
      ASSERT_NE(at, std::string::npos) << tag;
      EXPECT_GT(at, last);
      last = at;
    }
  }

  static int Count(const std::string& s, const std::string& what) {
    int n = 0;
    for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
  }

  static inline fs::path dir_;
  static inline std::unique_ptr<Store> store_;
};

// ------------------------------------------------------------------ pure functions

TEST(SdmxKey, ParsesAllEmptyAndDotted) {
  auto all = ParseKey("all");
  ASSERT_TRUE(all);
  for (const auto& v : all->values) EXPECT_TRUE(v.empty());
  ASSERT_TRUE(ParseKey(""));

  auto k = ParseKey("A..SI_COV_BENFTS+SI_COV_PENSN.116..");
  ASSERT_TRUE(k) << k.error().ToString();
  EXPECT_EQ(k->values[0], std::vector<std::string>{"A"});
  EXPECT_TRUE(k->values[1].empty());
  EXPECT_EQ(k->values[2], (std::vector<std::string>{"SI_COV_BENFTS", "SI_COV_PENSN"}));
  EXPECT_EQ(k->values[3], std::vector<std::string>{"116"});
  EXPECT_TRUE(k->values[4].empty());
  EXPECT_TRUE(k->values[5].empty());
}

TEST(SdmxKey, RejectsMalformedKeys) {
  EXPECT_FALSE(ParseKey("A.G.SI_COV_BENFTS"));          // too few parts
  EXPECT_FALSE(ParseKey("A.G.SI_COV_BENFTS.116...."));  // too many
  EXPECT_FALSE(ParseKey("A.G.SI_COV_BENFTS+.116.."));   // empty OR term
  EXPECT_FALSE(ParseKey("A.G.SI<COV.116.."));           // not an id
}

TEST(SdmxPeriod, ParsesYears) {
  EXPECT_EQ(ParsePeriodYear("2019"), 2019);
  EXPECT_EQ(ParsePeriodYear("2019-06"), 2019);
  EXPECT_EQ(ParsePeriodYear("2019-06-30"), 2019);
  EXPECT_EQ(ParsePeriodYear("2019-Q2"), 2019);
  EXPECT_FALSE(ParsePeriodYear("19"));
  EXPECT_FALSE(ParsePeriodYear("abcd"));
  EXPECT_FALSE(ParsePeriodYear("2019/06"));
}

TEST(SdmxError, ValidatesAndCarriesCode) {
  std::string xml = ErrorMessageXml(100, "No Results Found <&>");
  EXPECT_NE(xml.find("code=\"100\""), std::string::npos);
  EXPECT_NE(xml.find("&lt;&amp;&gt;"), std::string::npos);
}

// ------------------------------------------------------------------ structure queries

// The validator itself rejects what the schemas reject (so a pass means something).
TEST_F(SdmxTest, ValidatorRejectsInvalidMessages) {
  Response r = Get("dataflow/all/all/latest/");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Validate(r.body), "");
  std::string broken = r.body;
  broken.replace(broken.find("<mes:Test>false</mes:Test>"), 26, "");  // Test before Prepared
  broken.replace(broken.find("<mes:Prepared>"), 0, "<mes:Test>maybe</mes:Test>");
  EXPECT_NE(Validate(broken), "");
  Response ss = Get("data/DF_SP_COV/A.G.SI_COV_BENFTS.116../all", {},
                    std::string(kStructureSpecificDataType));
  ASSERT_EQ(ss.status, 200);
  std::string bad_code = ss.body;
  bad_code.replace(bad_code.find("SEX=\""), 5, "SEX=\"X");  // not in CL_SEX
  EXPECT_NE(Validate(bad_code, true), "");
}

TEST_F(SdmxTest, StructureMessagesValidate) {
  const std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>
      queries = {
          {"dataflow/all/all/latest/", {}},
          {"dataflow/SPP/all/latest", {}},
          {"dataflow/SPP/DF_SP_COV/1.0", {{"references", "descendants"}}},
          {"datastructure/all/DSD_SP_COV/latest/", {{"references", "children"}}},
          {"datastructure/SPP/DSD_SP_COV", {}},
          {"codelist/all/all/latest", {}},
          {"codelist/SPP/CL_AREA/latest", {}},
          {"conceptscheme/SPP/CS_SP/1.0", {}},
      };
  for (const auto& [path, query] : queries) {
    Response r = Get(path, query);
    ASSERT_EQ(r.status, 200) << path << "\n" << r.body;
    EXPECT_EQ(r.content_type, kStructureType);
    EXPECT_EQ(Validate(r.body), "") << path;
  }
}

TEST_F(SdmxTest, DataflowsListTheCoverageFlow) {
  Response r = Get("dataflow/all/all/latest/");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<str:Dataflow id=\"DF_SP_COV\" agencyID=\"SPP\" version=\"1.0\""),
            std::string::npos);
  EXPECT_NE(r.body.find("<mes:Sender id=\"SPP\"/>"), std::string::npos);
  EXPECT_NE(r.body.find("<mes:Test>false</mes:Test>"), std::string::npos);
  EXPECT_EQ(r.body.find("<str:Codelists>"), std::string::npos);
}

TEST_F(SdmxTest, DsdWithChildrenHasCodelistsConceptsAndDimensionOrder) {
  Response r = Get("datastructure/all/DSD_SP_COV/latest/", {{"references", "children"}});
  ASSERT_EQ(r.status, 200);
  const std::string& b = r.body;
  size_t codelists = b.find("<str:Codelists>"), concepts = b.find("<str:Concepts>"),
         dsds = b.find("<str:DataStructures>");
  ASSERT_NE(codelists, std::string::npos);
  ASSERT_NE(concepts, std::string::npos);
  ASSERT_NE(dsds, std::string::npos);
  EXPECT_LT(codelists, concepts);
  EXPECT_LT(concepts, dsds);
  ExpectDimensionsInOrder(b, kDimensionIds);
  EXPECT_NE(b.find("<str:TimeDimension id=\"TIME_PERIOD\" position=\"7\">"), std::string::npos);
  EXPECT_EQ(Count(b, "package=\"conceptscheme\""), 13);  // every ConceptIdentity
  // Cambodia by its M49 code, named in four languages; series names in four languages.
  std::smatch m;
  std::regex khm("<str:Code id=\"116\"[^>]*>(.*?)</str:Code>");
  ASSERT_TRUE(std::regex_search(b, m, khm));
  for (const char* lang : {"en", "zh", "ru", "fr"}) {
    EXPECT_NE(m[1].str().find(std::string("xml:lang=\"") + lang + "\""), std::string::npos) << lang;
  }
  EXPECT_NE(m[1].str().find("Cambodia"), std::string::npos);
  std::regex sex_f("<str:Code id=\"F\" urn=\"[^\"]*CL_SEX[^>]*>(.*?)</str:Code>");
  ASSERT_TRUE(std::regex_search(b, m, sex_f));
  EXPECT_EQ(Count(m[1].str(), "<com:Name"), 4);
  EXPECT_EQ(Count(b, "<str:Code id=\"SI_COV_"), 12);
}

TEST_F(SdmxTest, StructureErrors) {
  Response r = Get("datastructure/all/NOPE/latest");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("code=\"100\""), std::string::npos);
  EXPECT_EQ(Validate(r.body), "");
  EXPECT_EQ(Get("codelist/OTHER/all/latest").status, 404);
  EXPECT_EQ(Get("codelist/SPP/CL_NOPE").status, 404);
  EXPECT_EQ(Get("dataflow/all/all/latest", {{"references", "bogus"}}).status, 400);
  EXPECT_EQ(Get("dataflow/all/all/latest", {}, "application/json").status, 406);
  EXPECT_EQ(Get("availableconstraint/DF_SP_COV").status, 501);
  EXPECT_EQ(Get("nothing").status, 404);
}

// ------------------------------------------------------------------ data queries

TEST_F(SdmxTest, DataMessagesValidateInEveryLayout) {
  const std::string flow = "data/SPP,DF_SP_COV,1.0/A.G.SI_COV_BENFTS+SI_COV_PENSN.116+418../all/";
  struct Case {
    std::vector<std::pair<std::string, std::string>> query;
    std::string accept;
    bool ss;
  };
  const std::vector<Case> cases = {
      {{}, "application/xml", false},
      {{}, std::string(kGenericDataType), false},
      {{{"dimensionAtObservation", "AllDimensions"}}, "application/xml", false},
      {{{"detail", "dataonly"}}, "application/xml", false},
      {{{"detail", "serieskeysonly"}}, "application/xml", false},
      {{{"detail", "nodata"}}, "application/xml", false},
      {{{"dimensionAtObservation", "AllDimensions"}, {"detail", "dataonly"}}, "", false},
      {{}, std::string(kStructureSpecificDataType), true},
      {{{"format", "structurespecificdata"}, {"detail", "serieskeysonly"}}, "", true},
      {{{"detail", "dataonly"}}, std::string(kStructureSpecificDataType), true},
  };
  for (const Case& c : cases) {
    Response r = Get(flow, c.query, c.accept);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.content_type, c.ss ? kStructureSpecificDataType : kGenericDataType);
    EXPECT_EQ(Validate(r.body, c.ss), "") << r.body.substr(0, 3000);
    EXPECT_NE(r.body.find("structureID=\"DSD_SP_COV\""), std::string::npos);
  }
  // Everything at once validates too (all series, economies, sexes, ages).
  Response all = Get("data/DF_SP_COV/all/all");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(Validate(all.body), "");
  Response all_ss = Get("data/DF_SP_COV", {}, std::string(kStructureSpecificDataType));
  ASSERT_EQ(all_ss.status, 200);
  EXPECT_EQ(Validate(all_ss.body, true), "");
  Response all_flat = Get("data/DF_SP_COV/all", {{"dimensionAtObservation", "AllDimensions"}});
  ASSERT_EQ(all_flat.status, 200);
  EXPECT_EQ(Validate(all_flat.body), "");
  // StructureSpecificData in the flat layout, against its own DSD-specific schema; an <Obs> that
  // lacks a dimension is refused by it (the validator is not a rubber stamp).
  Response ss_flat = Get("data/DF_SP_COV/all",
                         {{"dimensionAtObservation", "AllDimensions"},
                          {"format", "structurespecificdata"}});
  ASSERT_EQ(ss_flat.status, 200);
  EXPECT_NE(ss_flat.body.find("ObsLevelDim:AllDimensions"), std::string::npos);
  EXPECT_EQ(ss_flat.body.find("<Series"), std::string::npos);
  EXPECT_EQ(Validate(ss_flat.body, true, true), "") << ss_flat.body.substr(0, 2000);
  std::string broken = ss_flat.body;
  broken.replace(broken.find(" SEX=\""), 1, " X");  // SEX= -> XSEX=
  EXPECT_NE(Validate(broken, true, true), "");
}

// Parses flat GenericData into (SEX, AGE, TIME_PERIOD) -> value for one series and area.
std::map<std::tuple<std::string, std::string, int>, double> ParseFlat(const std::string& xml) {
  std::map<std::tuple<std::string, std::string, int>, double> out;
  std::regex obs("<generic:Obs>(.*?)</generic:Obs>");
  std::regex value("<generic:Value id=\"([A-Z_]+)\" value=\"([^\"]*)\"/>");
  std::regex obs_value("<generic:ObsValue value=\"([^\"]+)\"/>");
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), obs); it != std::sregex_iterator();
       ++it) {
    std::string body = (*it)[1].str();
    std::map<std::string, std::string> v;
    for (auto jt = std::sregex_iterator(body.begin(), body.end(), value);
         jt != std::sregex_iterator(); ++jt) {
      v[(*jt)[1].str()] = (*jt)[2].str();
    }
    std::smatch m;
    if (!std::regex_search(body, m, obs_value)) continue;
    out[{v["SEX"], v["AGE"], std::stoi(v["TIME_PERIOD"])}] = std::stod(m[1].str());
  }
  return out;
}

TEST_F(SdmxTest, KhmBenefitsMatchTheStore) {
  ObservationFilter f;
  f.series = {"SI_COV_BENFTS"};
  f.economies = {"KHM"};
  f.quantile = "_T";
  auto expected = store_->QueryObservations(f);
  ASSERT_TRUE(expected);
  ASSERT_FALSE(expected->empty());

  Response r = Get("data/SPP,DF_SP_COV,1.0/A.G.SI_COV_BENFTS.116../all/",
                   {{"dimensionAtObservation", "AllDimensions"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto got = ParseFlat(r.body);
  ASSERT_EQ(got.size(), expected->size());
  for (const Observation& o : *expected) {
    auto it = got.find({o.key.sex, o.key.age, o.key.year});
    ASSERT_NE(it, got.end()) << o.key.sex << " " << o.key.year;
    EXPECT_DOUBLE_EQ(it->second, o.value);
  }
  // The time-series layout carries the same number of observations.
  Response ts = Get("data/DF_SP_COV/A.G.SI_COV_BENFTS.116../all");
  ASSERT_EQ(ts.status, 200);
  EXPECT_EQ(Count(ts.body, "<generic:Obs>"), static_cast<int>(expected->size()));
  EXPECT_EQ(Count(ts.body, "<generic:Value id=\"REF_AREA\" value=\"116\"/>"),
            Count(ts.body, "<generic:Series>"));
}

TEST_F(SdmxTest, WildcardsOrAndPeriodFilters) {
  ObservationFilter f;
  f.economies = {"KHM", "LAO"};
  f.quantile = "_T";
  f.year_from = 2015;
  f.year_to = 2019;
  auto expected = store_->QueryObservations(f);
  ASSERT_TRUE(expected);
  ASSERT_FALSE(expected->empty());
  Response r = Get("data/DF_SP_COV/...116+418../all",
                   {{"startPeriod", "2015"}, {"endPeriod", "2019-12-31"}, {"format", "csv"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Count(r.body, "\n"), static_cast<int>(expected->size()) + 1);
  for (const char* bad : {"2014", "2020", "2021"}) {
    EXPECT_EQ(r.body.find(std::string(",116,_T,_T,") + bad + ","), std::string::npos) << bad;
  }
  // A wildcard for SEX gives every sex; a single code only that one.
  Response only_f = Get("data/DF_SP_COV/A.G.SI_COV_BENFTS.116.F.", {{"format", "csv"}});
  ASSERT_EQ(only_f.status, 200);
  EXPECT_EQ(only_f.body.find(",_T,_T,"), std::string::npos);
  EXPECT_NE(only_f.body.find(",116,F,_T,"), std::string::npos);
  // Unknown codes and codes we do not serve find nothing.
  EXPECT_EQ(Get("data/DF_SP_COV/Q.....").status, 404);
  EXPECT_EQ(Get("data/DF_SP_COV/.N....").status, 404);
  EXPECT_EQ(Get("data/DF_SP_COV/...999..").status, 404);
}

TEST_F(SdmxTest, FirstAndLastNObservations) {
  ObservationFilter f;
  f.series = {"SI_COV_BENFTS"};
  f.economies = {"KHM"};
  f.sex = "_T";
  f.age = "_T";
  f.quantile = "_T";
  auto expected = store_->QueryObservations(f);
  ASSERT_TRUE(expected);
  ASSERT_GE(expected->size(), 2u);
  const std::string path = "data/DF_SP_COV/A.G.SI_COV_BENFTS.116._T._T";
  Response last = Get(path, {{"lastNObservations", "1"}});
  ASSERT_EQ(last.status, 200);
  EXPECT_EQ(Count(last.body, "<generic:Obs>"), 1);
  EXPECT_NE(last.body.find("<generic:ObsDimension value=\"" +
                           std::to_string(expected->back().key.year) + "\"/>"),
            std::string::npos);
  Response first = Get(path, {{"firstNObservations", "1"}});
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(Count(first.body, "<generic:Obs>"), 1);
  EXPECT_NE(first.body.find("<generic:ObsDimension value=\"" +
                            std::to_string(expected->front().key.year) + "\"/>"),
            std::string::npos);
  Response both = Get(path, {{"firstNObservations", "1"}, {"lastNObservations", "1"}});
  EXPECT_EQ(Count(both.body, "<generic:Obs>"), 2);
  EXPECT_EQ(Get(path, {{"lastNObservations", "0"}}).status, 400);
  EXPECT_EQ(Get(path, {{"firstNObservations", "x"}}).status, 400);
}

TEST_F(SdmxTest, DetailLevels) {
  const std::string path = "data/DF_SP_COV/A.G.SI_COV_BENFTS.116..";
  Response full = Get(path);
  Response data_only = Get(path, {{"detail", "dataonly"}});
  Response keys = Get(path, {{"detail", "serieskeysonly"}});
  Response no_data = Get(path, {{"detail", "nodata"}});
  for (const Response* r : {&full, &data_only, &keys, &no_data}) ASSERT_EQ(r->status, 200);
  int series = Count(full.body, "<generic:Series>");
  EXPECT_GT(series, 0);
  EXPECT_GT(Count(full.body, "OBS_STATUS"), 0);
  EXPECT_GT(Count(full.body, "UNIT_MEASURE"), 0);
  EXPECT_EQ(Count(data_only.body, "<generic:Attributes>"), 0);
  EXPECT_EQ(Count(data_only.body, "<generic:Obs>"), Count(full.body, "<generic:Obs>"));
  EXPECT_EQ(Count(keys.body, "<generic:Series>"), series);
  EXPECT_EQ(Count(keys.body, "<generic:Obs>"), 0);
  EXPECT_EQ(Count(keys.body, "<generic:Attributes>"), 0);
  EXPECT_EQ(Count(no_data.body, "<generic:Obs>"), 0);
  EXPECT_EQ(Count(no_data.body, "UNIT_MEASURE"), series);
  EXPECT_EQ(Get(path, {{"detail", "everything"}}).status, 400);
}

TEST_F(SdmxTest, NoResultsIs404WithSdmxError) {
  Response r = Get("data/DF_SP_COV/A.G.SI_COV_BENFTS.116..", {{"startPeriod", "2034"}});
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("<message:ErrorMessage code=\"100\">"), std::string::npos);
  EXPECT_EQ(Validate(r.body), "");
  EXPECT_EQ(Get("data/SPP,DF_OTHER,1.0/all").status, 404);
  EXPECT_EQ(Get("data/OTHER,DF_SP_COV,1.0/all").status, 404);
}

TEST_F(SdmxTest, MalformedQueriesAre400AndFormats406) {
  Response bad_key = Get("data/DF_SP_COV/A.G");
  EXPECT_EQ(bad_key.status, 400);
  EXPECT_NE(bad_key.body.find("code=\"140\""), std::string::npos);
  EXPECT_EQ(Validate(bad_key.body), "");
  EXPECT_EQ(Get("data/DF_SP_COV/all", {{"startPeriod", "soon"}}).status, 400);
  EXPECT_EQ(Get("data/DF_SP_COV/all", {{"startPeriod", "2020"}, {"endPeriod", "2010"}}).status,
            400);
  EXPECT_EQ(Get("data").status, 400);
  EXPECT_EQ(Get("data/DF_SP_COV/all", {}, "application/pdf").status, 406);
  EXPECT_EQ(Get("data/DF_SP_COV/all", {{"format", "xlsx"}}).status, 406);
  EXPECT_EQ(Get("data/DF_SP_COV/all", {{"dimensionAtObservation", "REF_AREA"}}).status, 501);
}

TEST_F(SdmxTest, CsvColumnsAndValues) {
  ObservationFilter f;
  f.series = {"SI_COV_BENFTS"};
  f.economies = {"KHM"};
  f.quantile = "_T";
  auto expected = store_->QueryObservations(f);
  ASSERT_TRUE(expected);
  Response r = Get("data/DF_SP_COV/A.G.SI_COV_BENFTS.116../all", {},
                   "application/vnd.sdmx.data+csv;version=1.0.0");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.content_type.starts_with(kCsvType));
  std::istringstream in(r.body);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line,
            "DATAFLOW,FREQ,REPORTING_TYPE,SERIES,REF_AREA,SEX,AGE,TIME_PERIOD,OBS_VALUE,"
            "UNIT_MEASURE,UNIT_MULT,OBS_STATUS,NATURE,SOURCE_DETAIL");
  std::map<std::tuple<std::string, std::string, int>, double> got;
  int rows = 0;
  while (std::getline(in, line)) {
    ++rows;
    std::vector<std::string> cells;
    std::stringstream ls(line);
    std::string cell;
    for (int i = 0; i < 9 && std::getline(ls, cell, ','); ++i) cells.push_back(cell);
    ASSERT_EQ(cells.size(), 9u) << line;
    EXPECT_EQ(cells[0], "SPP:DF_SP_COV(1.0)");
    EXPECT_EQ(cells[1], "A");
    EXPECT_EQ(cells[2], "G");
    EXPECT_EQ(cells[3], "SI_COV_BENFTS");
    EXPECT_EQ(cells[4], "116");
    EXPECT_NE(line.find(",PT,0,"), std::string::npos) << line;
    got[{cells[5], cells[6], std::stoi(cells[7])}] = std::stod(cells[8]);
  }
  EXPECT_EQ(rows, static_cast<int>(expected->size()));
  for (const Observation& o : *expected) {
    EXPECT_DOUBLE_EQ((got[{o.key.sex, o.key.age, o.key.year}]), o.value);
  }
}

TEST_F(SdmxTest, SdmxJsonValuesMatchTheStore) {
  ObservationFilter f;
  f.series = {"SI_COV_BENFTS"};
  f.economies = {"KHM"};
  f.quantile = "_T";
  auto expected = store_->QueryObservations(f);
  ASSERT_TRUE(expected);
  Response r = Get("data/DF_SP_COV/A.G.SI_COV_BENFTS.116../all", {},
                   "application/vnd.sdmx.data+json;version=1.0.0");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.content_type.starts_with(kJsonType));
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["header"]["sender"]["id"], "SPP");
  const auto& dims = j["structure"]["dimensions"]["series"];
  ASSERT_EQ(dims.size(), 6u);
  for (int i = 0; i < kKeyDimensions; ++i) EXPECT_EQ(dims[i]["id"], kDimensionIds[i]);
  const auto& years = j["structure"]["dimensions"]["observation"][0]["values"];
  std::map<std::tuple<std::string, std::string, int>, double> got;
  for (const auto& [key, series] : j["dataSets"][0]["series"].items()) {
    std::vector<int> idx;
    std::stringstream ks(key);
    std::string part;
    while (std::getline(ks, part, ':')) idx.push_back(std::stoi(part));
    ASSERT_EQ(idx.size(), 6u);
    EXPECT_EQ(dims[3]["values"][idx[3]]["id"], "116");
    std::string sex = dims[4]["values"][idx[4]]["id"], age = dims[5]["values"][idx[5]]["id"];
    for (const auto& [pos, obs] : series["observations"].items()) {
      int year = std::stoi(years[std::stoi(pos)]["id"].get<std::string>());
      got[{sex, age, year}] = obs[0].get<double>();
    }
  }
  ASSERT_EQ(got.size(), expected->size());
  for (const Observation& o : *expected) {
    EXPECT_DOUBLE_EQ((got[{o.key.sex, o.key.age, o.key.year}]), o.value);
  }
  EXPECT_EQ(Get("data/DF_SP_COV/all", {{"format", "jsondata"}}).status, 200);
}

TEST_F(SdmxTest, StreamedDataIsTheSameMessageInPieces) {
  for (const char* format : {"genericdata", "structurespecificdata", "csv"}) {
    SCOPED_TRACE(format);
    Request whole{"data/DF_SP_COV/all/all", {{"format", format}}, "", kPrepared};
    Response expected = Handle(*store_, whole);
    ASSERT_EQ(expected.status, 200);
    ASSERT_FALSE(expected.stream);
    Request streamed = whole;
    streamed.stream = true;
    Response r = Handle(*store_, streamed);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.content_type, expected.content_type);
    EXPECT_TRUE(r.body.empty());
    ASSERT_TRUE(r.stream);
    std::string joined;
    std::vector<size_t> pieces;
    EXPECT_TRUE(r.stream([&](std::string_view piece) {
      pieces.push_back(piece.size());
      joined += piece;
      return true;
    }));
    EXPECT_EQ(joined, expected.body);
    // The whole data set is several hundred kilobytes: more than one piece, none much over
    // 64 KiB (a piece is cut before the series that would pass 64 KiB).
    EXPECT_GT(pieces.size(), 2u);
    for (size_t p : pieces) EXPECT_LT(p, 64u * 1024 + 16 * 1024);
    // A sink that refuses stops the writer (a stream is written once: ask again).
    Response again = Handle(*store_, streamed);
    ASSERT_TRUE(again.stream);
    int calls = 0;
    EXPECT_FALSE(again.stream([&](std::string_view) { return ++calls < 2; }));
    EXPECT_EQ(calls, 2);
  }
  // Errors and SDMX-JSON keep a body.
  Request missing{"data/DF_SP_COV/A.G.SI_COV_BENFTS.999../all", {}, "", kPrepared, true};
  Response none = Handle(*store_, missing);
  EXPECT_EQ(none.status, 404);
  EXPECT_FALSE(none.stream);
  Request json{"data/DF_SP_COV/all/all", {{"format", "jsondata"}}, "", kPrepared, true};
  EXPECT_FALSE(Handle(*store_, json).stream);
}

// REPORTING_TYPE comes from each stored value: one key with global values for 2018 and 2020 and a
// national one for 2019 is two series, G (2018, 2020) and N (2019), and the key selects either.
TEST_F(SdmxTest, ReportingTypeSplitsAKeyIntoGlobalAndNationalSeries) {
  auto opened = OpenStore(":memory:");
  ASSERT_TRUE(opened);
  Store& store = **opened;
  ASSERT_TRUE(store.Migrate().ok());
  auto economies = store_->ListEconomies();
  ASSERT_TRUE(economies);
  ASSERT_TRUE(store.PutEconomies(*economies).ok());
  std::vector<Observation> rows;
  for (auto [year, value, type] :
       {std::tuple{2018, 10.5, "G"}, std::tuple{2019, 11.25, "N"}, std::tuple{2020, 12.0, "G"}}) {
    Observation o;
    o.key = {"SI_COV_BENFTS", "KHM", "_T", "_T", "_T", year};
    o.value = value;
    o.attributes.reporting_type = type;
    rows.push_back(o);
  }
  ImportRecord record;
  record.file_name = "mixed.csv";
  record.provenance = {"tester", "", "test"};
  ASSERT_TRUE(store.ApplyImport(record, rows, {}));

  Request all{"data/DF_SP_COV/all/all", {{"format", "csv"}, {"detail", "dataonly"}}, "", kPrepared};
  Response csv = Handle(store, all);
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.substr(csv.body.find('\n') + 1),
            "SPP:DF_SP_COV(1.0),A,G,SI_COV_BENFTS,116,_T,_T,2018,10.5,,,,,\n"
            "SPP:DF_SP_COV(1.0),A,G,SI_COV_BENFTS,116,_T,_T,2020,12,,,,,\n"
            "SPP:DF_SP_COV(1.0),A,N,SI_COV_BENFTS,116,_T,_T,2019,11.25,,,,,\n");
  Response generic = Handle(store, {"data/DF_SP_COV/all/all", {}, "", kPrepared});
  ASSERT_EQ(generic.status, 200);
  EXPECT_EQ(Validate(generic.body), "");
  EXPECT_EQ(Count(generic.body, "<generic:Series>"), 2);
  Response national =
      Handle(store, {"data/DF_SP_COV/A.N.SI_COV_BENFTS.116..", {{"format", "csv"}}, "", kPrepared});
  ASSERT_EQ(national.status, 200);
  EXPECT_EQ(Count(national.body, "\n"), 2);  // the header and 2019
  EXPECT_NE(national.body.find(",A,N,SI_COV_BENFTS,116,_T,_T,2019,11.25,"), std::string::npos);
  EXPECT_EQ(Handle(store, {"data/DF_SP_COV/A.R....", {}, "", kPrepared}).status, 404);
}

// ------------------------------------------------------------------ national targets

TEST_F(SdmxTest, TargetsFlowHasItsOwnStructure) {
  Response flows = Get("dataflow/all/all/latest/");
  ASSERT_EQ(flows.status, 200);
  EXPECT_EQ(Count(flows.body, "<str:Dataflow "), 2);
  EXPECT_NE(flows.body.find("<str:Dataflow id=\"DF_SP_TGT\" agencyID=\"SPP\" version=\"1.0\""),
            std::string::npos);
  EXPECT_NE(flows.body.find("<Ref id=\"DSD_SP_TGT\""), std::string::npos);
  Response one = Get("dataflow/SPP/DF_SP_TGT/1.0");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(Count(one.body, "<str:Dataflow "), 1);

  for (const char* path : {"datastructure/all/DSD_SP_TGT/latest/", "dataflow/SPP/DF_SP_TGT/1.0",
                           "datastructure/all/all/latest"}) {
    for (const char* references : {"none", "children", "all"}) {
      Response r = Get(path, {{"references", references}});
      ASSERT_EQ(r.status, 200) << path << " " << references;
      EXPECT_EQ(Validate(r.body), "") << path << " " << references;
    }
  }
  Response r = Get("datastructure/all/DSD_SP_TGT/latest/", {{"references", "children"}});
  const std::string& b = r.body;
  EXPECT_EQ(Count(b, "<str:DataStructure "), 1);
  ExpectDimensionsInOrder(b, kTargetDimensionIds);
  // 6 dimensions, TIME_PERIOD, UNIT_MEASURE, UNIT_MULT, SOURCE_DETAIL and OBS_VALUE.
  EXPECT_EQ(Count(b, "package=\"conceptscheme\""), 11);
  // Its children are its own codelists: CL_TARGET_TYPE, not the coverage's CL_REPORTING_TYPE.
  for (const char* cl : {"CL_FREQ", "CL_SERIES", "CL_AREA", "CL_SEX", "CL_AGE", "CL_TARGET_TYPE",
                         "CL_UNIT_MEASURE", "CL_UNIT_MULT"}) {
    EXPECT_NE(b.find(std::string("<str:Codelist id=\"") + cl + "\""), std::string::npos) << cl;
  }
  EXPECT_EQ(Count(b, "<str:Codelist id="), 8);
  EXPECT_NE(b.find("<str:Concept id=\"TARGET_TYPE\""), std::string::npos);
  std::smatch m;
  std::regex interim("<str:Code id=\"INTERIM\"[^>]*>(.*?)</str:Code>");
  ASSERT_TRUE(std::regex_search(b, m, interim));
  EXPECT_EQ(m[1].str(),
            "<com:Name xml:lang=\"en\">Interim target (2025)</com:Name>"
            "<com:Name xml:lang=\"zh\">中期目标（2025年）</com:Name>"
            "<com:Name xml:lang=\"ru\">Промежуточный целевой показатель (2025 год)</com:Name>"
            "<com:Name xml:lang=\"fr\">Cible intermédiaire (2025)</com:Name>");
  Response codelist = Get("codelist/SPP/CL_TARGET_TYPE/1.0");
  ASSERT_EQ(codelist.status, 200);
  EXPECT_EQ(Validate(codelist.body), "");
  EXPECT_EQ(Count(codelist.body, "<str:Code id="), 3);
  EXPECT_EQ(Get("datastructure/all/DSD_SP_NOPE").status, 404);
  EXPECT_EQ(Get("dataflow/all/DF_SP_NOPE").status, 404);
}

// The published targets set in SetUpTestSuite, written out by hand: KHM (116) benefits, KHM
// pensions for women 65+ (baseline 2025 beside the 2025 interim), LAO (418) children (its later
// revision; no interim). VNM's deleted target and THA's draft are not served.
TEST_F(SdmxTest, TargetsDataAreThePublishedTargets) {
  Response r = Get("data/SPP,DF_SP_TGT,1.0/all/all", {{"format", "csv"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body,
            "DATAFLOW,FREQ,SERIES,REF_AREA,SEX,AGE,TARGET_TYPE,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,"
            "UNIT_MULT,SOURCE_DETAIL\n"
            "SPP:DF_SP_TGT(1.0),A,SI_COV_BENFTS,116,_T,_T,BASELINE,2021,24.5,PT,0,"
            "National Social Protection Policy Framework\n"
            "SPP:DF_SP_TGT(1.0),A,SI_COV_BENFTS,116,_T,_T,INTERIM,2025,35,PT,0,"
            "National Social Protection Policy Framework\n"
            "SPP:DF_SP_TGT(1.0),A,SI_COV_BENFTS,116,_T,_T,TARGET,2030,50,PT,0,"
            "National Social Protection Policy Framework\n"
            "SPP:DF_SP_TGT(1.0),A,SI_COV_CHLD,418,_T,_T,BASELINE,2019,5.25,PT,0,"
            "Child benefit plan\n"
            "SPP:DF_SP_TGT(1.0),A,SI_COV_CHLD,418,_T,_T,TARGET,2030,20,PT,0,Child benefit plan\n"
            "SPP:DF_SP_TGT(1.0),A,SI_COV_PENSN,116,F,Y_GE65,BASELINE,2025,10,PT,0,"
            "National Social Protection Policy Framework\n"
            "SPP:DF_SP_TGT(1.0),A,SI_COV_PENSN,116,F,Y_GE65,INTERIM,2025,12,PT,0,"
            "National Social Protection Policy Framework\n"
            "SPP:DF_SP_TGT(1.0),A,SI_COV_PENSN,116,F,Y_GE65,TARGET,2030,30,PT,0,"
            "National Social Protection Policy Framework\n");

  // A key, OR and a period; the kind as a dimension.
  Response key = Get("data/DF_SP_TGT/A.SI_COV_PENSN+SI_COV_CHLD.116+418...TARGET",
                     {{"format", "csv"}, {"detail", "dataonly"}});
  ASSERT_EQ(key.status, 200) << key.body;
  EXPECT_EQ(key.body.substr(key.body.find('\n') + 1),
            "SPP:DF_SP_TGT(1.0),A,SI_COV_CHLD,418,_T,_T,TARGET,2030,20,,,\n"
            "SPP:DF_SP_TGT(1.0),A,SI_COV_PENSN,116,F,Y_GE65,TARGET,2030,30,,,\n");
  Response period = Get("data/DF_SP_TGT/all",
                        {{"startPeriod", "2022"}, {"endPeriod", "2025"}, {"format", "csv"}});
  ASSERT_EQ(period.status, 200);
  EXPECT_EQ(Count(period.body, "\n"),
            4);  // header, KHM benefits interim, pensions baseline and interim
  EXPECT_EQ(Count(period.body, ",2025,"), 3);

  // Every SDMX-ML layout validates; StructureSpecificData against DSD_SP_TGT's own schema.
  Response generic = Get("data/DF_SP_TGT/all/all");
  ASSERT_EQ(generic.status, 200);
  EXPECT_EQ(Validate(generic.body), "");
  EXPECT_NE(generic.body.find("<message:Structure structureID=\"DSD_SP_TGT\""), std::string::npos);
  EXPECT_NE(generic.body.find("<generic:Value id=\"TARGET_TYPE\" value=\"INTERIM\"/>"),
            std::string::npos);
  EXPECT_EQ(Count(generic.body, "<generic:Obs>"), 8);
  Response flat = Get("data/DF_SP_TGT/all/all", {{"dimensionAtObservation", "AllDimensions"}});
  ASSERT_EQ(flat.status, 200);
  EXPECT_EQ(Validate(flat.body), "");
  for (bool is_flat : {false, true}) {
    std::vector<std::pair<std::string, std::string>> q = {{"format", "structurespecificdata"}};
    if (is_flat) q.push_back({"dimensionAtObservation", "AllDimensions"});
    Response ss = Get("data/DF_SP_TGT/all/all", q);
    ASSERT_EQ(ss.status, 200);
    EXPECT_EQ(Validate(ss.body, true, is_flat, kTargetsDsdId), "") << is_flat;
    EXPECT_EQ(Count(ss.body, "<Obs "), 8);
    // The coverage's schema does not accept it (so the check means something).
    EXPECT_NE(Validate(ss.body, true, is_flat, kDsdId), "");
  }
  for (const char* detail : {"serieskeysonly", "nodata", "dataonly"}) {
    Response d = Get("data/DF_SP_TGT/all/all", {{"detail", detail}});
    ASSERT_EQ(d.status, 200) << detail;
    EXPECT_EQ(Validate(d.body), "") << detail;
  }

  // SDMX-JSON: LAO's 2030 target is 20.
  Response json = Get("data/DF_SP_TGT/A.SI_COV_CHLD.418...", {{"format", "jsondata"}});
  ASSERT_EQ(json.status, 200);
  auto j = nlohmann::json::parse(json.body);
  const auto& dims = j["structure"]["dimensions"]["series"];
  ASSERT_EQ(dims.size(), 6u);
  for (int i = 0; i < kKeyDimensions; ++i) EXPECT_EQ(dims[i]["id"], kTargetDimensionIds[i]);
  EXPECT_EQ(j["structure"]["dimensions"]["observation"][0]["values"].size(), 2u);  // 2019, 2030
  const auto& series = j["dataSets"][0]["series"];
  ASSERT_EQ(series.size(), 2u);
  std::map<std::string, double> by_type;
  for (const auto& [k, v] : series.items()) {
    int type_index = std::stoi(k.substr(k.rfind(':') + 1));
    std::string type = dims[5]["values"][type_index]["id"];
    for (const auto& [pos, row] : v["observations"].items()) by_type[type] = row[0];
  }
  EXPECT_EQ(by_type, (std::map<std::string, double>{{"BASELINE", 5.25}, {"TARGET", 20}}));

  // No results, and keys of the wrong length, as for the coverage flow.
  Response none = Get("data/DF_SP_TGT/A.SI_COV_CHLD.418...INTERIM");
  EXPECT_EQ(none.status, 404);
  EXPECT_NE(none.body.find("code=\"100\""), std::string::npos);
  EXPECT_EQ(Get("data/DF_SP_TGT/A.SI_COV_BENFTS.764...").status, 404);  // THA: a draft only
  EXPECT_EQ(Get("data/DF_SP_TGT/A.SI_COV_BENFTS.704...").status, 404);  // VNM: deleted
  Response bad = Get("data/DF_SP_TGT/A.SI_COV_BENFTS.116.._T");         // five parts
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("FREQ.SERIES.REF_AREA.SEX.AGE.TARGET_TYPE"), std::string::npos);
  // A streamed request is answered whole: the targets are few.
  Request streamed{"data/DF_SP_TGT/all/all", {}, "", kPrepared, true};
  Response whole = Handle(*store_, streamed);
  EXPECT_EQ(whole.status, 200);
  EXPECT_FALSE(whole.stream);
  EXPECT_EQ(whole.body, generic.body);
}

// A store that fails after the headers were sent: the first series is read before Handle()
// returns, then the observations table disappears (renamed from another connection), so the
// next series' query fails. The message must not look complete: SDMX-ML ends with the error
// comment and without its closing tags, SDMX-CSV just stops, and the stream reports failure (the
// server then aborts the chunked body). A failure before the first series is a whole 500.
TEST(SdmxStreamFailure, AStoreErrorMidMessageLeavesItVisiblyIncomplete) {
  const fs::path dir =
      fs::temp_directory_path() / ("spcoop_sdmx_fail_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string db = (dir / "spcoop.db").string();
  {
    auto store = OpenStore(db);
    ASSERT_TRUE(store) << store.error().ToString();
    ASSERT_TRUE((*store)->Migrate().ok());
    ASSERT_TRUE(ingest::LoadReferenceData(**store, SPCOOP_REFERENCE_DIR));
  }
  auto rename = [&](std::string_view from, std::string_view to) {
    auto other = OpenStore(db);
    ASSERT_TRUE(other);
    Status renamed = (*other)->Transact([&](sql::Tx& tx) -> Status {
      auto done = tx.Exec(fmt::format("ALTER TABLE {} RENAME TO {}", from, to), {});
      return done ? Status::Ok() : done.error();
    });
    ASSERT_TRUE(renamed.ok()) << renamed.ToString();
  };
  for (const char* format : {"genericdata", "structurespecificdata", "csv"}) {
    SCOPED_TRACE(format);
    auto opened = OpenStore(db);
    ASSERT_TRUE(opened);
    Store& store = **opened;
    Request r{"data/DF_SP_COV/all/all", {{"format", format}}, "", kPrepared, true};
    Response whole = Handle(store, Request{r.path, r.query, "", kPrepared, false});
    ASSERT_EQ(whole.status, 200);
    Response streamed = Handle(store, r);
    ASSERT_EQ(streamed.status, 200);
    ASSERT_TRUE(streamed.stream);
    rename("obs_revision", "obs_revision_away");
    std::string body;
    EXPECT_FALSE(streamed.stream([&](std::string_view piece) {
      body += piece;
      return true;
    }));
    rename("obs_revision_away", "obs_revision");
    // What was sent is the start of the whole message: the first series (SI_COV_BENFTS) whole.
    ASSERT_FALSE(body.empty());
    const bool csv = std::string_view(format) == "csv";
    const std::string sent = csv ? body : body.substr(0, body.find("\n<!-- SDMX error"));
    EXPECT_TRUE(whole.body.starts_with(sent));
    EXPECT_LT(sent.size(), whole.body.size());
    EXPECT_NE(sent.find("SI_COV_BENFTS"), std::string::npos);
    EXPECT_EQ(sent.find("SI_COV_CHLD"), std::string::npos);
    if (!csv) {
      EXPECT_TRUE(body.ends_with(" Query again. -->\n")) << body.substr(body.size() - 300);
      EXPECT_NE(body.find("<!-- SDMX error 500: this message is incomplete: the database failed "
                          "while it was sent ("),
                std::string::npos);
      EXPECT_EQ(body.find("</message:DataSet>"), std::string::npos);
    } else {
      EXPECT_TRUE(body.ends_with("\n"));  // whole rows only
    }
  }
  // Before the first series the status can still change: a whole SDMX error message.
  auto opened = OpenStore(db);
  ASSERT_TRUE(opened);
  rename("obs_revision", "obs_revision_away");
  Response failed = Handle(**opened, Request{"data/DF_SP_COV/all/all", {}, "", kPrepared, true});
  EXPECT_EQ(failed.status, 500);
  EXPECT_FALSE(failed.stream);
  EXPECT_NE(failed.body.find("<message:ErrorMessage code=\"500\">"), std::string::npos);
  rename("obs_revision_away", "obs_revision");
  opened->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace spcoop::sdmx
