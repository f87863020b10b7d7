// Loopback tests of the spreadsheet routes: /api/v1/export/observations and /api/v1/template, on
// a real Server over a SQLite file with the bundled reference data. Downloads are read back with
// the importer's parser, and compared with the store.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>

#include "spcoop/ingest/ingest.h"
#include "spcoop/ingest/reference.h"
#include "spcoop/server/server.h"
#include "running_server.h"
#include "spcoop/store/store.h"

namespace spcoop::server {
namespace {

namespace fs = std::filesystem;

class ExportRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("spcoop_export_routes_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string db = (dir_ / "spcoop.db").string();
    auto store = OpenStore(db);
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Migrate().ok());
    auto loaded = ingest::LoadReferenceData(*store_, SPCOOP_REFERENCE_DIR);
    ASSERT_TRUE(loaded) << loaded.error().ToString();
    server_ = std::make_unique<Running>(TestServerOptions(db));
    ASSERT_TRUE(server_->ok());
  }
  static void TearDownTestSuite() {
    server_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  static httplib::Result Fetch(const std::string& path) {
    httplib::Client client("127.0.0.1", server_->port());
    client.set_read_timeout(20, 0);
    return client.Get(path);
  }

  static std::vector<Observation> Read(const std::string& body, const std::string& name) {
    auto economies = store_->ListEconomies();
    EXPECT_TRUE(economies);
    auto parsed = ingest::Parse(body, name, *economies, {});
    EXPECT_TRUE(parsed);
    EXPECT_TRUE(parsed->errors.empty()) << parsed->errors.front().ToString();
    return parsed->rows;
  }

  static inline fs::path dir_;
  static inline std::unique_ptr<Store> store_;
  static inline std::unique_ptr<Running> server_;
};

TEST_F(ExportRoutesTest, ExportsTheSameRowsAsObservationsInCsvAndXlsx) {
  ObservationFilter f;
  f.series = {"SI_COV_PENSN"};
  f.economies = {"KHM", "LAO"};
  f.year_from = 2015;
  auto expected = store_->QueryObservations(f);
  ASSERT_TRUE(expected);
  ASSERT_GT(expected->size(), 3u);
  for (const char* format : {"csv", "xlsx"}) {
    SCOPED_TRACE(format);
    auto r = Fetch(std::string("/api/v1/export/observations?series=SI_COV_PENSN&economy=khm,LAO"
                               "&year_from=2015&lang=zh&format=") +
                   format);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Disposition"),
              std::string("attachment; filename=\"spcoop-observations.") + format + "\"");
    if (std::string(format) == "csv") {
      EXPECT_EQ(r->get_header_value("Content-Type"), "text/csv; charset=utf-8");
      EXPECT_NE(r->body.find(",柬埔寨,"), std::string::npos);  // economy_name in Chinese
    }
    std::vector<Observation> got = Read(r->body, std::string("export.") + format);
    ASSERT_EQ(got.size(), expected->size());
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].key, (*expected)[i].key);
      EXPECT_EQ(got[i].value, (*expected)[i].value);
      EXPECT_EQ(got[i].attributes, (*expected)[i].attributes);
    }
  }
}

TEST_F(ExportRoutesTest, TemplateDownload) {
  auto r = Fetch("/api/v1/template?economy=KHM&lang=fr");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(r->get_header_value("Content-Disposition"),
            "attachment; filename=\"spcoop-template-KHM-fr.xlsx\"");
  EXPECT_TRUE(r->body.starts_with(std::string("PK\x03\x04", 4)));
  auto economies = store_->ListEconomies();
  auto parsed = ingest::Parse(r->body, "template.xlsx", *economies, {});
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->errors.size(), 1u);  // read, but empty
  EXPECT_EQ(parsed->errors[0].problem, "the workbook has a header but no data rows");
}

TEST_F(ExportRoutesTest, BadParametersAreJsonErrors) {
  auto r = Fetch("/api/v1/export/observations?format=pdf&lang=de&sex=X");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("\"path\":\"query.format\""), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("\"path\":\"query.lang\""), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("\"path\":\"query.sex\""), std::string::npos) << r->body;
  r = Fetch("/api/v1/template?economy=XYZ");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("unknown economy 'XYZ'"), std::string::npos) << r->body;
  r = Fetch("/api/v1/template");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("query.economy"), std::string::npos) << r->body;
}

}  // namespace
}  // namespace spcoop::server
