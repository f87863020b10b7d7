// Accounts, authorisation and the review workflow over loopback HTTP, on SQLite and PostgreSQL.
// Each role's allowed and forbidden actions; every attempt to cross an economy or a role must
// answer 403, change nothing, and leave an access_denied record in the audit trail.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "../store/pg_test_schema.h"
#include "running_server.h"
#include "spcoop/auth/auth.h"
#include "spcoop/server/server.h"
#include "spcoop/store/accounts.h"
#include "spcoop/store/store.h"
#include "spcoop/store/workflow.h"

namespace spcoop::server {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr char kPassword[] = "a long test passphrase";

struct Session {
  std::string cookie;  // "spcoop_session=..."
  std::string csrf;
  std::string bearer;
};

using Reply = ApiReply;

class AuthApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDatabase>(GetParam(), "spcoop_auth_api_test");
    if (db_->skipped()) GTEST_SKIP() << kNoPostgres;
    const std::string uri = db_->uri();
    auto opened = OpenStore(uri);
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->Migrate().ok());
    std::vector<Economy> economies(2);
    economies[0].iso3 = "KHM";
    economies[0].name = {"Cambodia", "柬埔寨", "Камбоджа", "Cambodge"};
    economies[0].subregion = "South-East Asia";
    economies[1].iso3 = "LAO";
    economies[1].name = {"Lao PDR", "老挝", "Лаос", "Laos"};
    economies[1].subregion = "South-East Asia";
    ASSERT_TRUE(store_->PutEconomies(economies).ok());
    ImportRecord record;
    record.file_name = "seed.csv";
    record.format = "tidy-csv";
    record.provenance = {"system", "", "seed"};
    Observation o;
    o.key = {"SI_COV_BENFTS", "KHM", "_T", "_T", "_T", 2020};
    o.value = 20;
    o.attributes.source = "Ministry";
    ASSERT_TRUE(store_->ApplyImport(record, {&o, 1}, {}));

    std::string hash = *auth::HashPassword(kPassword);
    for (auto [name, role, economy, org] :
         std::vector<std::tuple<std::string, Role, std::string, std::string>>{
             {"admin", Role::kAdministrator, "", ""},
             {"sec", Role::kSecretariat, "", ""},
             {"fp.khm", Role::kFocalPoint, "KHM", ""},
             {"fp.lao", Role::kFocalPoint, "LAO", ""},
             {"partner", Role::kPartner, "", "GIZ"},
             {"analyst", Role::kAnalyst, "", ""}}) {
      User u;
      u.username = name;
      u.display_name = name;
      u.role = role;
      u.economy = economy;
      u.organisation = org;
      u.password_hash = hash;
      ASSERT_TRUE(CreateUser(*store_, u));
    }

    ServerOptions options;
    options.database = uri;
    options.port = 0;
    options.threads = 4;
    options.log_requests = false;
    options.auth.free_failures_per_account = 3;
    auto created = Server::Create(options);
    ASSERT_TRUE(created) << created.error().ToString();
    server_ = std::move(*created);
    ASSERT_TRUE(server_->Bind().ok());
    port_ = server_->port();
    thread_ = std::thread([this] { (void)server_->Listen(); });
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    store_.reset();
    db_.reset();
  }

  Reply Call(const std::string& method, const std::string& path, const std::string& body = "",
             const Session* s = nullptr, bool with_csrf = true,
             const std::string& content_type = "application/json") {
    httplib::Headers headers;
    if (s && !s->cookie.empty()) headers.emplace("Cookie", s->cookie);
    if (s && !s->bearer.empty()) headers.emplace("Authorization", "Bearer " + s->bearer);
    if (s && with_csrf && !s->csrf.empty()) headers.emplace("X-CSRF-Token", s->csrf);
    return CallApi(port_, method, path, headers, body, content_type);
  }

  Session Login(const std::string& user, const std::string& password = kPassword) {
    Reply r = Call("POST", "/session", json{{"username", user}, {"password", password}}.dump());
    EXPECT_EQ(r.status, 200) << r.body.dump();
    std::string set_cookie = r.Header("Set-Cookie");
    EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
    EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos) << set_cookie;
    Session s;
    s.cookie = set_cookie.substr(0, set_cookie.find(';'));
    s.csrf = r.body.value("csrf_token", "");
    return s;
  }

  int CountDenied(const std::string& actor) {
    AuditFilter f;
    f.actor = actor;
    f.action = "access_denied";
    f.limit = 1000;
    return static_cast<int>(QueryAudit(*store_, f)->size());
  }

  static std::string ObsBody(double value, const std::string& reason = "2023 survey") {
    return json{{"series", "SI_COV_BENFTS"}, {"year", 2023}, {"value", value},
                {"attributes", {{"source", "Ministry"}, {"nature", "C"}}}, {"reason", reason}}
        .dump();
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_P(AuthApiTest, AnonymousReadsPublishedDataAndCannotWrite) {
  EXPECT_EQ(Call("GET", "/observations?economy=KHM").status, 200);
  Reply me = Call("GET", "/session");
  EXPECT_EQ(me.status, 200);
  EXPECT_TRUE(me.body["user"].is_null());
  EXPECT_EQ(Call("PUT", "/economies/KHM/observations", ObsBody(30)).status, 401);
  EXPECT_EQ(Call("GET", "/changesets").status, 401);
  EXPECT_EQ(Call("GET", "/users").status, 401);
  EXPECT_EQ(Call("GET", "/audit").status, 401);
  EXPECT_EQ(Call("GET", "/economies/KHM/workspace").status, 401);
}

TEST_P(AuthApiTest, FocalPointDraftsAreReviewedThenPublished) {
  Session fp = Login("fp.khm");
  // Without the CSRF token a cookie request is refused, and recorded.
  Reply no_csrf = Call("PUT", "/economies/KHM/observations", ObsBody(31.5), &fp, false);
  EXPECT_EQ(no_csrf.status, 403) << no_csrf.body.dump();
  EXPECT_EQ(CountDenied("fp.khm"), 1);

  Reply edit = Call("PUT", "/economies/KHM/observations", ObsBody(31.5), &fp);
  ASSERT_EQ(edit.status, 200) << edit.body.dump();
  const int64_t id = edit.body["id"];
  EXPECT_EQ(edit.body["state"], "draft");
  // Reason is required.
  json no_reason = json::parse(ObsBody(31.5));
  no_reason.erase("reason");
  EXPECT_EQ(Call("PUT", "/economies/KHM/observations", no_reason.dump(), &fp).status, 400);

  // The public does not see drafts; the focal point sees them in the workspace.
  Reply pub = Call("GET", "/observations?economy=KHM&year_from=2023");
  EXPECT_EQ(pub.body["total"], 0) << pub.body.dump();
  // The key's history shows the draft to its focal point, not to the public.
  const std::string history = "/history?series=SI_COV_BENFTS&economy=KHM&year=2023";
  EXPECT_FALSE(Call("GET", history).body.contains("drafts"));
  Reply own = Call("GET", history, "", &fp);
  ASSERT_EQ(own.body["drafts"].size(), 1u) << own.body.dump();
  EXPECT_EQ(own.body["drafts"][0]["changeset_state"], "draft");
  EXPECT_EQ(own.body["drafts"][0]["reason"], "2023 survey");
  Reply ws = Call("GET", "/economies/KHM/workspace", "", &fp);
  ASSERT_EQ(ws.status, 200);
  ASSERT_EQ(ws.body["changeset"]["changes"].size(), 1u);
  EXPECT_EQ(ws.body["changeset"]["changes"][0]["value"]["value"], 31.5);
  EXPECT_TRUE(ws.body["changeset"]["changes"][0]["published"].is_null());

  // Focal points cannot publish their own work.
  Reply submit = Call("POST", "/changesets/" + std::to_string(id) + "/submit",
                      R"({"comment":"new survey"})", &fp);
  ASSERT_EQ(submit.status, 200) << submit.body.dump();
  EXPECT_EQ(Call("POST", "/changesets/" + std::to_string(id) + "/publish", "{}", &fp).status, 403);

  Session sec = Login("sec");
  Reply queue = Call("GET", "/changesets?state=submitted", "", &sec);
  ASSERT_EQ(queue.body["data"].size(), 1u);
  Reply published = Call("POST", "/changesets/" + std::to_string(id) + "/publish",
                         R"({"comment":"checked"})", &sec);
  ASSERT_EQ(published.status, 200) << published.body.dump();
  EXPECT_EQ(published.body["state"], "published");

  pub = Call("GET", "/observations?economy=KHM&year_from=2023");
  ASSERT_EQ(pub.body["total"], 1);
  EXPECT_EQ(pub.body["data"][0]["value"], 31.5);
  Reply hist = Call("GET", "/history?series=SI_COV_BENFTS&economy=KHM&year=2023");
  ASSERT_EQ(hist.body["data"].size(), 1u);
  EXPECT_EQ(hist.body["data"][0]["author"], "fp.khm");
  EXPECT_EQ(hist.body["data"][0]["reason"], "2023 survey");
  EXPECT_EQ(hist.body["data"][0]["state"], "published");

  // The audit trail has each step, and the secretariat can read it.
  Reply audit = Call("GET", "/audit?action=changeset.", "", &sec);
  ASSERT_EQ(audit.status, 200);
  EXPECT_EQ(audit.body["data"].size(), 2u);  // submit and publish
  EXPECT_TRUE(VerifyAudit(*store_)->ok);
}

TEST_P(AuthApiTest, AFocalPointCannotReachAnotherEconomyThroughAnyRoute) {
  Session khm = Login("fp.khm");
  Reply edit = Call("PUT", "/economies/KHM/observations", ObsBody(40), &khm);
  ASSERT_EQ(edit.status, 200);
  const std::string id = std::to_string(edit.body["id"].get<int64_t>());
  const size_t log_before = ChangesetLog(*store_, std::stoll(id))->size();

  Session lao = Login("fp.lao");
  const std::string target = json{{"series", "SI_COV_BENFTS"}, {"baseline_year", 2021},
                                  {"baseline_value", 20}, {"target_2030", 60}, {"reason", "x"}}
                                 .dump();
  const std::string narrative = json{{"period", "2025"}, {"measure", "a"}, {"lang", "en"},
                                     {"stage", "planning"}, {"progress", "x"}}
                                    .dump();
  struct Attempt {
    std::string method, path, body, content_type = "application/json";
  };
  std::vector<Attempt> attempts = {
      {"PUT", "/economies/KHM/observations", ObsBody(1)},
      {"PUT", "/economies/KHM/targets", target},
      {"PUT", "/economies/KHM/narratives", narrative},
      {"POST", "/economies/KHM/imports?reason=x",
       "series,economy,sex,age,quantile,year,value\nSI_COV_BENFTS,KHM,_T,_T,_T,2024,1\n",
       "text/csv"},
      {"GET", "/economies/KHM/workspace", ""},
      {"GET", "/changesets/" + id, ""},
      {"GET", "/changesets?economy=KHM", ""},
      {"POST", "/changesets/" + id + "/submit", "{}"},
      {"POST", "/changesets/" + id + "/publish", "{}"},
      {"POST", "/changesets/" + id + "/return", R"({"comment":"no"})"},
      {"GET", "/users", ""},
      {"GET", "/audit", ""},
  };
  for (const Attempt& a : attempts) {
    Reply r = Call(a.method, a.path, a.body, &lao, true, a.content_type);
    EXPECT_EQ(r.status, 403) << a.method << " " << a.path << ": " << r.body.dump();
  }
  EXPECT_EQ(CountDenied("fp.lao"), static_cast<int>(attempts.size()));
  // Nothing changed: KHM's change set holds only its own focal point's edit, still a draft.
  auto cs = GetChangeset(*store_, std::stoll(id));
  EXPECT_EQ(cs->state, ChangesetState::kDraft);
  EXPECT_EQ(ChangesetLog(*store_, std::stoll(id))->size(), log_before);
  EXPECT_TRUE(store_->ListTargets({})->empty());
  EXPECT_FALSE(*LatestChangeset(*store_, "LAO"));
}

TEST_P(AuthApiTest, EachRoleKeepsToItsOwnActions) {
  Session sec = Login("sec"), admin = Login("admin"), partner = Login("partner"),
          analyst = Login("analyst");
  // Only focal points write data, whatever other role asks.
  for (Session* s : {&sec, &admin, &partner, &analyst}) {
    EXPECT_EQ(Call("PUT", "/economies/KHM/observations", ObsBody(5), s).status, 403);
  }
  // Partners and analysts read published data only.
  for (Session* s : {&partner, &analyst}) {
    EXPECT_EQ(Call("GET", "/changesets", "", s).status, 403);
    EXPECT_EQ(Call("GET", "/economies/KHM/workspace", "", s).status, 403);
    EXPECT_EQ(Call("GET", "/audit", "", s).status, 403);
    EXPECT_EQ(Call("GET", "/observations?economy=KHM", "", s).status, 200);
  }
  // Users are managed by administrators only.
  const std::string new_user = json{{"username", "fp.khm2"}, {"role", "focal_point"},
                                    {"economy", "KHM"}, {"password", "another passphrase!"}}
                                   .dump();
  EXPECT_EQ(Call("POST", "/users", new_user, &sec).status, 403);
  EXPECT_EQ(Call("GET", "/users", "", &sec).status, 403);
  Reply created = Call("POST", "/users", new_user, &admin);
  ASSERT_EQ(created.status, 201) << created.body.dump();
  EXPECT_EQ(created.body["economy"], "KHM");
  EXPECT_FALSE(created.body.contains("password_hash"));
  EXPECT_EQ(Call("POST", "/users", new_user, &admin).status, 409);
  // A focal point needs a known economy; a weak password is refused.
  EXPECT_EQ(Call("POST", "/users",
                 json{{"username", "x.y"}, {"role", "focal_point"}, {"economy", "XXX"},
                      {"password", "another passphrase!"}}
                     .dump(),
                 &admin)
                .status,
            400);
  EXPECT_EQ(Call("POST", "/users",
                 json{{"username", "x.y"}, {"role", "analyst"}, {"password", "short"}}.dump(),
                 &admin)
                .status,
            400);
  // The last administrator cannot be demoted.
  EXPECT_EQ(Call("PATCH", "/users/admin", R"({"role":"analyst"})", &admin).status, 409);
  EXPECT_EQ(Call("GET", "/audit?action=user.", "", &admin).body["data"].size(), 1u);
}

TEST_P(AuthApiTest, RoleChangeAndDisablingEndSessions) {
  Session fp = Login("fp.khm");
  Session admin = Login("admin");
  EXPECT_EQ(Call("GET", "/session", "", &fp).body["user"]["role"], "focal_point");
  Reply changed = Call("PATCH", "/users/fp.khm", R"({"role":"analyst"})", &admin);
  ASSERT_EQ(changed.status, 200) << changed.body.dump();
  EXPECT_EQ(changed.body["sessions_ended"], 1);
  EXPECT_TRUE(Call("GET", "/session", "", &fp).body["user"].is_null());
  EXPECT_EQ(Call("PUT", "/economies/KHM/observations", ObsBody(5), &fp).status, 401);
  AuditFilter f;
  f.action = "user.role";
  auto events = QueryAudit(*store_, f);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_NE(events->front().before.find("focal_point"), std::string::npos);
  EXPECT_NE(events->front().after.find("analyst"), std::string::npos);

  Session analyst = Login("analyst");
  ASSERT_EQ(Call("PATCH", "/users/analyst", R"({"disabled":true})", &admin).status, 200);
  EXPECT_TRUE(Call("GET", "/session", "", &analyst).body["user"].is_null());
  Reply login = Call("POST", "/session", json{{"username", "analyst"}, {"password", kPassword}}.dump());
  EXPECT_EQ(login.status, 403);
}

TEST_P(AuthApiTest, UploadIsAllOrNothingWithRowErrors) {
  Session fp = Login("fp.khm");
  const std::string bad =
      "series,economy,sex,age,quantile,year,value\n"
      "SI_COV_BENFTS,KHM,_T,_T,_T,2022,25\n"
      "SI_COV_BENFTS,KHM,_T,_T,_T,2023,150\n"
      "SI_COV_BENFTS,LAO,_T,_T,_T,2023,10\n";
  Reply r = Call("POST", "/economies/KHM/imports?format=tidy-csv&reason=survey&lang=fr", bad,
                 &fp, true, "text/csv");
  ASSERT_EQ(r.status, 422) << r.body.dump();
  ASSERT_EQ(r.body["details"].size(), 2u) << r.body.dump();
  EXPECT_EQ(r.body["details"][0]["path"].get<std::string>().substr(0, 12), "upload.csv:3");
  EXPECT_EQ(r.body["details"][1]["path"].get<std::string>().substr(0, 12), "upload.csv:4");
  // In the language asked for (lang=fr), like the parser's own errors.
  EXPECT_NE(r.body["details"][1]["message"].get<std::string>().find("mais le dépôt concerne KHM"),
            std::string::npos)
      << r.body.dump();
  EXPECT_FALSE(*LatestChangeset(*store_, "KHM"));

  // 2020 repeats the published value: nothing to review there.
  const std::string good =
      "series,economy,sex,age,quantile,year,value,source\n"
      "SI_COV_BENFTS,KHM,_T,_T,_T,2020,20,Ministry\n"
      "SI_COV_BENFTS,KHM,_T,_T,_T,2022,25,Ministry\n"
      "SI_COV_BENFTS,KHM,_T,_T,_T,2023,27,Ministry\n";
  Reply dry = Call("POST", "/economies/KHM/imports?reason=survey&dry_run=true", good, &fp, true,
                   "text/csv");
  ASSERT_EQ(dry.status, 200) << dry.body.dump();
  EXPECT_EQ(dry.body["added"], 2);
  EXPECT_EQ(dry.body["unchanged"], 1);
  EXPECT_FALSE(*LatestChangeset(*store_, "KHM"));
  Reply real = Call("POST", "/economies/KHM/imports?reason=survey", good, &fp, true, "text/csv");
  ASSERT_EQ(real.status, 200) << real.body.dump();
  EXPECT_EQ(real.body["changeset"]["counts"]["observation"], 2);
}

TEST_P(AuthApiTest, ApiTokensWorkWithoutCsrfUntilRevoked) {
  Session fp = Login("fp.khm");
  Reply created = Call("POST", "/tokens", R"({"name":"nightly"})", &fp);
  ASSERT_EQ(created.status, 201) << created.body.dump();
  Session token;
  token.bearer = created.body["token"];
  EXPECT_EQ(Call("PUT", "/economies/KHM/observations", ObsBody(33), &token).status, 200);
  EXPECT_EQ(Call("POST", "/tokens", R"({"name":"more"})", &token).status, 403);
  const std::string id = std::to_string(created.body["id"].get<int64_t>());
  EXPECT_EQ(Call("DELETE", "/tokens/" + id, "", &fp).status, 200);
  EXPECT_EQ(Call("PUT", "/economies/KHM/observations", ObsBody(34), &token).status, 401);
}

TEST_P(AuthApiTest, RepeatedFailedLoginsAreThrottled) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Call("POST", "/session", R"({"username":"sec","password":"wrong password!!"})")
                  .status,
              401);
  }
  Reply locked = Call("POST", "/session", json{{"username", "sec"}, {"password", kPassword}}.dump());
  EXPECT_EQ(locked.status, 429) << locked.body.dump();
  EXPECT_GT(std::stoi(locked.Header("Retry-After")), 0);
  AuditFilter f;
  f.action = "lockout";
  EXPECT_EQ(QueryAudit(*store_, f)->size(), 1u);
}

TEST_P(AuthApiTest, TargetPreviewAndNarratives) {
  Reply preview = Call("GET",
                       "/progress/preview?economy=KHM&series=SI_COV_BENFTS&baseline_year=2020&"
                       "baseline_value=20&interim_2025=40&target_2030=60");
  ASSERT_EQ(preview.status, 200) << preview.body.dump();
  EXPECT_EQ(preview.body["target"]["target_2030"], 60);
  EXPECT_EQ(Call("GET", "/progress/preview?economy=KHM&series=SI_COV_BENFTS&baseline_year=2020&"
                        "baseline_value=50&target_2030=40")
                .status,
            400);
  Session fp = Login("fp.khm");
  Reply n = Call("PUT", "/economies/KHM/narratives",
                 json{{"period", "2025"}, {"measure", "b"}, {"lang", "zh"},
                      {"stage", "in_progress"}, {"progress", "已扩大儿童津贴的覆盖面。"}}
                     .dump(),
                 &fp);
  ASSERT_EQ(n.status, 200) << n.body.dump();
  EXPECT_TRUE(Call("GET", "/narratives?economy=KHM&period=2025").body["data"].empty());
  const std::string id = std::to_string(n.body["id"].get<int64_t>());
  ASSERT_EQ(Call("POST", "/changesets/" + id + "/submit", "{}", &fp).status, 200);
  Session sec = Login("sec");
  ASSERT_EQ(Call("POST", "/changesets/" + id + "/publish", "{}", &sec).status, 200);
  Reply pub = Call("GET", "/narratives?economy=KHM&period=2025");
  ASSERT_EQ(pub.body["data"].size(), 1u);
  EXPECT_EQ(pub.body["data"][0]["progress"], "已扩大儿童津贴的覆盖面。");
}

TEST_P(AuthApiTest, DeeplyNestedJsonIsRefusedBeforeParsing) {
  Session fp = Login("fp.khm");
  std::string deep = std::string(100, '[') + std::string(100, ']');
  Reply r = Call("PUT", "/economies/KHM/observations", deep, &fp);
  EXPECT_EQ(r.status, 400);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, AuthApiTest, ::testing::Values("file"),
                         [](const auto&) { return std::string("File"); });
INSTANTIATE_TEST_SUITE_P(Postgres, AuthApiTest, ::testing::Values("postgres"),
                         [](const auto&) { return std::string("Postgres"); });

}  // namespace
}  // namespace spcoop::server
