// Loopback tests of /sdmx/rest: a real Server over a SQLite file with the bundled reference
// data, called the way R's rsdmx calls it (Accept and Content-Type application/xml, trailing /).
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>

#include "spcoop/ingest/reference.h"
#include "spcoop/server/server.h"
#include "running_server.h"
#include "spcoop/store/store.h"

namespace spcoop::server {
namespace {

namespace fs = std::filesystem;

class SdmxRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("spcoop_sdmx_routes_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string db = (dir_ / "spcoop.db").string();
    {
      auto store = OpenStore(db);
      ASSERT_TRUE(store) << store.error().ToString();
      ASSERT_TRUE((*store)->Migrate().ok());
      auto loaded = ingest::LoadReferenceData(**store, SPCOOP_REFERENCE_DIR);
      ASSERT_TRUE(loaded) << loaded.error().ToString();
    }
    server_ = std::make_unique<Running>(TestServerOptions(db));
    ASSERT_TRUE(server_->ok());
  }
  static void TearDownTestSuite() {
    server_.reset();
    fs::remove_all(dir_);
  }

  static httplib::Result Fetch(const std::string& path, const std::string& accept) {
    httplib::Client client("127.0.0.1", server_->port());
    client.set_read_timeout(20, 0);
    httplib::Headers headers = {{"Accept", accept}, {"Content-Type", "application/xml"}};
    return client.Get(path, headers);
  }

  static inline fs::path dir_;
  static inline std::unique_ptr<Running> server_;
};

TEST_F(SdmxRoutesTest, RsdmxStyleRequests) {
  auto flows = Fetch("/sdmx/rest/dataflow/all/all/latest/", "application/xml");
  ASSERT_TRUE(flows);
  EXPECT_EQ(flows->status, 200);
  EXPECT_TRUE(flows->get_header_value("Content-Type").starts_with(
      "application/vnd.sdmx.structure+xml"));
  EXPECT_NE(flows->body.find("id=\"DF_SP_COV\""), std::string::npos);

  auto dsd = Fetch("/sdmx/rest/datastructure/all/DSD_SP_COV/latest/?references=children",
                   "application/xml");
  ASSERT_TRUE(dsd);
  EXPECT_EQ(dsd->status, 200);
  EXPECT_NE(dsd->body.find("<str:Codelists>"), std::string::npos);

  auto data = Fetch(
      "/sdmx/rest/data/SPP,DF_SP_COV,1.0/A.G.SI_COV_BENFTS.116../all/"
      "?startPeriod=2010&endPeriod=2023",
      "application/xml");
  ASSERT_TRUE(data);
  EXPECT_EQ(data->status, 200);
  EXPECT_TRUE(data->get_header_value("Content-Type").starts_with(
      "application/vnd.sdmx.genericdata+xml"));
  EXPECT_NE(data->body.find("<generic:Value id=\"REF_AREA\" value=\"116\"/>"), std::string::npos);

  auto csv = Fetch("/sdmx/rest/data/DF_SP_COV/A.G.SI_COV_BENFTS.116../all",
                   "application/vnd.sdmx.data+csv;version=1.0.0");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_TRUE(csv->body.starts_with("DATAFLOW,FREQ,"));
}

TEST_F(SdmxRoutesTest, ErrorsAreSdmxMessages) {
  auto none = Fetch("/sdmx/rest/data/DF_SP_COV/A.G.SI_COV_BENFTS.116../all?startPeriod=2034",
                    "application/xml");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 404);
  EXPECT_NE(none->body.find("code=\"100\""), std::string::npos);
  auto bad = Fetch("/sdmx/rest/data/DF_SP_COV/A.G", "application/xml");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto unacceptable = Fetch("/sdmx/rest/data/DF_SP_COV/all", "application/pdf");
  ASSERT_TRUE(unacceptable);
  EXPECT_EQ(unacceptable->status, 406);
  // The JSON API is untouched.
  auto health = Fetch("/api/v1/health", "application/json");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

}  // namespace
}  // namespace spcoop::server
