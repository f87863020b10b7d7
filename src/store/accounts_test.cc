// Conformance tests of the accounts, audit trail and review workflow (accounts.h, workflow.h)
// on every backend: SQLite (file and memory) and PostgreSQL (SPCOOP_TEST_POSTGRES_URI).
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <latch>
#include <thread>

#include <gtest/gtest.h>

#include "pg_test_schema.h"
#include "spcoop/store/accounts.h"
#include "spcoop/store/store.h"
#include "spcoop/store/workflow.h"

namespace spcoop {
namespace {

class AccountsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDatabase>(GetParam(), "spcoop_accounts_test");
    if (db_->skipped()) GTEST_SKIP() << kNoPostgres;
    store_ = Open();
    ASSERT_TRUE(store_);
    ASSERT_TRUE(store_->Migrate().ok());
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
  }
  std::unique_ptr<Store> Open() {
    auto s = OpenStore(db_->uri());
    EXPECT_TRUE(s) << s.error().ToString();
    return s ? std::move(*s) : nullptr;
  }
  bool shared() const { return GetParam() != ":memory:"; }

  // Changes a stored row behind the store's back, as someone with database access could.
  void Tamper(const std::string& sqlite_sql, const std::string& pg_sql) {
    if (db_->pg()) {
      ASSERT_EQ(db_->pg()->Exec(pg_sql), "");
      return;
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_->uri().c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(db, sqlite_sql.c_str(), nullptr, nullptr, &err);
    std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << msg;
  }

  User MakeUser(std::string name, Role role, std::string economy = "") {
    User u;
    u.username = std::move(name);
    u.display_name = "Test " + u.username;
    u.role = role;
    u.economy = std::move(economy);
    u.password_hash = "$argon2id$placeholder";
    auto r = CreateUser(*store_, u);
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? *r : u;
  }

  static Observation Obs(int year, double value) {
    Observation o;
    o.key = {"SI_COV_BENFTS", "KHM", "_T", "_T", "_T", year};
    o.value = value;
    o.attributes.source = "Ministry survey";
    o.attributes.nature = "C";
    return o;
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

TEST_P(AccountsTest, UsersAreUniqueAndUpdatable) {
  User ana = MakeUser("ana", Role::kFocalPoint, "KHM");
  EXPECT_GT(ana.id, 0);
  User dup;
  dup.username = "ana";
  dup.password_hash = "x";
  EXPECT_EQ(CreateUser(*store_, dup).error().code(), StatusCode::kAlreadyExists);
  MakeUser("bo", Role::kSecretariat);

  auto got = GetUser(*store_, "ana");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->role, Role::kFocalPoint);
  EXPECT_EQ(got->economy, "KHM");
  EXPECT_EQ(GetUser(*store_, "nobody").error().code(), StatusCode::kNotFound);

  got->role = Role::kAnalyst;
  got->economy = "";
  got->disabled = true;
  auto updated = UpdateUser(*store_, *got);
  ASSERT_TRUE(updated) << updated.error().ToString();
  EXPECT_EQ(updated->role, Role::kAnalyst);
  EXPECT_TRUE(updated->disabled);
  EXPECT_EQ(GetUserById(*store_, ana.id)->role, Role::kAnalyst);

  auto all = ListUsers(*store_);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].username, "ana");
  EXPECT_EQ((*all)[1].username, "bo");
  EXPECT_EQ(*CountUsers(*store_), 2);
}

TEST_P(AccountsTest, SessionsExpireAndEndPerUser) {
  User ana = MakeUser("ana", Role::kFocalPoint, "KHM");
  SessionRecord s{"hash1", ana.id, "csrf1", "2026-01-01T00:00:00.000Z",
                  "2026-01-01T00:10:00.000Z", "10.0.0.1", "test"};
  ASSERT_TRUE(CreateSession(*store_, s).ok());
  SessionRecord s2 = s;
  s2.id_hash = "hash2";
  s2.created_at = s2.last_seen_at = "2026-06-01T00:00:00.000Z";
  ASSERT_TRUE(CreateSession(*store_, s2).ok());

  auto got = GetSession(*store_, "hash1");
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->csrf_token, "csrf1");
  ASSERT_TRUE(TouchSession(*store_, "hash1", "2026-01-01T00:20:00.000Z").ok());
  EXPECT_EQ((*GetSession(*store_, "hash1"))->last_seen_at, "2026-01-01T00:20:00.000Z");

  // Idle since before 2026-03: only the first goes.
  EXPECT_EQ(*DeleteExpiredSessions(*store_, "2026-03-01T00:00:00.000Z", "2000-01-01"), 1);
  EXPECT_FALSE(*GetSession(*store_, "hash1"));
  EXPECT_TRUE(*GetSession(*store_, "hash2"));
  EXPECT_EQ(*DeleteUserSessions(*store_, ana.id), 1);
  EXPECT_FALSE(*GetSession(*store_, "hash2"));
}

TEST_P(AccountsTest, TokensAreRevocableOnlyByTheirOwner) {
  User ana = MakeUser("ana", Role::kFocalPoint, "KHM");
  User bo = MakeUser("bo", Role::kAnalyst);
  ApiToken t;
  t.user_id = ana.id;
  t.name = "nightly import";
  t.token_hash = "deadbeef";
  auto created = CreateApiToken(*store_, t);
  ASSERT_TRUE(created);
  EXPECT_TRUE(*FindApiToken(*store_, "deadbeef"));
  EXPECT_EQ(RevokeApiToken(*store_, created->id, bo.id, "2026-01-01").code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(*FindApiToken(*store_, "deadbeef"));
  ASSERT_TRUE(RevokeApiToken(*store_, created->id, ana.id, "2026-01-01").ok());
  EXPECT_FALSE(*FindApiToken(*store_, "deadbeef"));
  EXPECT_EQ(RevokeApiToken(*store_, created->id, ana.id, "2026-01-02").code(),
            StatusCode::kNotFound);
  auto listed = ListApiTokens(*store_, ana.id);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].revoked_at, "2026-01-01");
}

TEST_P(AccountsTest, ThrottleRoundTrips) {
  EXPECT_EQ(GetThrottle(*store_, "user:ana")->failures, 0);
  ASSERT_TRUE(PutThrottle(*store_, {"user:ana", 3, "2026-01-01", ""}).ok());
  ASSERT_TRUE(PutThrottle(*store_, {"user:ana", 4, "2026-01-02", "2026-01-03"}).ok());
  auto t = GetThrottle(*store_, "user:ana");
  EXPECT_EQ(t->failures, 4);
  EXPECT_EQ(t->locked_until, "2026-01-03");
  ASSERT_TRUE(ClearThrottle(*store_, "user:ana").ok());
  EXPECT_EQ(GetThrottle(*store_, "user:ana")->failures, 0);
}

TEST_P(AccountsTest, AuditTrailIsAHashChain) {
  for (int i = 0; i < 3; ++i) {
    AuditEvent e;
    e.actor = "ana";
    e.action = i == 2 ? "user.role" : "login";
    e.object = "user:ana";
    e.outcome = "ok";
    e.after = R"({"role":"secretariat"})";
    ASSERT_TRUE(AppendAudit(*store_, e));
  }
  auto events = QueryAudit(*store_, {});
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 3u);
  const AuditEvent& newest = (*events)[0];
  const AuditEvent& middle = (*events)[1];
  EXPECT_EQ(newest.id, 3);
  EXPECT_EQ(newest.prev_hash, middle.hash);
  EXPECT_EQ(newest.hash, AuditHash(newest, middle.hash));
  EXPECT_EQ((*events)[2].prev_hash, "");
  EXPECT_EQ(QueryAudit(*store_, {.action = "user."})->size(), 1u);
  EXPECT_EQ(QueryAudit(*store_, {.action = "login"})->size(), 2u);

  auto check = VerifyAudit(*store_);
  ASSERT_TRUE(check);
  EXPECT_TRUE(check->ok) << check->problem;
  EXPECT_EQ(check->events, 3);
}

TEST_P(AccountsTest, AuditVerifyFindsARecordChangedInTheDatabase) {
  if (!shared()) GTEST_SKIP() << "an in-memory database cannot be reached from outside";
  for (const char* who : {"ana", "bo", "cy"}) {
    AuditEvent e{.actor = who, .action = "login", .object = "user:x", .outcome = "ok"};
    ASSERT_TRUE(AppendAudit(*store_, e));
  }
  // The triggers refuse the change through SQL, so the tamperer drops them first.
  Tamper(
      "DROP TRIGGER audit_event_append_only_u; UPDATE audit_event SET actor = 'mallory' WHERE "
      "id = 2;",
      "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only; UPDATE audit_event SET "
      "actor = 'mallory' WHERE id = 2;");
  auto check = VerifyAudit(*store_);
  ASSERT_TRUE(check);
  EXPECT_FALSE(check->ok);
  EXPECT_EQ(check->first_bad_id, 2);
  EXPECT_NE(check->problem.find("changed"), std::string::npos) << check->problem;
}

TEST_P(AccountsTest, AuditRecordsCannotBeUpdatedThroughSql) {
  AuditEvent e{.actor = "ana", .action = "login", .object = "user:ana", .outcome = "ok"};
  ASSERT_TRUE(AppendAudit(*store_, e));
  Status st = store_->Transact([](sql::Tx& tx) -> Status {
    auto r = tx.Exec("UPDATE audit_event SET actor = 'x'", {});
    return r ? Status::Ok() : r.error();
  });
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(VerifyAudit(*store_)->ok);
}

TEST_P(AccountsTest, DraftsStayApartUntilPublished) {
  Observation o = Obs(2023, 31.5);
  Target t;
  t.key = {"KHM", "SI_COV_BENFTS", "_T", "_T"};
  t.baseline_year = 2021;
  t.baseline_value = 25;
  t.interim_2025 = 40;
  t.target_2030 = 60;
  Narrative n;
  n.key = {"KHM", "2025", "a", "zh"};
  n.stage = Stage::kInProgress;
  n.progress = "已将社会养老金扩大到所有70岁以上的老人。";
  std::vector<DraftChange> changes = {
      DraftChange::ForObservation(o, {"ana", "edit", "2023 survey"}),
      DraftChange::ForTarget(t, {"ana", "edit", "national strategy 2030"}),
      DraftChange::ForNarrative(n, {"ana", "edit", "first draft"}),
  };
  auto cs = AddDraftChanges(*store_, "KHM", "ana", changes);
  ASSERT_TRUE(cs) << cs.error().ToString();
  EXPECT_EQ(cs->state, ChangesetState::kDraft);
  EXPECT_EQ(cs->observations + cs->targets + cs->narratives, 3);

  // Nothing public yet.
  EXPECT_TRUE(store_->QueryObservations({})->empty());
  EXPECT_TRUE(store_->ListTargets({})->empty());
  EXPECT_TRUE(store_->ListNarratives({})->empty());

  // A second edit of the same observation replaces the first within the change set.
  Observation o2 = Obs(2023, 32.0);
  std::vector<DraftChange> more = {DraftChange::ForObservation(o2, {"ana", "edit", "typo"})};
  ASSERT_TRUE(AddDraftChanges(*store_, "KHM", "ana", more));
  auto current = ChangesetChanges(*store_, cs->id);
  ASSERT_TRUE(current);
  ASSERT_EQ(current->size(), 3u);
  auto log = ChangesetLog(*store_, cs->id);
  ASSERT_EQ(log->size(), 4u);

  // Another economy's change cannot enter this change set.
  Observation other = Obs(2023, 1);
  other.key.economy = "LAO";
  std::vector<DraftChange> wrong = {DraftChange::ForObservation(other, {"ana", "edit", "x"})};
  EXPECT_EQ(AddDraftChanges(*store_, "KHM", "ana", wrong).error().code(),
            StatusCode::kInvalidArgument);

  ASSERT_TRUE(SubmitChangeset(*store_, cs->id, "ana", "please review"));
  EXPECT_EQ(AddDraftChanges(*store_, "KHM", "ana", more).error().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReturnChangeset(*store_, cs->id, "sec", "").error().code(),
            StatusCode::kInvalidArgument);
  auto returned = ReturnChangeset(*store_, cs->id, "sec", "cite the survey");
  ASSERT_TRUE(returned);
  EXPECT_EQ(returned->state, ChangesetState::kReturned);
  EXPECT_EQ(returned->events.back().comment, "cite the survey");
  // Editable again, in the same change set.
  auto again = AddDraftChanges(*store_, "KHM", "ana", more);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, cs->id);
  ASSERT_TRUE(SubmitChangeset(*store_, cs->id, "ana", "fixed"));
  auto published = PublishChangeset(*store_, cs->id, "sec", "checked");
  ASSERT_TRUE(published) << published.error().ToString();
  EXPECT_EQ(published->state, ChangesetState::kPublished);
  std::vector<std::string> states;
  for (const auto& e : published->events) states.emplace_back(ChangesetStateName(e.state));
  EXPECT_EQ(states, (std::vector<std::string>{"draft", "submitted", "returned", "submitted",
                                              "publishing", "published"}));

  auto obs = store_->QueryObservations({});
  ASSERT_EQ(obs->size(), 1u);
  EXPECT_EQ((*obs)[0].value, 32.0);
  auto hist = store_->History(o.key);
  ASSERT_EQ(hist->size(), 1u);
  EXPECT_EQ((*hist)[0].provenance.author, "ana");
  EXPECT_EQ((*hist)[0].provenance.reason, "typo");
  EXPECT_EQ((*hist)[0].provenance.origin, "changeset:" + std::to_string(cs->id));
  EXPECT_EQ((*hist)[0].attributes.reporting_type, "N");  // a focal point's figure is national
  auto targets = store_->ListTargets({});
  ASSERT_EQ(targets->size(), 1u);
  EXPECT_EQ(targets->front().target_2030, 60);
  EXPECT_EQ(targets->front().provenance.reason, "national strategy 2030");
  auto narratives = store_->ListNarratives({{"KHM"}, "2025"});
  ASSERT_EQ(narratives->size(), 1u);
  EXPECT_EQ(narratives->front().progress, n.progress);
  EXPECT_EQ(narratives->front().stage, Stage::kInProgress);
  EXPECT_EQ(narratives->front().provenance.origin, "changeset:" + std::to_string(cs->id));

  // Published once only; new edits open a new change set.
  EXPECT_EQ(PublishChangeset(*store_, cs->id, "sec", "").error().code(), StatusCode::kConflict);
  auto next = AddDraftChanges(*store_, "KHM", "ana", more);
  ASSERT_TRUE(next);
  EXPECT_NE(next->id, cs->id);
}

TEST_P(AccountsTest, AnInterruptedPublicationCompletesWhenRepeated) {
  std::vector<DraftChange> changes = {
      DraftChange::ForObservation(Obs(2022, 20), {"ana", "edit", "r"})};
  auto cs = AddDraftChanges(*store_, "KHM", "ana", changes);
  ASSERT_TRUE(cs);
  ASSERT_TRUE(SubmitChangeset(*store_, cs->id, "ana", ""));
  // As if a publisher died after marking the change set and applying the observation.
  ImportRecord r;
  r.file_name = "partial";
  r.format = "changeset";
  r.provenance = {"ana", "", "r"};
  Observation applied = Obs(2022, 20);
  applied.attributes.reporting_type = "N";  // as publication writes it: national
  ASSERT_TRUE(store_->ApplyImport(r, std::vector{applied}, {}));
  ASSERT_TRUE(store_
                  ->Transact([&](sql::Tx& tx) -> Status {
                    auto x = tx.Exec("INSERT INTO changeset_event (changeset_id, state, actor, "
                                     "comment, at) VALUES (?, 'publishing', 'sec', '', ?)",
                                     {cs->id, NowUtc()});
                    return x ? Status::Ok() : x.error();
                  })
                  .ok());
  EXPECT_EQ(GetChangeset(*store_, cs->id)->state, ChangesetState::kPublishing);
  auto done = PublishChangeset(*store_, cs->id, "sec", "again");
  ASSERT_TRUE(done) << done.error().ToString();
  EXPECT_EQ(done->state, ChangesetState::kPublished);
  // Applying again added no second revision.
  EXPECT_EQ(store_->History(Obs(2022, 0).key)->size(), 1u);
}

TEST_P(AccountsTest, TwoReviewersPublishingAtOnceSucceedOnce) {
  if (!shared()) GTEST_SKIP() << "needs two connections";
  std::vector<DraftChange> changes = {
      DraftChange::ForObservation(Obs(2021, 10), {"ana", "edit", "r"})};
  auto cs = AddDraftChanges(*store_, "KHM", "ana", changes);
  ASSERT_TRUE(cs);
  ASSERT_TRUE(SubmitChangeset(*store_, cs->id, "ana", ""));
  std::latch start(2);
  std::vector<StatusCode> codes(2);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      auto store = Open();
      start.arrive_and_wait();
      Result<Changeset> r = Err(Status::Internal("not run"));
      // SQLite may answer "busy" to the loser of the write lock; a client retries that.
      for (int attempt = 0; attempt < 50; ++attempt) {
        r = PublishChangeset(*store, cs->id, i ? "sec2" : "sec1", "");
        if (r || r.error().code() != StatusCode::kUnavailable) break;
      }
      codes[i] = r ? StatusCode::kOk : r.error().code();
    });
  }
  for (auto& t : threads) t.join();
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(codes[0], StatusCode::kOk);
  EXPECT_EQ(codes[1], StatusCode::kConflict) << StatusCodeName(codes[1]);
  auto final_cs = GetChangeset(*store_, cs->id);
  int published = 0;
  for (const auto& e : final_cs->events) published += e.state == ChangesetState::kPublished;
  EXPECT_EQ(published, 1);
  EXPECT_EQ(store_->History(Obs(2021, 0).key)->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, AccountsTest, ::testing::Values("file", ":memory:"),
                         [](const auto& info) {
                           return info.param == "file" ? std::string("File")
                                                       : std::string("Memory");
                         });
INSTANTIATE_TEST_SUITE_P(Postgres, AccountsTest, ::testing::Values("postgres"),
                         [](const auto&) { return std::string("Postgres"); });

}  // namespace
}  // namespace spcoop
