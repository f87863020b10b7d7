// The simulation job routes over loopback HTTP, on SQLite and PostgreSQL: a run's stored result
// equals the engine's own run on the same inputs, the downloaded package reproduces it, bad
// schemes name their JSON path, limits, a full queue, a restart, listing and CSRF.
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "../store/pg_test_schema.h"
#include "running_server.h"
#include "spcoop/auth/auth.h"
#include "spcoop/ingest/reference.h"
#include "spcoop/simulate/engine.h"
#include "spcoop/simulate/report.h"
#include "spcoop/simulate/rules.h"
#include "spcoop/simulate/synthetic.h"
#include "spcoop/store/accounts.h"
#include "spcoop/store/simulation.h"
#include "spcoop/store/store.h"

namespace spcoop::server {
namespace {

namespace sim = spcoop::simulate;
using json = nlohmann::json;

constexpr char kPassword[] = "a long test passphrase";
const std::string kRules = SPCOOP_RULES_DIR;
const std::string kChildFile = kRules + "/examples/universal_child_benefit.yaml";

using Reply = ApiReply;

struct Caller {
  std::string cookie, csrf, bearer;
  bool send_csrf = true;
};

std::string Sha256Hex(const std::string& text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

// Differences between two results: numbers within a relative 1e-9 (the engine merges per-thread
// sums in any order), everything else exactly; keys in `skip` are not compared.
void Compare(const json& a, const json& b, const std::string& path,
             const std::set<std::string>& skip, std::vector<std::string>& out) {
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>(), y = b.get<double>();
    if (std::abs(x - y) > 1e-9 * std::max(1.0, std::abs(x))) {
      out.push_back(fmt::format("{}: {} != {}", path, x, y));
    }
    return;
  }
  if (a.type() != b.type()) {
    out.push_back(path + ": " + a.dump() + " != " + b.dump());
    return;
  }
  if (a.is_object()) {
    for (const auto& [k, v] : a.items()) {
      if (skip.contains(k)) continue;
      if (!b.contains(k)) {
        out.push_back(path + "." + k + " missing");
        continue;
      }
      Compare(v, b[k], path + "." + k, skip, out);
    }
    for (const auto& [k, v] : b.items()) {
      if (!skip.contains(k) && !a.contains(k)) out.push_back(path + "." + k + " extra");
    }
  } else if (a.is_array()) {
    if (a.size() != b.size()) {
      out.push_back(fmt::format("{}: {} items != {}", path, a.size(), b.size()));
      return;
    }
    for (size_t i = 0; i < a.size(); ++i) {
      Compare(a[i], b[i], fmt::format("{}[{}]", path, i), skip, out);
    }
  } else if (a != b) {
    out.push_back(path + ": " + a.dump() + " != " + b.dump());
  }
}

class SimulationApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDatabase>(GetParam(), "spcoop_simulation_api_test");
    if (db_->skipped()) GTEST_SKIP() << kNoPostgres;
    auto opened = OpenStore(db_->uri());
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->Migrate().ok());
    auto loaded = ingest::LoadReferenceData(*store_, SPCOOP_REFERENCE_DIR);
    ASSERT_TRUE(loaded) << loaded.error().ToString();
    const std::string hash = *auth::HashPassword(kPassword);
    for (auto [name, role] : {std::pair{"ana", Role::kAnalyst}, std::pair{"bo", Role::kPartner},
                              std::pair{"sec", Role::kSecretariat}}) {
      User u;
      u.username = name;
      u.display_name = name;
      u.role = role;
      u.password_hash = hash;
      ASSERT_TRUE(CreateUser(*store_, u));
    }
  }
  void TearDown() override {
    running_.reset();
    store_.reset();
    db_.reset();
  }

  ServerOptions Options(int workers) const {
    ServerOptions o = TestServerOptions(db_->uri(), 4);
    o.simulation_workers = workers;
    o.rules_dir = kRules;
    return o;
  }
  void Serve(const ServerOptions& options) {
    running_.reset();
    running_ = std::make_unique<Running>(options);
    ASSERT_TRUE(running_->ok());
  }

  Reply Call(const std::string& method, const std::string& path, const std::string& body = "",
             const Caller* c = nullptr) {
    httplib::Headers headers;
    if (c && !c->cookie.empty()) headers.emplace("Cookie", c->cookie);
    if (c && !c->bearer.empty()) headers.emplace("Authorization", "Bearer " + c->bearer);
    if (c && c->send_csrf && !c->csrf.empty()) headers.emplace("X-CSRF-Token", c->csrf);
    return CallApi(running_->port(), method, path, headers, body);
  }

  Caller Login(const std::string& user) {
    Reply r = Call("POST", "/session", json{{"username", user}, {"password", kPassword}}.dump());
    EXPECT_EQ(r.status, 200) << r.text;
    Caller c;
    const std::string set_cookie = r.Header("Set-Cookie");
    c.cookie = set_cookie.substr(0, set_cookie.find(';'));
    c.csrf = r.body.value("csrf_token", "");
    return c;
  }
  Caller Token(const std::string& user) {
    Caller session = Login(user);
    Reply r = Call("POST", "/tokens", json{{"name", "test"}}.dump(), &session);
    EXPECT_EQ(r.status, 201) << r.text;
    Caller c;
    c.bearer = r.body.value("token", "");
    return c;
  }

  // The bundled child benefit as the catalogue gives it.
  json ChildScheme() {
    Reply cat = Call("GET", "/simulator");
    EXPECT_EQ(cat.status, 200) << cat.text;
    for (const json& s : cat.body["schemes"]) {
      if (s["file"] == "universal_child_benefit.yaml") return s["scheme"];
    }
    ADD_FAILURE() << "universal_child_benefit.yaml is not in the catalogue";
    return json::object();
  }
  static json Body(const json& scheme, int64_t persons = 20000) {
    return {{"economy", "KHM"},
            {"persons", persons},
            {"seed", 1},
            {"packages", {{{"name", "Child benefit"}, {"schemes", {scheme}}}}}};
  }

  // Polls the run until it is done or failed (or a minute passed).
  Reply Await(const std::string& id, const Caller* caller = nullptr) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    Reply r;
    while (std::chrono::steady_clock::now() < deadline) {
      r = Call("GET", "/simulations/" + id, "", caller);
      if (r.status != 200 || r.body["status"] == "done" || r.body["status"] == "failed") return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "run " << id << " did not end: " << r.text;
    return r;
  }

  // The engine run in-process on the same inputs.
  json EngineResult(sim::Package package, int64_t persons, uint64_t seed) {
    auto ref = sim::LoadReferenceFigures(*store_, "KHM");
    EXPECT_TRUE(ref) << ref.error().ToString();
    sim::SyntheticOptions so;
    so.persons = persons;
    so.seed = seed;
    auto source = sim::MakeSyntheticSource(*ref, so);
    EXPECT_TRUE(source) << source.error().ToString();
    sim::SimulationOptions options;
    options.seed = seed;
    auto result = sim::Simulate(**source, {std::move(package)}, options);
    EXPECT_TRUE(result) << result.error().ToString();
    return sim::ResultToJson(*result);
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Running> running_;
};

TEST_P(SimulationApiTest, StoredResultEqualsTheEngineAndTheDownloadReproducesIt) {
  Serve(Options(1));
  Reply posted = Call("POST", "/simulations", Body(ChildScheme()).dump());
  ASSERT_EQ(posted.status, 202) << posted.text;
  const std::string id = posted.body["id"];
  EXPECT_EQ(posted.body["status"], "queued");
  EXPECT_EQ(posted.body["links"]["self"], "/api/v1/simulations/" + id);
  EXPECT_EQ(posted.Header("Location"), "/api/v1/simulations/" + id);
  EXPECT_EQ(Call("GET", "/simulations/" + id).body["links"]["packages"],
            json::array({"/api/v1/simulations/" + id + "/packages/1.yaml"}));

  Reply run = Await(id);
  ASSERT_EQ(run.body["status"], "done") << run.text;
  EXPECT_EQ(run.body["progress"]["done"], run.body["progress"]["total"]);
  EXPECT_GE(run.body["progress"]["total"].get<int>(), 1);
  EXPECT_TRUE(run.body["started"].is_string());
  EXPECT_TRUE(run.body["finished"].is_string());
  EXPECT_TRUE(run.body["error"].is_null());
  EXPECT_EQ(run.body["request"]["persons"], 20000);
  EXPECT_TRUE(run.body["request"]["year"].is_null());
  const json& result = run.body["result"];
  ASSERT_TRUE(result.is_object());

  // The independent answer: the scheme file itself (not its JSON) through the engine.
  auto from_file = sim::LoadPackage({kChildFile});
  ASSERT_TRUE(from_file) << from_file.error().ToString();
  from_file->name = "Child benefit";
  json expected = EngineResult(*from_file, 20000, 1);
  std::vector<std::string> diffs;
  Compare(expected, result, "result", {"seconds", "threads", "file", "rule_files", "rule_hashes"},
          diffs);
  EXPECT_TRUE(diffs.empty()) << fmt::format("{}", fmt::join(diffs, "\n"));
  EXPECT_GT(result["scenarios"][0]["cost"]["total"].get<double>(), 0);
  EXPECT_TRUE(result["synthetic"].get<bool>());

  // The manifest names what reproduces it.
  const json& m = run.body["manifest"];
  EXPECT_EQ(m["engine_version"], sim::kEngineVersion);
  EXPECT_EQ(m["data_hash"], expected["manifest"]["data_hash"]);
  EXPECT_EQ(m["data_source"], expected["manifest"]["data_source"]);
  EXPECT_EQ(m["seed"], 1);
  EXPECT_EQ(m["persons"], 20000);
  EXPECT_EQ(m["reproduce"],
            "spcoop simulate --synthetic KHM --persons 20000 --seed 1 package-1.yaml --json");
  EXPECT_EQ(m["year"], expected["year"]);
  ASSERT_EQ(m["packages"].size(), 1u);

  // The package file: its hash is the manifest's, and it runs to the same result.
  Reply yaml = Call("GET", "/simulations/" + id + "/packages/1.yaml");
  ASSERT_EQ(yaml.status, 200) << yaml.text;
  EXPECT_NE(yaml.Header("Content-Type").find("yaml"), std::string::npos);
  EXPECT_EQ(Sha256Hex(yaml.text), m["packages"][0]["sha256"]);
  EXPECT_EQ(result["manifest"]["rule_hashes"], json::array({Sha256Hex(yaml.text)}));
  auto downloaded = sim::ParsePackage(yaml.text, "package-1.yaml");
  ASSERT_TRUE(downloaded) << downloaded.error().ToString();
  diffs.clear();
  Compare(EngineResult(*downloaded, 20000, 1), result, "result",
          {"seconds", "threads", "file", "rule_files", "rule_hashes"}, diffs);
  EXPECT_TRUE(diffs.empty()) << fmt::format("{}", fmt::join(diffs, "\n"));
  EXPECT_EQ(Call("GET", "/simulations/" + id + "/packages/2.yaml").status, 404);
  EXPECT_EQ(Call("GET", "/simulations/" + id + "/packages/1.yml").status, 404);
  EXPECT_EQ(Call("GET", "/simulations/0123456789abcdef0123456789abcdef").status, 404);
  EXPECT_EQ(Call("GET", "/simulations/not-an-id").status, 404);
}

TEST_P(SimulationApiTest, BadSchemeNamesItsJsonPathLikeTheYamlParser) {
  Serve(Options(0));
  json good = ChildScheme();
  json bad = good;
  bad["benefit"]["amount"]["unit"] = "pct_gpd";
  json body = Body(good);
  body["packages"].push_back({{"name", "B"}, {"schemes", {bad}}});
  Reply r = Call("POST", "/simulations", body.dump());
  ASSERT_EQ(r.status, 400) << r.text;
  EXPECT_EQ(r.body["code"], "invalid_argument");
  const std::string message = r.body["message"];
  const std::string rule = "'pct_gpd' is not one of currency, pct_gdp_per_capita";
  EXPECT_TRUE(message.starts_with("packages[1].schemes[0].benefit.amount.unit: " + rule))
      << message;
  EXPECT_EQ(r.body["details"][0]["path"], "body.packages[1].schemes[0].benefit.amount.unit");
  // The YAML parser refuses the same scheme in a file with the same rule.
  std::string yaml = sim::PackageYaml("B", {bad});
  auto from_yaml = sim::ParsePackage(yaml, "b.yaml");
  ASSERT_FALSE(from_yaml);
  EXPECT_NE(from_yaml.error().message().find("benefit.amount.unit: " + rule), std::string::npos);

  // Several problems at once, each with its path; nothing is queued.
  json missing = good;
  missing.erase("id");
  body = Body(missing);
  body["persons"] = "many";
  body["colour"] = "red";
  r = Call("POST", "/simulations", body.dump());
  ASSERT_EQ(r.status, 400) << r.text;
  std::set<std::string> paths;
  for (const json& d : r.body["details"]) paths.insert(d["path"]);
  EXPECT_EQ(paths, (std::set<std::string>{"body.colour", "body.persons",
                                          "body.packages[0].schemes[0].id"}));

  // A rule on regions is valid, but KHM's synthetic population has no regions: refused now,
  // naming the scheme and the variable, rather than failing once the run starts.
  json regional = good;
  regional["eligibility"]["regions"] = {"Phnom Penh"};
  r = Call("POST", "/simulations", Body(regional).dump());
  ASSERT_EQ(r.status, 400) << r.text;
  EXPECT_EQ(r.body["details"][0]["path"], "body.packages[0].schemes[0]");
  EXPECT_NE(r.body["message"].get<std::string>().find("'region' variable"), std::string::npos)
      << r.text;
  EXPECT_TRUE(ListSimulationRuns(*store_, {})->empty());
}

TEST_P(SimulationApiTest, PersonsAndPerAddressLimits) {
  ServerOptions o = Options(0);  // runs stay queued
  Serve(o);
  const json scheme = ChildScheme();
  Reply over = Call("POST", "/simulations", Body(scheme, 200001).dump());
  ASSERT_EQ(over.status, 400) << over.text;
  EXPECT_NE(over.body["message"].get<std::string>().find("limit of 200000 persons for anonymous"),
            std::string::npos)
      << over.text;
  EXPECT_EQ(over.body["details"][0]["path"], "body.persons");
  EXPECT_EQ(Call("GET", "/simulator").body["limits"]["max_persons"], 200000);

  // Signed in: up to 10 million.
  Caller ana = Token("ana");
  EXPECT_EQ(Call("GET", "/simulator", "", &ana).body["limits"]["max_persons"], 10000000);
  EXPECT_EQ(Call("POST", "/simulations", Body(scheme, 200001).dump(), &ana).status, 202);
  EXPECT_EQ(Call("POST", "/simulations", Body(scheme, 10000001).dump(), &ana).status, 400);

  // Anonymous: two runs queued or running per address.
  EXPECT_EQ(Call("POST", "/simulations", Body(scheme).dump()).status, 202);
  EXPECT_EQ(Call("POST", "/simulations", Body(scheme).dump()).status, 202);
  Reply third = Call("POST", "/simulations", Body(scheme).dump());
  EXPECT_EQ(third.status, 429) << third.text;
  EXPECT_EQ(third.body["code"], "rate_limited");
  EXPECT_FALSE(third.Header("Retry-After").empty());
  // The signed-in user is not held back by it.
  EXPECT_EQ(Call("POST", "/simulations", Body(scheme).dump(), &ana).status, 202);
  // An unknown economy.
  json body = Body(scheme);
  body["economy"] = "XYZ";
  Reply unknown = Call("POST", "/simulations", body.dump(), &ana);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_TRUE(unknown.body["message"].get<std::string>().starts_with("economy: 'XYZ'"));
}

TEST_P(SimulationApiTest, FullQueueIs503WithRetryAfter) {
  ServerOptions o = Options(0);
  o.simulation_queue = 2;
  Serve(o);
  Caller ana = Token("ana");
  const json scheme = ChildScheme();
  EXPECT_EQ(Call("POST", "/simulations", Body(scheme).dump(), &ana).status, 202);
  EXPECT_EQ(Call("POST", "/simulations", Body(scheme).dump(), &ana).status, 202);
  Reply full = Call("POST", "/simulations", Body(scheme).dump(), &ana);
  EXPECT_EQ(full.status, 503) << full.text;
  EXPECT_EQ(full.body["code"], "unavailable");
  EXPECT_EQ(full.Header("Retry-After"), "30");
  EXPECT_EQ(ListSimulationRuns(*store_, {})->size(), 2u);
}

TEST_P(SimulationApiTest, QueuedRunIsRunByTheNextServer) {
  Serve(Options(0));  // this server runs nothing
  Reply posted = Call("POST", "/simulations", Body(ChildScheme()).dump());
  ASSERT_EQ(posted.status, 202) << posted.text;
  const std::string id = posted.body["id"];
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(Call("GET", "/simulations/" + id).body["status"], "queued");
  EXPECT_TRUE(running_->Stop().ok());
  EXPECT_EQ(GetSimulationRun(*store_, id)->status, SimulationStatus::kQueued);

  Serve(Options(1));  // a new server on the same database
  Reply run = Await(id);
  EXPECT_EQ(run.body["status"], "done") << run.text;
  EXPECT_EQ(GetSimulationRun(*store_, id)->attempts, 1);
}

// Stopping a server does not wait for its runs to finish: a run in progress goes back to the
// queue at its next slice of chunks, and the next server runs it from the start.
TEST_P(SimulationApiTest, StoppingPutsARunningRunBackForTheNextServer) {
  Serve(Options(1));
  Caller ana = Token("ana");
  // Three chunks of a million persons: more than one slice of the engine's threads, and
  // seconds of work.
  Reply posted = Call("POST", "/simulations", Body(ChildScheme(), 3000000).dump(), &ana);
  ASSERT_EQ(posted.status, 202) << posted.text;
  const std::string id = posted.body["id"];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (GetSimulationRun(*store_, id)->status == SimulationStatus::kQueued &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(GetSimulationRun(*store_, id)->status, SimulationStatus::kRunning);
  EXPECT_TRUE(running_->Stop().ok());
  auto left = GetSimulationRun(*store_, id);
  EXPECT_EQ(left->status, SimulationStatus::kQueued);
  EXPECT_FALSE(left->started_at);
  EXPECT_EQ(left->worker, "");  // not held: claimable at once, no stale wait

  Serve(Options(1));
  Reply run = Await(id, &ana);
  EXPECT_EQ(run.body["status"], "done") << run.text;
  EXPECT_EQ(run.body["progress"]["total"], 3);
  EXPECT_EQ(GetSimulationRun(*store_, id)->attempts, 2);
}

TEST_P(SimulationApiTest, ListingIsForSignedInUsersAndRunsArePrivate) {
  Serve(Options(0));
  const json scheme = ChildScheme();
  EXPECT_EQ(Call("GET", "/simulations").status, 401);
  Caller ana = Token("ana");
  Caller bo = Token("bo");
  Caller sec = Token("sec");
  const std::string mine = Call("POST", "/simulations", Body(scheme).dump(), &ana).body["id"];
  const std::string anon = Call("POST", "/simulations", Body(scheme).dump()).body["id"];
  Reply list = Call("GET", "/simulations", "", &ana);
  ASSERT_EQ(list.status, 200) << list.text;
  ASSERT_EQ(list.body["data"].size(), 1u);
  EXPECT_EQ(list.body["data"][0]["id"], mine);
  EXPECT_EQ(list.body["data"][0]["economy"], "KHM");
  EXPECT_EQ(list.body["data"][0]["packages"], json::array({"Child benefit"}));
  EXPECT_EQ(Call("GET", "/simulations", "", &bo).body["data"].size(), 0u);
  EXPECT_EQ(Call("GET", "/simulations", "", &sec).body["data"].size(), 2u);
  // A signed-in user's run: that user and the secretariat; an anonymous one: whoever has the id.
  EXPECT_EQ(Call("GET", "/simulations/" + mine, "", &ana).status, 200);
  EXPECT_EQ(Call("GET", "/simulations/" + mine, "", &sec).status, 200);
  EXPECT_EQ(Call("GET", "/simulations/" + mine, "", &bo).status, 403);
  EXPECT_EQ(Call("GET", "/simulations/" + mine).status, 403);
  EXPECT_EQ(Call("GET", "/simulations/" + anon, "", &bo).status, 200);
  // The signed-in run is in the audit trail.
  AuditFilter f;
  f.action = "simulation.create";
  auto events = QueryAudit(*store_, f);
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].actor, "ana");
  EXPECT_EQ((*events)[0].object, "simulation:" + mine);
}

TEST_P(SimulationApiTest, CookieSessionNeedsTheCsrfToken) {
  Serve(Options(0));
  const json scheme = ChildScheme();
  Caller ana = Login("ana");
  ana.send_csrf = false;
  Reply refused = Call("POST", "/simulations", Body(scheme).dump(), &ana);
  EXPECT_EQ(refused.status, 403) << refused.text;
  EXPECT_TRUE(ListSimulationRuns(*store_, {})->empty());
  ana.send_csrf = true;
  EXPECT_EQ(Call("POST", "/simulations", Body(scheme).dump(), &ana).status, 202);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, SimulationApiTest, ::testing::Values("file"),
                         [](const auto&) { return std::string("File"); });
INSTANTIATE_TEST_SUITE_P(Postgres, SimulationApiTest, ::testing::Values("postgres"),
                         [](const auto&) { return std::string("Postgres"); });

}  // namespace
}  // namespace spcoop::server
