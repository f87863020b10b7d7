// End-to-end tests of the HTTP server: a real Server on 127.0.0.1 (port 0) over a temporary
// SQLite file loaded with the bundled reference data, called over loopback with httplib::Client.
// Expected values come from the store itself (a separate connection) or are written out by hand.
#include "spcoop/server/server.h"
#include "running_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "spcoop/analysis/analysis.h"
#include "spcoop/ingest/reference.h"
#include "spcoop/store/store.h"

namespace spcoop::server {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// ------------------------------------------------------------------ helpers

struct Reply {
  int status = 0;
  std::string body;
  httplib::Headers headers;
  json body_json;  // parsed when the body is JSON

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

Reply Call(int port, const std::string& method, const std::string& path,
           const std::string& body = "") {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(20, 0);
  httplib::Result res = [&] {
    if (method == "HEAD") return client.Head(path);
    if (method == "POST") return client.Post(path, body, "text/plain");
    if (method == "DELETE") return client.Delete(path);
    if (method == "OPTIONS") return client.Options(path);
    return client.Get(path);
  }();
  Reply reply;
  if (!res) {
    ADD_FAILURE() << method << " " << path << ": " << httplib::to_string(res.error());
    return reply;
  }
  reply.status = res->status;
  reply.body = res->body;
  reply.headers = res->headers;
  if (res->get_header_value("Content-Type").starts_with("application/json") && method != "HEAD") {
    reply.body_json = json::parse(res->body, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(reply.body_json.is_discarded()) << "not JSON: " << res->body;
  }
  return reply;
}

Reply Get(int port, const std::string& path) { return Call(port, "GET", path); }

// Sends raw bytes and returns the answer: the headers and as many body bytes as its
// Content-Length says. (No half-close: httplib does not answer a client that has shut down its
// sending side.)
std::string RawExchange(int port, const std::string& bytes) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    EXPECT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
    char buf[4096];
    while (true) {
      size_t end = out.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t length = 0;
        size_t at = out.find("Content-Length: ");
        if (at != std::string::npos && at < end) length = std::stoul(out.substr(at + 16));
        if (out.size() >= end + 4 + length) break;
      }
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
  } else {
    ADD_FAILURE() << "cannot connect to port " << port;
  }
  ::close(fd);
  return out;
}

// Status code and JSON body of a raw HTTP/1.1 answer.
std::pair<int, json> ParseRaw(const std::string& answer) {
  int status = 0;
  if (answer.starts_with("HTTP/1.1 ")) status = std::stoi(answer.substr(9, 3));
  size_t body = answer.find("\r\n\r\n");
  json j = body == std::string::npos
               ? json()
               : json::parse(answer.substr(body + 4), nullptr, /*allow_exceptions=*/false);
  return {status, j};
}

fs::path MakeTempDir(const std::string& name) {
  fs::path dir =
      fs::temp_directory_path() / ("spcoop_server_test_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// The key whose history the tests build by hand: FJI has no labour market data in the
// reference files, so these three revisions are all it has.
const ObservationKey kHistoryKey{"SI_COV_LMKT", "FJI", "_T", "_T", "_T", 2018};

// ------------------------------------------------------------------ the shared server

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = MakeTempDir("suite");
    db_ = (dir_ / "spcoop.db").string();
    auto opened = OpenStore(db_);
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->Migrate().ok());
    auto loaded = ingest::LoadReferenceData(*store_, SPCOOP_REFERENCE_DIR);
    ASSERT_TRUE(loaded) << loaded.error().ToString();

    // A national target, for /targets and /progress.
    Target target;
    target.key = {"KHM", "SI_COV_BENFTS", "_T", "_T"};
    target.baseline_year = 2021;
    target.baseline_value = 20.0;
    target.interim_2025 = 40.0;
    target.target_2030 = 60.0;
    auto set = store_->SetTarget(target, {"alice", "edit", "national strategy 2016-2025"});
    ASSERT_TRUE(set) << set.error().ToString();

    // Three revisions of one key: added, changed, deleted.
    for (double value : {10.0, 12.5}) {
      ImportRecord record;
      record.file_name = "fiji.csv";
      record.format = "tidy-csv";
      record.source = "Fiji national data";
      record.provenance = {"bob", "", "national survey"};
      Observation o;
      o.key = kHistoryKey;
      o.value = value;
      o.attributes.source = "Fiji HIES";
      auto applied = store_->ApplyImport(record, {&o, 1}, {});
      ASSERT_TRUE(applied) << applied.error().ToString();
    }
    auto deleted = store_->DeleteObservation(kHistoryKey, {"carol", "edit", "duplicate"});
    ASSERT_TRUE(deleted) << deleted.error().ToString();

    ServerOptions options;
    options.database = db_;
    options.port = 0;
    options.threads = 4;
    options.max_body_bytes = 1024;
    options.max_upload_bytes = 2048;
    options.max_url_bytes = 2048;
    options.max_page_size = 50;
    options.default_page_size = 20;
    options.max_query_params = 12;
    options.log_requests = false;
    running_ = new Running(options);
    ASSERT_TRUE(running_->ok());
    port_ = running_->port();
  }

  static void TearDownTestSuite() {
    if (running_) {
      EXPECT_TRUE(running_->Stop().ok());
      delete running_;
      running_ = nullptr;
    }
    store_.reset();
    fs::remove_all(dir_);
  }

  void SetUp() override {
    if (!running_ || !running_->ok() || !store_) GTEST_SKIP() << "suite setup failed";
  }

  static Reply Api(const std::string& path) { return Get(port_, "/api/v1" + path); }

  static void ExpectError(const Reply& r, int status, const std::string& code,
                          const std::string& detail_path) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.body_json.value("code", ""), code) << r.body;
    EXPECT_TRUE(r.body_json.contains("message")) << r.body;
    ASSERT_TRUE(r.body_json.contains("details") && r.body_json["details"].is_array()) << r.body;
    if (!detail_path.empty()) {
      bool found = false;
      for (const json& d : r.body_json["details"]) found |= d.value("path", "") == detail_path;
      EXPECT_TRUE(found) << "no detail at " << detail_path << " in " << r.body;
    }
  }

  static inline fs::path dir_;
  static inline std::string db_;
  static inline std::unique_ptr<Store> store_;
  static inline Running* running_ = nullptr;
  static inline int port_ = 0;
};

TEST_F(ServerTest, HealthReportsTheSchemaVersion) {
  Reply r = Api("/health");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(r.body_json["status"], "ok");
  EXPECT_EQ(r.body_json["schema_version"], *store_->SchemaVersion());
}

TEST_F(ServerTest, SecurityHeadersOnEveryResponse) {
  std::vector<Reply> replies = {Api("/health"),
                                Api("/nothing"),
                                Get(port_, "/"),
                                Get(port_, "/x"),
                                Call(port_, "POST", "/api/v1/health"),
                                Api("/economies?page=1")};
  for (const Reply& r : replies) {
    EXPECT_EQ(r.Header("Content-Security-Policy"), "default-src 'self'; frame-ancestors 'none'")
        << r.status;
    EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff") << r.status;
    EXPECT_EQ(r.Header("Referrer-Policy"), "no-referrer") << r.status;
    EXPECT_EQ(r.Header("X-Frame-Options"), "DENY") << r.status;
  }
}

TEST_F(ServerTest, EconomiesListsEveryStoredEconomyWithFourNames) {
  Reply r = Api("/economies");
  ASSERT_EQ(r.status, 200) << r.body;
  auto stored = store_->ListEconomies();
  ASSERT_TRUE(stored);
  ASSERT_EQ(r.body_json["data"].size(), stored->size());
  EXPECT_EQ(stored->size(), 62u);  // the ESCAP membership the reference data describes
  for (const json& e : r.body_json["data"]) {
    for (const char* lang : {"en", "zh", "ru", "fr"}) {
      EXPECT_FALSE(e["names"][lang].get<std::string>().empty()) << e["iso3"] << " " << lang;
    }
    EXPECT_EQ(e["name"], e["names"]["en"]);
  }
}

TEST_F(ServerTest, EconomiesFilterBySubregionInAnyCase) {
  Reply r = Api("/economies?subregion=south-east%20asia");
  ASSERT_EQ(r.status, 200) << r.body;
  size_t expected = 0;
  auto economies = store_->ListEconomies();
  ASSERT_TRUE(economies);
  for (const Economy& e : *economies) expected += e.subregion == "South-East Asia";
  EXPECT_EQ(r.body_json["data"].size(), expected);
  EXPECT_EQ(expected, 11u);  // the 11 ASEAN+Timor-Leste members
  for (const json& e : r.body_json["data"]) EXPECT_EQ(e["subregion"], "South-East Asia");
  ExpectError(Api("/economies?subregion=Atlantis"), 404, "not_found", "query.subregion");
}

TEST_F(ServerTest, ChineseNamesComeOutAsUtf8) {
  Reply r = Api("/economies?lang=zh");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/json; charset=utf-8");
  // The raw bytes are UTF-8 characters, not \u escapes.
  EXPECT_NE(r.body.find("\"柬埔寨\""), std::string::npos);
  EXPECT_EQ(r.body.find("\\u"), std::string::npos);
  bool found = false;
  for (const json& e : r.body_json["data"]) {
    if (e["iso3"] == "KHM") {
      found = true;
      EXPECT_EQ(e["name"], "柬埔寨");
      EXPECT_EQ(e["names"]["zh"], "柬埔寨");
      EXPECT_EQ(e["names"]["en"], "Cambodia");
      EXPECT_EQ(e["name"], store_->GetEconomy("KHM")->name[static_cast<int>(Language::kZh)]);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(Api("/economies/CHN?lang=zh").body_json["name"], "中国");
  ExpectError(Api("/economies?lang=xx"), 400, "invalid_argument", "query.lang");
}

TEST_F(ServerTest, OneEconomyByCode) {
  Reply r = Api("/economies/khm");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body_json["iso3"], "KHM");
  EXPECT_EQ(r.body_json["m49"], "116");
  EXPECT_EQ(r.body_json["subregion"], "South-East Asia");
  EXPECT_EQ(r.body_json["ldc"], true);
  ExpectError(Api("/economies/XXX"), 404, "not_found", "path.iso3");
}

TEST_F(ServerTest, SeriesCatalogue) {
  Reply r = Api("/series?lang=ru");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.body_json["data"].size(), 12u);
  EXPECT_EQ(r.body_json["data"][0]["code"], "SI_COV_BENFTS");
  Reply one = Api("/series/SI_COV_MATNL");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.body_json["custodian"], "ILO");
  EXPECT_EQ(one.body_json["relevant_population"]["divisor"], 5.0);
  EXPECT_EQ(one.body_json["relevant_population"]["proxy"], true);
  EXPECT_EQ(Api("/series/SI_COV_DISAB").body_json["relevant_population"]["countable"], false);
  ExpectError(Api("/series/SI_COV_NOPE"), 404, "not_found", "path.code");
}

TEST_F(ServerTest, ObservationCountForAnEconomyMatchesTheStore) {
  ObservationFilter filter;
  filter.economies = {"KHM"};
  auto count = store_->CountObservations(filter);
  ASSERT_TRUE(count);
  ASSERT_GT(*count, 0);
  Reply r = Api("/observations?economy=KHM");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body_json["total"], *count);
  EXPECT_EQ(r.body_json["page"], 1);
  EXPECT_EQ(r.body_json["page_size"], 20);  // the suite's default
  EXPECT_EQ(r.body_json["data"].size(), std::min<size_t>(20, static_cast<size_t>(*count)));
  const json& first = r.body_json["data"][0];
  for (const char* field : {"series", "economy", "sex", "age", "quantile", "year", "value", "unit",
                            "nature", "source", "note", "reporting_type", "revision", "state"}) {
    EXPECT_TRUE(first.contains(field)) << field;
  }
  EXPECT_EQ(first["economy"], "KHM");
  EXPECT_EQ(first["state"], "published");
  // The first row is the store's first row, value for value.
  filter.limit = 1;
  Observation o = store_->QueryObservations(filter)->front();
  EXPECT_EQ(first["series"], o.key.series);
  EXPECT_EQ(first["year"], o.key.year);
  EXPECT_EQ(first["value"], o.value);
  EXPECT_EQ(first["revision"], o.revision);
}

TEST_F(ServerTest, PageTwoContinuesPageOne) {
  ObservationFilter filter;
  filter.economies = {"KHM", "THA"};
  filter.limit = 14;
  auto first14 = store_->QueryObservations(filter);
  ASSERT_TRUE(first14);
  ASSERT_EQ(first14->size(), 14u);
  filter.limit = 0;
  int64_t total = *store_->CountObservations(filter);

  Reply p1 = Api("/observations?economy=KHM,THA&page_size=7");
  Reply p2 = Api("/observations?economy=KHM,THA&page_size=7&page=2");
  ASSERT_EQ(p1.status, 200) << p1.body;
  ASSERT_EQ(p2.status, 200) << p2.body;
  EXPECT_EQ(p1.body_json["total"], total);
  EXPECT_EQ(p2.body_json["total"], total);
  EXPECT_EQ(p2.body_json["page"], 2);
  std::vector<json> rows;
  for (const json& o : p1.body_json["data"]) rows.push_back(o);
  for (const json& o : p2.body_json["data"]) rows.push_back(o);
  ASSERT_EQ(rows.size(), 14u);
  for (size_t i = 0; i < rows.size(); ++i) {
    const Observation& o = (*first14)[i];
    EXPECT_EQ(rows[i]["economy"], o.key.economy) << i;
    EXPECT_EQ(rows[i]["series"], o.key.series) << i;
    EXPECT_EQ(rows[i]["sex"], o.key.sex) << i;
    EXPECT_EQ(rows[i]["year"], o.key.year) << i;
    EXPECT_EQ(rows[i]["revision"], o.revision) << i;
  }
  // Past the last page: no rows, same total.
  Reply past = Api("/observations?economy=KHM,THA&page_size=7&page=100000");
  ASSERT_EQ(past.status, 200);
  EXPECT_TRUE(past.body_json["data"].empty());
  EXPECT_EQ(past.body_json["total"], total);
}

TEST_F(ServerTest, ObservationFiltersMatchTheStore) {
  ObservationFilter filter;
  filter.series = {"SI_COV_PENSN", "SI_COV_BENFTS"};
  filter.sex = "F";
  filter.year_from = 2010;
  filter.year_to = 2020;
  int64_t total = *store_->CountObservations(filter);
  ASSERT_GT(total, 0);
  Reply r =
      Api("/observations?series=si_cov_pensn,SI_COV_BENFTS&sex=FEMALE&year_from=2010&"
          "year_to=2020&page_size=50");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body_json["total"], total);
  for (const json& o : r.body_json["data"]) {
    EXPECT_EQ(o["sex"], "F");
    EXPECT_GE(o["year"].get<int>(), 2010);
    EXPECT_LE(o["year"].get<int>(), 2020);
    EXPECT_TRUE(o["series"] == "SI_COV_PENSN" || o["series"] == "SI_COV_BENFTS") << o;
  }
}

TEST_F(ServerTest, UnknownParameterIsRejectedWithTheAcceptedOnes) {
  Reply r = Api("/observations?economy=KHM&colour=red");
  ExpectError(r, 400, "invalid_argument", "query.colour");
  EXPECT_NE(r.body_json["message"].get<std::string>().find("page_size"), std::string::npos)
      << r.body;
  ExpectError(Api("/health?verbose=1"), 400, "invalid_argument", "query.verbose");
}

TEST_F(ServerTest, PageSizeOverTheMaximumNamesTheMaximum) {
  Reply r = Api("/observations?page_size=51");
  ExpectError(r, 400, "invalid_argument", "query.page_size");
  EXPECT_NE(r.body_json["message"].get<std::string>().find("50"), std::string::npos) << r.body;
  ExpectError(Api("/observations?page_size=0"), 400, "invalid_argument", "query.page_size");
  ExpectError(Api("/observations?page_size=ten"), 400, "invalid_argument", "query.page_size");
  ExpectError(Api("/observations?page=0"), 400, "invalid_argument", "query.page");
  EXPECT_EQ(Api("/observations?page_size=50").status, 200);
}

TEST_F(ServerTest, UnknownEconomyOrSeriesIsNotFoundNamingTheParameter) {
  Reply r = Api("/observations?economy=KHM,XXX");
  ExpectError(r, 404, "not_found", "query.economy");
  EXPECT_NE(r.body_json["message"].get<std::string>().find("XXX"), std::string::npos);
  ExpectError(Api("/observations?series=SI_COV_NOPE"), 404, "not_found", "query.series");
  ExpectError(Api("/targets?economy=ZZZ"), 404, "not_found", "query.economy");
}

TEST_F(ServerTest, BadYearsAndCodesAreInvalid) {
  ExpectError(Api("/observations?year_from=abc"), 400, "invalid_argument", "query.year_from");
  ExpectError(Api("/observations?year_to=1800"), 400, "invalid_argument", "query.year_to");
  ExpectError(Api("/observations?year_from=2020&year_to=2010"), 400, "invalid_argument",
              "query.year_to");
  ExpectError(Api("/observations?sex=X"), 400, "invalid_argument", "query.sex");
  ExpectError(Api("/observations?age=old"), 400, "invalid_argument", "query.age");
  ExpectError(Api("/observations?quantile=Q9"), 400, "invalid_argument", "query.quantile");
  ExpectError(Api("/observations?economy=KHM&economy=THA"), 400, "invalid_argument",
              "query.economy");
  // Several problems at once: all of them are reported.
  Reply r = Api("/observations?year_from=x&page=y&foo=1");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body_json["details"].size(), 3u) << r.body;
}

TEST_F(ServerTest, TargetsShowWhoSetThemWhenAndWhy) {
  Reply r = Api("/targets?economy=KHM");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.body_json["data"].size(), 1u);
  const json& t = r.body_json["data"][0];
  EXPECT_EQ(t["series"], "SI_COV_BENFTS");
  EXPECT_EQ(t["baseline_year"], 2021);
  EXPECT_EQ(t["baseline_value"], 20.0);
  EXPECT_EQ(t["interim_2025"], 40.0);
  EXPECT_EQ(t["target_2030"], 60.0);
  EXPECT_EQ(t["author"], "alice");
  EXPECT_EQ(t["reason"], "national strategy 2016-2025");
  EXPECT_FALSE(t["recorded_at"].get<std::string>().empty());
  EXPECT_TRUE(Api("/targets?economy=THA").body_json["data"].empty());
  EXPECT_TRUE(Api("/targets?series=SI_COV_PENSN").body_json["data"].empty());
}

TEST_F(ServerTest, ProgressForCambodiaCoversEverySeriesKeyItHasDataFor) {
  // The acceptance check: /progress?economy=KHM has one assessment per (series, sex, age,
  // quantile) key with data for KHM.
  ObservationFilter filter;
  filter.economies = {"KHM"};
  std::set<std::tuple<std::string, std::string, std::string, std::string>> keys;
  std::set<std::string> series;
  auto observations = store_->QueryObservations(filter);
  ASSERT_TRUE(observations);
  for (const Observation& o : *observations) {
    keys.insert({o.key.series, o.key.sex, o.key.age, o.key.quantile});
    series.insert(o.key.series);
  }
  ASSERT_FALSE(keys.empty());

  Reply r = Api("/progress?economy=KHM");
  ASSERT_EQ(r.status, 200) << r.body;
  const json& data = r.body_json["data"];
  ASSERT_EQ(data.size(), keys.size()) << r.body;
  std::set<std::tuple<std::string, std::string, std::string, std::string>> got;
  std::set<std::string> got_series;
  const std::set<std::string> statuses = {"target_achieved",    "on_track",
                                          "needs_acceleration", "regressing",
                                          "insufficient_data",  "no_data"};
  for (const json& a : data) {
    EXPECT_EQ(a["economy"], "KHM");
    got.insert({a["series"].get<std::string>(), a["sex"].get<std::string>(),
                a["age"].get<std::string>(), a["quantile"].get<std::string>()});
    got_series.insert(a["series"].get<std::string>());
    EXPECT_TRUE(statuses.contains(a["status"].get<std::string>())) << a["status"];
    // Every field is present; missing optionals are null, not absent.
    for (const char* field :
         {"target", "default_target", "target_note", "baseline", "latest", "observations",
          "trend_observations", "current_status_index", "anticipated_progress_index",
          "projected_2025", "projected_2030", "gap_to_interim", "people_not_covered_latest",
          "people_not_covered_latest_year", "people_not_covered_2030", "population_proxy",
          "population_note", "reason"}) {
      EXPECT_TRUE(a.contains(field)) << field;
    }
    EXPECT_GT(a["observations"].get<int>(), 0);
    EXPECT_TRUE(a["latest"].is_object()) << a;  // every key has data
  }
  EXPECT_EQ(got, keys);
  EXPECT_EQ(got_series, series);
  // The national target set in the fixture is the one assessed for the total population.
  for (const json& a : data) {
    if (a["series"] == "SI_COV_BENFTS" && a["sex"] == "_T" && a["age"] == "_T" &&
        a["quantile"] == "_T") {
      EXPECT_EQ(a["default_target"], false);
      EXPECT_EQ(a["target"]["target_2030"], 60.0);
    }
  }
}

TEST_F(ServerTest, ProgressBySubregionAndItsErrors) {
  Reply r = Api("/progress?subregion=Pacific");
  ASSERT_EQ(r.status, 200) << r.body;
  std::set<std::string> pacific;
  auto economies = store_->ListEconomies();
  ASSERT_TRUE(economies);
  for (const Economy& e : *economies) {
    if (e.subregion == "Pacific") pacific.insert(e.iso3);
  }
  ASSERT_FALSE(r.body_json["data"].empty());
  for (const json& a : r.body_json["data"]) {
    EXPECT_TRUE(pacific.contains(a["economy"].get<std::string>())) << a["economy"];
  }
  ExpectError(Api("/progress"), 400, "invalid_argument", "query.economy");
  ExpectError(Api("/progress?economy=KHM&subregion=Pacific"), 400, "invalid_argument",
              "query.subregion");
  ExpectError(Api("/progress?economy=XXX"), 404, "not_found", "query.economy");
  ExpectError(Api("/progress?subregion=Atlantis"), 404, "not_found", "query.subregion");
}

TEST_F(ServerTest, AggregatesKeepIloEstimatesApart) {
  Reply r = Api("/aggregates?series=SI_COV_BENFTS&sex=_T&year_from=2015&year_to=2020");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_FALSE(r.body_json["data"].empty()) << r.body;
  std::set<std::string> groups;
  for (const json& row : r.body_json["data"]) {
    EXPECT_EQ(row["series"], "SI_COV_BENFTS");
    EXPECT_EQ(row["sex"], "_T");
    EXPECT_GE(row["year"].get<int>(), 2015);
    EXPECT_LE(row["year"].get<int>(), 2020);
    EXPECT_FALSE(row.contains("region")) << "ILO fields leaked into spcoop's rows";
    groups.insert(row["group"].get<std::string>());
  }
  EXPECT_TRUE(groups.contains("Asia and the Pacific"));
  EXPECT_FALSE(groups.contains("X40"));

  // ILO's own estimates: exactly the stored X40 rows for the series, sex and years asked.
  size_t expected = 0;
  auto estimates = store_->QueryRegionalEstimates("X40", "SI_COV_BENFTS");
  ASSERT_TRUE(estimates);
  for (const RegionalEstimate& e : *estimates) {
    expected += e.sex == "_T" && e.year >= 2015 && e.year <= 2020;
  }
  ASSERT_GT(expected, 0u);
  const json& ilo = r.body_json["ilo_estimates"];
  ASSERT_TRUE(ilo.is_array());
  EXPECT_EQ(ilo.size(), expected);
  for (const json& e : ilo) {
    EXPECT_EQ(e["region"], "X40");
    EXPECT_EQ(e["estimate"], "ilo_modelled");
    EXPECT_EQ(e["series"], "SI_COV_BENFTS");
  }
  EXPECT_NE(r.body_json["ilo_estimates_note"].get<std::string>().find("not part of spcoop"),
            std::string::npos);
}

TEST_F(ServerTest, AggregatesByGroupAndTheirErrors) {
  Reply r = Api("/aggregates?series=SI_COV_BENFTS&group=pacific&carry_forward=3");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body_json["carry_forward"], 3);
  for (const json& row : r.body_json["data"]) EXPECT_EQ(row["group"], "Pacific");
  ExpectError(Api("/aggregates?group=Atlantis"), 404, "not_found", "query.group");
  ExpectError(Api("/aggregates?carry_forward=99"), 400, "invalid_argument", "query.carry_forward");
  ExpectError(Api("/aggregates?series=NOPE"), 404, "not_found", "query.series");
}

TEST_F(ServerTest, HistoryListsEveryRevisionOldestFirst) {
  Reply r = Api("/history?series=SI_COV_LMKT&economy=FJI&year=2018");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body_json["key"]["economy"], "FJI");
  EXPECT_EQ(r.body_json["key"]["sex"], "_T");
  const json& data = r.body_json["data"];
  ASSERT_EQ(data.size(), 3u) << r.body;
  EXPECT_EQ(data[0]["value"], 10.0);
  EXPECT_EQ(data[0]["deleted"], false);
  EXPECT_EQ(data[0]["author"], "bob");
  EXPECT_EQ(data[0]["source"], "Fiji HIES");
  EXPECT_TRUE(data[0]["import_id"].is_number());
  EXPECT_EQ(data[1]["value"], 12.5);
  EXPECT_EQ(data[2]["value"], nullptr);
  EXPECT_EQ(data[2]["deleted"], true);
  EXPECT_EQ(data[2]["author"], "carol");
  EXPECT_EQ(data[2]["reason"], "duplicate");
  EXPECT_EQ(data[2]["import_id"], nullptr);
  EXPECT_LT(data[0]["revision"].get<int64_t>(), data[1]["revision"].get<int64_t>());
  // The deleted key is no longer current.
  EXPECT_EQ(Api("/observations?economy=FJI&series=SI_COV_LMKT").body_json["total"], 0);
  // A key that never existed has an empty history.
  EXPECT_TRUE(Api("/history?series=SI_COV_LMKT&economy=FJI&year=1999").body_json["data"].empty());
  ExpectError(Api("/history?series=SI_COV_LMKT&economy=FJI"), 400, "invalid_argument",
              "query.year");
  ExpectError(Api("/history?series=SI_COV_LMKT&economy=ZZZ&year=2018"), 404, "not_found",
              "query.economy");
}

TEST_F(ServerTest, ImportsAreListedNewestFirst) {
  Reply r = Api("/imports");
  ASSERT_EQ(r.status, 200) << r.body;
  auto stored = store_->ListImports();
  ASSERT_TRUE(stored);
  ASSERT_EQ(r.body_json["data"].size(), stored->size());
  ASSERT_GE(stored->size(), 2u);
  EXPECT_EQ(r.body_json["data"][0]["id"], stored->front().id);
  EXPECT_EQ(r.body_json["data"][0]["file_name"], "fiji.csv");
  EXPECT_EQ(r.body_json["data"][0]["author"], "bob");
}

TEST_F(ServerTest, UnknownRouteIsJson404) {
  ExpectError(Api("/nothing"), 404, "not_found", "");
  ExpectError(Get(port_, "/api/v2/health"), 404, "not_found", "");
  ExpectError(Get(port_, "/no/such/page"), 404, "not_found", "");
}

TEST_F(ServerTest, WrongMethodIsJson405WithAllow) {
  for (const char* method : {"POST", "DELETE"}) {
    Reply r = Call(port_, method, "/api/v1/economies");
    ExpectError(r, 405, "invalid_argument", "");
    EXPECT_EQ(r.Header("Allow"), "GET, HEAD, OPTIONS");
  }
  Reply options = Call(port_, "OPTIONS", "/api/v1/economies");
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(options.Header("Allow"), "GET, HEAD, OPTIONS");
  auto [trace_status, trace_body] =
      ParseRaw(RawExchange(port_, "TRACE /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(trace_status, 405);
  EXPECT_EQ(trace_body.value("code", ""), "invalid_argument");
  Reply head = Call(port_, "HEAD", "/api/v1/health");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

TEST_F(ServerTest, BodyOverTheLimitIs413) {
  Reply r = Call(port_, "POST", "/api/v1/economies", std::string(4096, 'x'));
  ExpectError(r, 413, "resource_exhausted", "");
  // A body within the limit is read and the method refused.
  EXPECT_EQ(Call(port_, "POST", "/api/v1/economies", "small").status, 405);
  // A GET announcing a large body is refused without reading it.
  auto [status, body] = ParseRaw(
      RawExchange(port_, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n"));
  EXPECT_EQ(status, 413);
  EXPECT_EQ(body.value("code", ""), "resource_exhausted");
}

TEST_F(ServerTest, ChunkedBodiesAreRefused) {
  auto [status, body] = ParseRaw(
      RawExchange(port_,
                  "POST /api/v1/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "5\r\nhello\r\n0\r\n\r\n"));
  EXPECT_EQ(status, 411);
  EXPECT_EQ(body.value("code", ""), "invalid_argument");
}

TEST_F(ServerTest, LongUrlsAndTooManyParametersAre414) {
  Reply r = Api("/observations?economy=" + std::string(3000, 'A'));
  ExpectError(r, 414, "resource_exhausted", "");
  EXPECT_NE(r.body_json["message"].get<std::string>().find("2048"), std::string::npos);
  std::string many = "/economies?";
  for (int i = 0; i < 13; ++i) {
    many += 'p';
    many += std::to_string(i);
    many += "=1&";
  }
  ExpectError(Api(many), 414, "resource_exhausted", "");
  // Over httplib's own request line limit the answer is still JSON.
  auto [status, body] = ParseRaw(RawExchange(
      port_, "GET /api/v1/health?x=" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(status, 414);
  EXPECT_EQ(body.value("code", ""), "resource_exhausted");
}

TEST_F(ServerTest, MalformedRequestGetsJson400) {
  auto [status, body] = ParseRaw(RawExchange(port_, "NONSENSE\r\n\r\n"));
  EXPECT_EQ(status, 400);
  EXPECT_EQ(body.value("code", ""), "invalid_argument");
}

TEST_F(ServerTest, LandingPageDescribesTheApi) {
  Reply r = Get(port_, "/");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("/api/v1/progress?economy=KHM"), std::string::npos);
  Reply index = Api("");
  ASSERT_EQ(index.status, 200) << index.body;
  // Every route is listed once with its method: the 12 public reads and the account routes.
  std::set<std::string> seen;
  for (const auto& route : index.body_json["routes"]) {
    EXPECT_TRUE(seen.insert(route.value("method", "") + " " + route.value("path", "")).second);
  }
  EXPECT_TRUE(seen.contains("GET /api/v1/observations"));
  EXPECT_TRUE(seen.contains("POST /api/v1/session"));
  EXPECT_TRUE(seen.contains("POST /api/v1/changesets/{id}/publish"));
}

TEST_F(ServerTest, ConcurrentRequestsEachGetTheirOwnStore) {
  const std::string expected = Api("/observations?economy=KHM&page_size=50").body;
  ASSERT_FALSE(expected.empty());
  std::atomic<int> mismatches{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        httplib::Client client("127.0.0.1", port_);
        auto res = client.Get("/api/v1/observations?economy=KHM&page_size=50");
        if (!res || res->status != 200 || res->body != expected) ++mismatches;
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(mismatches, 0);
}

// ------------------------------------------------------------------ servers of their own

class ServerLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    db_ = (dir_ / "spcoop.db").string();
    auto store = OpenStore(db_);
    ASSERT_TRUE(store) << store.error().ToString();
    ASSERT_TRUE((*store)->Migrate().ok());
    Economy khm;
    khm.iso3 = "KHM";
    khm.name = {"Cambodia", "柬埔寨", "Камбоджа", "Cambodge"};
    khm.subregion = "South-East Asia";
    ASSERT_TRUE((*store)->PutEconomies({&khm, 1}).ok());
    options_.database = db_;
    options_.port = 0;
    options_.threads = 2;
    options_.log_requests = false;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::string db_;
  ServerOptions options_;
};

TEST_F(ServerLifecycleTest, StopShutsDownCleanlyAndLogsEachRequest) {
  options_.log_requests = true;
  ::testing::internal::CaptureStderr();
  int port = 0;
  {
    Running running(options_);
    ASSERT_TRUE(running.ok());
    port = running.port();
    EXPECT_EQ(Get(port, "/api/v1/economies/KHM").status, 200);
    EXPECT_EQ(Get(port, "/api/v1/economies/XXX").status, 404);
    Status listened = running.Stop();  // joins the Listen() thread
    EXPECT_TRUE(listened.ok()) << listened.ToString();
    running.server().Stop();  // idempotent
  }
  std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(log.find("GET /api/v1/economies/KHM 200 "), std::string::npos) << log;
  EXPECT_NE(log.find("GET /api/v1/economies/XXX 404 "), std::string::npos) << log;
  EXPECT_NE(log.find(" ms\n"), std::string::npos) << log;
  // Nothing listens any more.
  httplib::Client client("127.0.0.1", port);
  EXPECT_FALSE(client.Get("/api/v1/health"));
}

TEST_F(ServerLifecycleTest, StopBeforeListenMakesListenReturnAndFreesThePort) {
  auto server = Server::Create(options_);
  ASSERT_TRUE(server) << server.error().ToString();
  ASSERT_TRUE((*server)->Bind().ok());
  int port = (*server)->port();
  EXPECT_GT(port, 0);
  (*server)->Stop();
  EXPECT_TRUE((*server)->Listen().ok());  // returns at once
  EXPECT_EQ((*server)->Listen().code(), StatusCode::kFailedPrecondition);
  // The port is free again.
  options_.port = port;
  auto again = Server::Create(options_);
  ASSERT_TRUE(again);
  EXPECT_TRUE((*again)->Bind().ok());
}

// Stop() racing Listen()'s start, from another thread, in both orders: Listen() always returns.
TEST_F(ServerLifecycleTest, StopRacingListenNeverHangs) {
  options_.threads = 1;
  for (int i = 0; i < 50; ++i) {
    auto server = Server::Create(options_);
    ASSERT_TRUE(server) << server.error().ToString();
    ASSERT_TRUE((*server)->Bind().ok());
    Status listened;
    std::thread listen([&] { listened = (*server)->Listen(); });
    if (i % 2 == 0) std::this_thread::yield();
    (*server)->Stop();
    listen.join();
    EXPECT_TRUE(listened.ok()) << listened.ToString();
  }
}

TEST_F(ServerLifecycleTest, DestroyingABoundServerFreesThePort) {
  int port = 0;
  {
    auto server = Server::Create(options_);
    ASSERT_TRUE(server);
    ASSERT_TRUE((*server)->Bind().ok());
    port = (*server)->port();
  }
  options_.port = port;
  auto again = Server::Create(options_);
  ASSERT_TRUE(again);
  EXPECT_TRUE((*again)->Bind().ok());
}

TEST_F(ServerLifecycleTest, PortInUseIsUnavailable) {
  auto first = Server::Create(options_);
  ASSERT_TRUE(first);
  ASSERT_TRUE((*first)->Bind().ok());
  options_.port = (*first)->port();
  auto second = Server::Create(options_);
  ASSERT_TRUE(second);
  // ASSERT: were the bind to succeed, Listen() would serve and never return.
  ASSERT_EQ((*second)->Bind().code(), StatusCode::kUnavailable);
  ASSERT_EQ((*second)->Listen().code(), StatusCode::kUnavailable);
}

TEST_F(ServerLifecycleTest, CreateChecksTheDatabaseAndOptions) {
  ServerOptions o = options_;
  o.database = (dir_ / "missing.db").string();
  EXPECT_EQ(Server::Create(o).error().code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(fs::exists(dir_ / "missing.db"));  // not created as a side effect
  o.database = ":memory:";
  EXPECT_EQ(Server::Create(o).error().code(), StatusCode::kFailedPrecondition);
  // A file without the schema.
  std::string empty = (dir_ / "empty.db").string();
  ASSERT_TRUE(OpenStore(empty));
  o.database = empty;
  auto created = Server::Create(o);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(created.error().message().find("spcoop init"), std::string::npos);

  o = options_;
  o.threads = 0;
  EXPECT_EQ(Server::Create(o).error().code(), StatusCode::kInvalidArgument);
  o = options_;
  o.default_page_size = o.max_page_size + 1;
  EXPECT_EQ(Server::Create(o).error().code(), StatusCode::kInvalidArgument);
  o = options_;
  o.web_root = (dir_ / "no-such-folder").string();
  EXPECT_EQ(Server::Create(o).error().code(), StatusCode::kNotFound);
}

TEST_F(ServerLifecycleTest, WebRootServesFilesAndFallsBackToIndexForAppRoutes) {
  fs::path web = dir_ / "web";
  fs::create_directories(web / "assets");
  std::ofstream(web / "index.html") << "<!doctype html><title>app</title>";
  std::ofstream(web / "assets" / "app.js") << "console.log('spcoop');";
  options_.web_root = web.string();
  Running running(options_);
  ASSERT_TRUE(running.ok());
  int port = running.port();

  Reply root = Get(port, "/");
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.body, "<!doctype html><title>app</title>");
  EXPECT_EQ(root.Header("X-Content-Type-Options"), "nosniff");
  Reply js = Get(port, "/assets/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log('spcoop');");
  EXPECT_NE(js.Header("Content-Type").find("javascript"), std::string::npos);
  // A client-side route: index.html.
  Reply route = Get(port, "/economies/KHM/progress");
  EXPECT_EQ(route.status, 200);
  EXPECT_EQ(route.body, "<!doctype html><title>app</title>");
  EXPECT_EQ(route.Header("Content-Security-Policy"), "default-src 'self'; frame-ancestors 'none'");
  // A missing file is not an app route.
  EXPECT_EQ(Get(port, "/assets/missing.js").status, 404);
  // Path traversal stays inside the web root.
  EXPECT_NE(Get(port, "/../spcoop.db").status, 200);
  // The API is still the API.
  EXPECT_EQ(Get(port, "/api/v1/health").body_json["status"], "ok");
  EXPECT_EQ(Get(port, "/api/v1/nothing").status, 404);
  EXPECT_EQ(Call(port, "POST", "/index.html", "x").status, 405);
  EXPECT_TRUE(running.Stop().ok());
}

// The web build writes FILE.gz beside each script and JSON file: sent as is to a browser that
// accepts gzip, never recompressed (httplib's own Brotli would take seconds on a large script).
TEST_F(ServerLifecycleTest, WebRootSendsTheGzipCopyOfScriptsToBrowsersThatAcceptIt) {
  fs::path web = dir_ / "web";
  fs::create_directories(web / "assets");
  std::ofstream(web / "index.html") << "<!doctype html><title>app</title>";
  std::ofstream(web / "assets" / "app.js") << "console.log('spcoop');";
  // The server does not look inside the copy: distinct bytes show which file was sent.
  std::ofstream(web / "assets" / "app.js.gz") << "GZIP-COPY";
  std::ofstream(web / "map.json") << "{\"type\":\"FeatureCollection\"}";
  options_.web_root = web.string();
  Running running(options_);
  ASSERT_TRUE(running.ok());
  int port = running.port();
  auto get = [&](const std::string& path, const std::string& accept) {
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
    if (!accept.empty()) request += "Accept-Encoding: " + accept + "\r\n";
    return RawExchange(port, request + "\r\n");
  };
  auto body = [](const std::string& raw) { return raw.substr(raw.find("\r\n\r\n") + 4); };

  std::string gz = get("/assets/app.js", "gzip, deflate, br, zstd");
  EXPECT_NE(gz.find("Content-Encoding: gzip\r\n"), std::string::npos) << gz;
  EXPECT_NE(gz.find("Content-Type: application/javascript; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(gz.find("Vary: Accept-Encoding\r\n"), std::string::npos);
  EXPECT_NE(gz.find("Content-Length: 9\r\n"), std::string::npos);
  EXPECT_EQ(body(gz), "GZIP-COPY");
  // No gzip accepted (Brotli only, or nothing): the file itself, not compressed.
  for (const std::string accept : {"br", ""}) {
    std::string plain = get("/assets/app.js", accept);
    EXPECT_EQ(plain.find("Content-Encoding"), std::string::npos) << plain;
    EXPECT_EQ(body(plain), "console.log('spcoop');");
  }
  // A JSON file without a copy: sent as is even to a browser that accepts Brotli.
  std::string json_file = get("/map.json", "gzip, br");
  EXPECT_EQ(json_file.find("Content-Encoding"), std::string::npos) << json_file;
  EXPECT_EQ(body(json_file), "{\"type\":\"FeatureCollection\"}");
  EXPECT_TRUE(running.Stop().ok());
}

}  // namespace
}  // namespace spcoop::server
