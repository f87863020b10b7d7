// Round trip of the SDMX consumer against the provider: every 1.3.1 observation the provider
// serves from the bundled reference data, exported as SDMX-CSV, SDMX-ML GenericData (time series
// and flat) and StructureSpecificData, then imported into an empty store with the importer
// (ingest::ImportData), must come back with the same key, value and attributes.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "spcoop/ingest/ingest.h"
#include "spcoop/ingest/reference.h"
#include "spcoop/sdmx/sdmx.h"
#include "spcoop/store/store.h"
#include "spcoop/store/workflow.h"

namespace spcoop::sdmx {
namespace {

using Key = std::tuple<std::string, std::string, std::string, std::string, std::string, int>;

Key KeyOf(const Observation& o) {
  return {o.key.series, o.key.economy, o.key.sex, o.key.age, o.key.quantile, o.key.year};
}

class SdmxRoundTripTest : public ::testing::TestWithParam<const char*> {
 protected:
  static void SetUpTestSuite() {
    auto opened = OpenStore(":memory:");
    ASSERT_TRUE(opened) << opened.error().ToString();
    source_ = std::move(*opened);
    ASSERT_TRUE(source_->Migrate().ok());
    auto loaded = ingest::LoadReferenceData(*source_, SPCOOP_REFERENCE_DIR);
    ASSERT_TRUE(loaded) << loaded.error().ToString();
    // National values (REPORTING_TYPE N), published from Cambodia's focal point's change set:
    // one replaces a global value of 2019, one is a year of its own beside global years.
    std::vector<DraftChange> changes;
    for (auto [year, value] : {std::pair{2019, 17.5}, std::pair{2024, 30.25}}) {
      Observation o;
      o.key = {"SI_COV_BENFTS", "KHM", "_T", "_T", "_T", year};
      o.value = value;
      o.attributes.nature = "C";
      o.attributes.source = "National Social Security Fund";
      changes.push_back(DraftChange::ForObservation(o, {"focal_khm", "", "national figures"}));
    }
    auto cs = AddDraftChanges(*source_, "KHM", "focal_khm", changes);
    ASSERT_TRUE(cs) << cs.error().ToString();
    ASSERT_TRUE(SubmitChangeset(*source_, cs->id, "focal_khm", ""));
    auto published = PublishChangeset(*source_, cs->id, "secretariat", "checked");
    ASSERT_TRUE(published) << published.error().ToString();
  }
  static void TearDownTestSuite() { source_.reset(); }

  static inline std::unique_ptr<Store> source_;
};

TEST_P(SdmxRoundTripTest, ExportAllThenImportIntoAnEmptyStoreGivesTheSameObservations) {
  const std::string format = GetParam();
  std::vector<std::pair<std::string, std::string>> query = {{"format", format}};
  if (format.ends_with("-flat")) {
    query = {{"format", format.substr(0, format.size() - 5)},
             {"dimensionAtObservation", "AllDimensions"}};
  }
  Response exported = Handle(*source_, {"data/DF_SP_COV/all/all", query, "", ""});
  ASSERT_EQ(exported.status, 200) << exported.body.substr(0, 500);

  // The expected observations: what the store holds, for the quantile the DSD serves (_T).
  ObservationFilter all;
  all.quantile = "_T";
  auto expected = source_->QueryObservations(all);
  ASSERT_TRUE(expected);
  ASSERT_GT(expected->size(), 2000u);  // both bundled files, well over 2000 current keys
  int national = 0;
  for (const Observation& o : *expected) national += o.attributes.reporting_type == "N";
  ASSERT_EQ(national, 2);  // the change set's two values

  // An empty store that knows the economies (as after `spcoop init` without observations).
  auto opened = OpenStore(":memory:");
  ASSERT_TRUE(opened);
  std::unique_ptr<Store> target = std::move(*opened);
  ASSERT_TRUE(target->Migrate().ok());
  auto economies = source_->ListEconomies();
  ASSERT_TRUE(economies);
  ASSERT_TRUE(target->PutEconomies(*economies).ok());
  ObservationFilter any;
  ASSERT_EQ(*target->CountObservations(any), 0);

  ingest::ImportRequest request;
  request.provenance = {"tester", "", "round trip"};
  const std::string name = format == "csv" ? "export.csv" : "export.xml";
  auto report = ingest::ImportData(*target, exported.body, name, request);
  ASSERT_TRUE(report) << report.error().ToString()
                      << (report.error().details().empty()
                              ? std::string()
                              : "\n" + report.error().details()[0].path + ": " +
                                    report.error().details()[0].message);
  EXPECT_EQ(report->format, format == "csv" ? ingest::Format::kSdmxCsv : ingest::Format::kSdmxMl);
  EXPECT_EQ(report->record.added, static_cast<int64_t>(expected->size()));
  EXPECT_EQ(report->record.changed, 0);

  auto imported = target->QueryObservations(any);
  ASSERT_TRUE(imported);
  ASSERT_EQ(imported->size(), expected->size());
  std::map<Key, const Observation*> by_key;
  for (const Observation& o : *imported) by_key[KeyOf(o)] = &o;
  int compared = 0;
  for (const Observation& o : *expected) {
    auto it = by_key.find(KeyOf(o));
    ASSERT_NE(it, by_key.end()) << o.key.series << " " << o.key.economy << " " << o.key.year;
    const Observation& got = *it->second;
    EXPECT_EQ(got.value, o.value) << o.key.series << " " << o.key.economy << " " << o.key.year;
    EXPECT_EQ(got.attributes, o.attributes)
        << o.key.series << " " << o.key.economy << " " << o.key.year << ": nature '"
        << got.attributes.nature << "' vs '" << o.attributes.nature << "', source '"
        << got.attributes.source << "' vs '" << o.attributes.source << "'";
    EXPECT_EQ(got.state, o.state);
    ++compared;
  }
  EXPECT_EQ(compared, static_cast<int>(expected->size()));

  // Importing the same export again changes nothing.
  auto again = ingest::ImportData(*target, exported.body, name, request);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->record.added, 0);
  EXPECT_EQ(again->record.changed, 0);
  EXPECT_EQ(again->record.unchanged, static_cast<int64_t>(expected->size()));
}

INSTANTIATE_TEST_SUITE_P(Formats, SdmxRoundTripTest,
                         ::testing::Values("csv", "genericdata", "genericdata-flat",
                                           "structurespecificdata", "structurespecificdata-flat"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (c == '-') c = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace spcoop::sdmx
