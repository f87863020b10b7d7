// Conformance tests of the simulation runs (simulation.h) on every backend: SQLite (file and
// memory) and PostgreSQL (SPCOOP_TEST_POSTGRES_URI).
#include "spcoop/store/simulation.h"

#include <gtest/gtest.h>

#include <chrono>
#include <latch>
#include <set>
#include <thread>

#include "pg_test_schema.h"
#include "spcoop/store/accounts.h"
#include "spcoop/store/store.h"

namespace spcoop {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kNeverStale{3600 * 1000};

class SimulationRunTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDatabase>(GetParam(), "spcoop_simulation_test");
    if (db_->skipped()) GTEST_SKIP() << kNoPostgres;
    store_ = Open();
    ASSERT_TRUE(store_);
    ASSERT_TRUE(store_->Migrate().ok());
  }
  std::unique_ptr<Store> Open() {
    auto s = OpenStore(db_->uri());
    EXPECT_TRUE(s) << s.error().ToString();
    return s ? std::move(*s) : nullptr;
  }
  bool shared() const { return GetParam() != ":memory:"; }

  SimulationRun Create(std::string request, std::string client = "10.0.0.1",
                       std::optional<int64_t> user = std::nullopt) {
    auto r = CreateSimulationRun(*store_, {.user_id = user, .client = client, .request = request});
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? *r : SimulationRun{};
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

TEST_P(SimulationRunTest, CreateGetClaimProgressFinish) {
  SimulationRun run = Create(R"({"economy":"KHM"})");
  EXPECT_EQ(run.id.size(), 32u);
  EXPECT_EQ(run.id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(run.status, SimulationStatus::kQueued);
  EXPECT_FALSE(run.user_id);
  EXPECT_FALSE(run.started_at);
  EXPECT_FALSE(run.result);
  EXPECT_EQ(run.request, R"({"economy":"KHM"})");
  EXPECT_NE(Create("{}").id, run.id);

  auto claimed = ClaimSimulationRun(*store_, "w1", kNeverStale);
  ASSERT_TRUE(claimed) << claimed.error().ToString();
  ASSERT_TRUE(*claimed);
  EXPECT_EQ((*claimed)->id, run.id);  // the oldest first
  EXPECT_EQ((*claimed)->status, SimulationStatus::kRunning);
  EXPECT_EQ((*claimed)->worker, "w1");
  EXPECT_EQ((*claimed)->attempts, 1);
  EXPECT_TRUE((*claimed)->started_at);

  EXPECT_TRUE(UpdateSimulationProgress(*store_, run.id, "w1", 3, 10).ok());
  auto got = GetSimulationRun(*store_, run.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->progress_done, 3);
  EXPECT_EQ(got->progress_total, 10);
  // Only the worker that holds the run may write it.
  EXPECT_EQ(UpdateSimulationProgress(*store_, run.id, "w2", 4, 10).code(), StatusCode::kConflict);
  EXPECT_EQ(FinishSimulationRun(*store_, run.id, "w2", "{}", "{}").code(), StatusCode::kConflict);

  ASSERT_TRUE(FinishSimulationRun(*store_, run.id, "w1", R"({"m":1})", R"({"r":2})").ok());
  got = GetSimulationRun(*store_, run.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, SimulationStatus::kDone);
  EXPECT_EQ(got->manifest, R"({"m":1})");
  EXPECT_EQ(got->result, R"({"r":2})");
  EXPECT_EQ(got->progress_done, 10);
  EXPECT_TRUE(got->finished_at);
  EXPECT_FALSE(got->error_code);
  // A finished run is no longer held: a late write from its worker changes nothing.
  EXPECT_EQ(FailSimulationRun(*store_, run.id, "w1", "internal", "x").code(),
            StatusCode::kConflict);
  EXPECT_EQ(GetSimulationRun(*store_, run.id)->status, SimulationStatus::kDone);

  EXPECT_EQ(GetSimulationRun(*store_, "0123456789abcdef0123456789abcdef").error().code(),
            StatusCode::kNotFound);
}

TEST_P(SimulationRunTest, FailAndRelease) {
  SimulationRun a = Create("{}");
  SimulationRun b = Create("{}");
  ASSERT_EQ((*ClaimSimulationRun(*store_, "w", kNeverStale))->id, a.id);
  ASSERT_EQ((*ClaimSimulationRun(*store_, "w", kNeverStale))->id, b.id);
  EXPECT_FALSE(*ClaimSimulationRun(*store_, "w", kNeverStale));  // nothing left

  ASSERT_TRUE(FailSimulationRun(*store_, a.id, "w", "not_found", "no data").ok());
  auto failed = GetSimulationRun(*store_, a.id);
  EXPECT_EQ(failed->status, SimulationStatus::kFailed);
  EXPECT_EQ(failed->error_code, "not_found");
  EXPECT_EQ(failed->error_message, "no data");

  // A stopping server puts its run back; the next claim takes it again.
  ASSERT_TRUE(ReleaseSimulationRun(*store_, b.id, "w").ok());
  auto released = GetSimulationRun(*store_, b.id);
  EXPECT_EQ(released->status, SimulationStatus::kQueued);
  EXPECT_FALSE(released->started_at);
  EXPECT_EQ(released->worker, "");
  auto again = ClaimSimulationRun(*store_, "w2", kNeverStale);
  ASSERT_TRUE(again && *again);
  EXPECT_EQ((*again)->id, b.id);
  EXPECT_EQ((*again)->attempts, 2);
}

TEST_P(SimulationRunTest, StaleRunsAreClaimedAgainThenAbandoned) {
  SimulationRun run = Create("{}");
  ASSERT_TRUE(*ClaimSimulationRun(*store_, "dead", kNeverStale));
  // Fresh: another server leaves it alone.
  EXPECT_FALSE(*ClaimSimulationRun(*store_, "alive", kNeverStale));
  std::this_thread::sleep_for(milliseconds(20));
  auto taken = ClaimSimulationRun(*store_, "alive", milliseconds(5));
  ASSERT_TRUE(taken && *taken);
  EXPECT_EQ((*taken)->worker, "alive");
  EXPECT_EQ((*taken)->attempts, 2);
  // The first server's late writes change nothing.
  EXPECT_EQ(FinishSimulationRun(*store_, run.id, "dead", "{}", "{}").code(), StatusCode::kConflict);
  // A heartbeat keeps it fresh.
  ASSERT_TRUE(HeartbeatSimulationRuns(*store_, "alive").ok());
  EXPECT_FALSE(*ClaimSimulationRun(*store_, "third", milliseconds(60000)));
  // Claimed 3 times without finishing: failed, not tried a fourth time.
  std::this_thread::sleep_for(milliseconds(20));
  ASSERT_TRUE(*ClaimSimulationRun(*store_, "third", milliseconds(5)));
  std::this_thread::sleep_for(milliseconds(20));
  EXPECT_FALSE(*ClaimSimulationRun(*store_, "fourth", milliseconds(5)));
  auto got = GetSimulationRun(*store_, run.id);
  EXPECT_EQ(got->status, SimulationStatus::kFailed);
  EXPECT_EQ(got->error_code, "abandoned");
}

TEST_P(SimulationRunTest, QueueAndClientLimitsAreCheckedWithTheInsert) {
  NewSimulationRun anon{.client = "10.0.0.1", .request = "{}", .max_active_per_client = 2};
  ASSERT_TRUE(CreateSimulationRun(*store_, anon));
  ASSERT_TRUE(CreateSimulationRun(*store_, anon));
  auto third = CreateSimulationRun(*store_, anon);
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code(), StatusCode::kRateLimited);
  EXPECT_NE(third.error().message().find("2 simulation runs"), std::string::npos);
  // Another address, and signed-in users, are not counted against it.
  NewSimulationRun other = anon;
  other.client = "10.0.0.2";
  EXPECT_TRUE(CreateSimulationRun(*store_, other));
  User u;
  u.username = "ana";
  u.display_name = "Ana";
  u.password_hash = "$argon2id$placeholder";
  auto user = CreateUser(*store_, u);
  ASSERT_TRUE(user) << user.error().ToString();
  NewSimulationRun signed_in = anon;
  signed_in.user_id = user->id;
  EXPECT_TRUE(CreateSimulationRun(*store_, signed_in));
  // A run that ended frees its place.
  auto claimed = ClaimSimulationRun(*store_, "w", kNeverStale);
  ASSERT_TRUE(claimed && *claimed);
  ASSERT_TRUE(FinishSimulationRun(*store_, (*claimed)->id, "w", "{}", "{}").ok());
  EXPECT_TRUE(CreateSimulationRun(*store_, anon));

  // The queue: 4 runs wait now (5 created, 1 done).
  NewSimulationRun queued{.client = "10.0.0.9", .request = "{}", .max_queued = 4};
  auto full = CreateSimulationRun(*store_, queued);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code(), StatusCode::kUnavailable);
  queued.max_queued = 5;
  EXPECT_TRUE(CreateSimulationRun(*store_, queued));
}

TEST_P(SimulationRunTest, ListsNewestFirstByUser) {
  User u;
  u.username = "ana";
  u.display_name = "Ana";
  u.password_hash = "$argon2id$placeholder";
  auto user = CreateUser(*store_, u);
  ASSERT_TRUE(user);
  SimulationRun a = Create(R"({"n":1})", "x", user->id);
  SimulationRun anon = Create(R"({"n":2})", "x");
  SimulationRun b = Create(R"({"n":3})", "x", user->id);
  auto mine = ListSimulationRuns(*store_, {.user_id = user->id});
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].id, b.id);
  EXPECT_EQ((*mine)[1].id, a.id);
  EXPECT_EQ((*mine)[0].user_id, user->id);
  EXPECT_EQ((*mine)[0].request, R"({"n":3})");
  auto all = ListSimulationRuns(*store_, {.limit = 2});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, b.id);
  EXPECT_EQ((*all)[1].id, anon.id);
}

// Two servers claiming from one database: every run is claimed exactly once.
TEST_P(SimulationRunTest, ConcurrentClaimsNeverShareARun) {
  if (!shared()) GTEST_SKIP() << "an in-memory database has one connection";
  constexpr int kRuns = 30;
  std::set<std::string> created;
  for (int i = 0; i < kRuns; ++i) created.insert(Create("{}").id);
  std::vector<std::string> got[2];
  std::latch start(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      auto store = Open();
      if (!store) return;
      start.arrive_and_wait();
      const std::string worker = "w" + std::to_string(t);
      for (;;) {
        auto c = ClaimSimulationRun(*store, worker, kNeverStale);
        if (!c) {
          ADD_FAILURE() << c.error().ToString();
          return;
        }
        if (!*c) return;
        got[t].push_back((*c)->id);
        EXPECT_TRUE(FinishSimulationRun(*store, (*c)->id, worker, "{}", "{}").ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::multiset<std::string> all(got[0].begin(), got[0].end());
  all.insert(got[1].begin(), got[1].end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kRuns));
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()), created);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, SimulationRunTest, ::testing::Values("file", ":memory:"),
                         [](const auto& info) {
                           return info.param == "file" ? std::string("File")
                                                       : std::string("Memory");
                         });
INSTANTIATE_TEST_SUITE_P(Postgres, SimulationRunTest, ::testing::Values("postgres"),
                         [](const auto&) { return std::string("Postgres"); });

}  // namespace
}  // namespace spcoop
