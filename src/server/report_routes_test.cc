// Loopback tests of /api/v1/reports: a real Server over a SQLite file with the bundled
// reference data. The report must show the numbers GET /api/v1/progress returns.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "spcoop/ingest/reference.h"
#include "spcoop/server/server.h"
#include "running_server.h"
#include "spcoop/store/store.h"
#include "spcoop/store/workflow.h"

namespace spcoop::server {
namespace {

namespace fs = std::filesystem;

class ReportRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("spcoop_report_routes_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::string db = (dir_ / "spcoop.db").string();
    {
      auto store = OpenStore(db);
      ASSERT_TRUE(store) << store.error().ToString();
      ASSERT_TRUE((*store)->Migrate().ok());
      auto loaded = ingest::LoadReferenceData(**store, SPCOOP_REFERENCE_DIR);
      ASSERT_TRUE(loaded) << loaded.error().ToString();
      // One published Chinese narrative of Cambodia for 2025.
      Narrative n;
      n.key = {"KHM", "2025", "a", "zh"};
      n.stage = Stage::kInProgress;
      n.progress = "柬埔寨通过了国家社会保护政策框架。";
      std::vector<DraftChange> changes = {DraftChange::ForNarrative(n, {"focal", "edit", "2025"})};
      auto cs = AddDraftChanges(**store, "KHM", "focal", changes);
      ASSERT_TRUE(cs) << cs.error().ToString();
      ASSERT_TRUE(SubmitChangeset(**store, cs->id, "focal", "ready"));
      ASSERT_TRUE(PublishChangeset(**store, cs->id, "secretariat", "checked"));
    }
    server_ = std::make_unique<Running>(TestServerOptions(db));
    ASSERT_TRUE(server_->ok());
  }
  static void TearDownTestSuite() {
    server_.reset();
    fs::remove_all(dir_);
  }

  static httplib::Result Get(const std::string& path) {
    httplib::Client client("127.0.0.1", server_->port());
    client.set_read_timeout(30, 0);
    return client.Get(path);
  }

  // The error's code and the paths of its details.
  static std::pair<std::string, std::vector<std::string>> Error(const httplib::Result& r) {
    auto j = nlohmann::json::parse(r->body);
    std::vector<std::string> paths;
    for (const auto& d : j["details"]) paths.push_back(d["path"]);
    return {j["code"], paths};
  }

  static inline fs::path dir_;
  static inline std::unique_ptr<Running> server_;
};

TEST_F(ReportRoutesTest, NationalHtmlShowsTheProgressRouteNumbers) {
  auto report = Get("/api/v1/reports/national?economy=khm&period=2025&lang=en&format=html");
  ASSERT_TRUE(report);
  ASSERT_EQ(report->status, 200) << report->body;
  EXPECT_EQ(report->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(report->get_header_value("Content-Disposition"),
            "inline; filename=\"spcoop-national-KHM-2025-en.html\"");
  // The published narrative, in its own language.
  EXPECT_NE(report->body.find("<p lang=\"zh\">柬埔寨通过了国家社会保护政策框架。</p>"),
            std::string::npos);
  auto progress = Get("/api/v1/progress?economy=KHM");
  ASSERT_TRUE(progress);
  ASSERT_EQ(progress->status, 200);
  auto rows = nlohmann::json::parse(progress->body)["data"];
  ASSERT_GT(rows.size(), 10u);
  for (const auto& row : rows) {
    if (row["latest"].is_null()) continue;
    std::string latest = fmt::format("{:.1f} ({})", row["latest"]["value"].get<double>(),
                                     row["latest"]["year"].get<int>());
    EXPECT_NE(report->body.find(latest), std::string::npos) << row["series"] << " " << latest;
  }
}

TEST_F(ReportRoutesTest, PdfDownloads) {
  auto national = Get("/api/v1/reports/national?economy=KHM&period=2025&lang=zh&format=pdf");
  ASSERT_TRUE(national);
  ASSERT_EQ(national->status, 200) << national->body;
  EXPECT_EQ(national->get_header_value("Content-Type"), "application/pdf");
  EXPECT_EQ(national->get_header_value("Content-Disposition"),
            "attachment; filename=\"spcoop-national-KHM-2025-zh.pdf\"");
  EXPECT_EQ(national->body.substr(0, 5), "%PDF-");
  // pdf is the default format.
  auto regional_html = Get("/api/v1/reports/regional?period=2025&format=html");
  ASSERT_TRUE(regional_html);
  ASSERT_EQ(regional_html->status, 200);
  EXPECT_NE(regional_html->body.find("1 of 58 economies have published a national report"),
            std::string::npos);
  auto regional = Get("/api/v1/reports/regional?period=2025");
  ASSERT_TRUE(regional);
  ASSERT_EQ(regional->status, 200) << regional->body;
  EXPECT_EQ(regional->get_header_value("Content-Type"), "application/pdf");
  EXPECT_EQ(regional->body.substr(0, 5), "%PDF-");
}

TEST_F(ReportRoutesTest, BadRequestsAreRefusedWithJsonErrors) {
  auto unknown = Get("/api/v1/reports/national?economy=XYZ&period=2025");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(Error(unknown).first, "not_found");

  auto bad = Get("/api/v1/reports/national?economy=KHM&period=1990&lang=de&format=docx");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto [code, paths] = Error(bad);
  EXPECT_EQ(code, "invalid_argument");
  EXPECT_EQ(paths, (std::vector<std::string>{"query.period", "query.lang", "query.format"}));

  auto missing = Get("/api/v1/reports/regional?lang=en");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_EQ(Error(missing).second, std::vector<std::string>{"query.period"});

  auto extra = Get("/api/v1/reports/regional?period=2025&economy=KHM");
  ASSERT_TRUE(extra);
  EXPECT_EQ(extra->status, 400);  // economy is not a parameter of the regional report

  auto other = Get("/api/v1/reports/global?period=2025");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);

  httplib::Client client("127.0.0.1", server_->port());
  auto post = client.Post("/api/v1/reports/regional?period=2025", "", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->get_header_value("Allow"), "GET, HEAD, OPTIONS");
}

TEST_F(ReportRoutesTest, ConcurrentDownloadsAreEachComplete) {
  // The server's two worker threads draw two PDFs at once (each thread has its own Pango font
  // map and Cairo surface); both must come out whole and identical apart from the creation time.
  std::string bodies[2];
  int statuses[2] = {0, 0};
  std::thread threads[2];
  for (int i = 0; i < 2; ++i) {
    threads[i] = std::thread([i, &bodies, &statuses] {
      auto r = Get("/api/v1/reports/national?economy=KHM&period=2025&lang=zh&format=pdf");
      if (!r) return;
      statuses[i] = r->status;
      bodies[i] = r->body;
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(statuses[i], 200);
    EXPECT_EQ(bodies[i].substr(0, 5), "%PDF-");
    EXPECT_NE(bodies[i].find("%%EOF"), std::string::npos);
  }
  EXPECT_EQ(bodies[0].size(), bodies[1].size());
}

}  // namespace
}  // namespace spcoop::server
