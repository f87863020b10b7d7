// The server as separate processes: killed with SIGKILL in the middle of an upload, the
// database keeps either none or all of the upload (SQLite and PostgreSQL); two server processes
// on one PostgreSQL database share sessions and data, as several instances behind a reverse
// proxy do.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "../src/store/pg_test_schema.h"
#include "spcoop/store/store.h"
#include "spcoop/store/workflow.h"

namespace spcoop {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr char kPassword[] = "a long test passphrase";

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One `spcoop serve` process.
class ServerProcess {
 public:
  ServerProcess(const std::string& db, const fs::path& log) : log_(log) {
    port_ = FreePort();
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string port = std::to_string(port_);
      std::FILE* err = std::freopen(log.c_str(), "w", stderr);
      (void)err;
      ::execl(SPCOOP_BINARY, SPCOOP_BINARY, "--quiet", "--db", db.c_str(), "serve", "--port",
              port.c_str(), static_cast<char*>(nullptr));
      std::_Exit(127);
    }
    for (int i = 0; i < 200; ++i) {
      httplib::Client c("127.0.0.1", port_);
      if (auto r = c.Get("/api/v1/health"); r && r->status == 200) {
        ready_ = true;
        return;
      }
      std::this_thread::sleep_for(50ms);
    }
  }
  ~ServerProcess() { Kill(SIGTERM); }
  void Kill(int sig) {
    if (pid_ > 0) {
      ::kill(pid_, sig);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }
  bool ready() const { return ready_; }
  int port() const { return port_; }
  std::string log() const { return ReadFile(log_); }

 private:
  fs::path log_;
  pid_t pid_ = -1;
  int port_ = 0;
  bool ready_ = false;
};

struct Login {
  std::string cookie, csrf;
};

Login LogIn(int port, const std::string& user) {
  httplib::Client c("127.0.0.1", port);
  auto r = c.Post("/api/v1/session", json{{"username", user}, {"password", kPassword}}.dump(),
                  "application/json");
  Login out;
  if (!r || r->status != 200) {
    ADD_FAILURE() << "login failed: " << (r ? r->body : httplib::to_string(r.error()));
    return out;
  }
  std::string set = r->get_header_value("Set-Cookie");
  out.cookie = set.substr(0, set.find(';'));
  out.csrf = json::parse(r->body).value("csrf_token", "");
  return out;
}

httplib::Headers Auth(const Login& l) {
  return {{"Cookie", l.cookie}, {"X-CSRF-Token", l.csrf}};
}

class ProcessTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db = std::make_unique<TestDatabase>(GetParam(), "spcoop_process");
    if (db->skipped()) GTEST_SKIP() << kNoPostgres;
    dir_ = db->dir();
    db_ = db->uri();
    ASSERT_EQ(Run("SPCOOP_ADMIN_PASSWORD='" + std::string(kPassword) + "' ", "init"), 0);
    ASSERT_EQ(Run("SPCOOP_PASSWORD='" + std::string(kPassword) + "' ",
                  "user add fp.khm --role focal_point --economy KHM"),
              0);
    ASSERT_EQ(Run("SPCOOP_PASSWORD='" + std::string(kPassword) + "' ",
                  "user add sec --role secretariat"),
              0);
  }
  void TearDown() override { db.reset(); }
  int Run(const std::string& env, const std::string& args) {
    std::string cmd = env + "'" + SPCOOP_BINARY + "' --quiet --db '" + db_ + "' --data '" +
                      SPCOOP_MINI_DATA + "' " + args + " >'" + (dir_ / "out").string() +
                      "' 2>'" + (dir_ / "err").string() + "'";
    int status = std::system(cmd.c_str());
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code != 0) ADD_FAILURE() << args << ": " << ReadFile(dir_ / "err");
    return code;
  }

  std::unique_ptr<TestDatabase> db;
  fs::path dir_;
  std::string db_;
};

TEST_P(ProcessTest, KillingTheServerDuringAnUploadLeavesNoPartOfIt) {
  // 9 ILO series x 3 sexes x 6 quantiles x 46 years = 7452 rows of KHM.
  std::string csv = "series,economy,sex,age,quantile,year,value\n";
  int rows = 0;
  for (const char* series :
       {"SI_COV_BENFTS", "SI_COV_CHLD", "SI_COV_DISAB", "SI_COV_MATNL", "SI_COV_POOR",
        "SI_COV_UEMP", "SI_COV_VULN", "SI_COV_WKINJRY", "SI_COV_PENSN"}) {
    for (const char* sex : {"_T", "F", "M"}) {
      for (const char* q : {"_T", "Q1", "Q2", "Q3", "Q4", "Q5"}) {
        for (int year = 1990; year <= 2035; ++year) {
          csv += fmt::format("{},KHM,{},_T,{},{},{}\n", series, sex, q, year, (year % 90) + 5);
          ++rows;
        }
      }
    }
  }
  ServerProcess server(db_, dir_ / "server.log");
  ASSERT_TRUE(server.ready()) << server.log();
  Login fp = LogIn(server.port(), "fp.khm");

  std::atomic<bool> answered{false};
  std::thread upload([&] {
    httplib::Client c("127.0.0.1", server.port());
    c.set_read_timeout(60, 0);
    auto r = c.Post("/api/v1/economies/KHM/imports?reason=kill%20test", Auth(fp), csv,
                    "text/csv");
    answered = r && r->status == 200;
  });
  // Kill as soon as the server says it is storing the rows: inside the write.
  bool storing = false;
  for (int i = 0; i < 2000 && !storing; ++i) {
    storing = server.log().find("storing") != std::string::npos;
    if (!storing) std::this_thread::sleep_for(1ms);
  }
  server.Kill(SIGKILL);
  upload.join();
  ASSERT_TRUE(storing) << server.log();

  auto store = OpenStore(db_);
  ASSERT_TRUE(store) << store.error().ToString();
  auto latest = LatestChangeset(**store, "KHM");
  ASSERT_TRUE(latest) << latest.error().ToString();
  RecordProperty("outcome", answered             ? "the upload committed before the kill"
                            : *latest ? "killed after the commit, before the answer"
                                      : "killed inside the write: nothing stored");
  std::cout << "kill test: "
            << (answered ? "committed before the kill"
                         : (*latest ? "killed after commit" : "killed inside the write")) << "\n";
  ASSERT_TRUE(latest) << latest.error().ToString();
  if (answered) {
    // The write had committed before the kill: then all of it is there.
    ASSERT_TRUE(*latest);
    EXPECT_EQ(ChangesetChanges(**store, (*latest)->id)->size(), static_cast<size_t>(rows));
  } else {
    // Unanswered: the upload is either entirely absent or entirely present, never in part.
    if (*latest) {
      EXPECT_EQ(ChangesetChanges(**store, (*latest)->id)->size(), static_cast<size_t>(rows));
    } else {
      SUCCEED();
    }
  }
  // The published data is as it was, and a new server serves the database.
  ObservationFilter f;
  f.economies = {"KHM"};
  f.year_from = 2030;
  EXPECT_EQ(*(*store)->CountObservations(f), 0);
  ServerProcess again(db_, dir_ / "server2.log");
  EXPECT_TRUE(again.ready()) << again.log();
}

TEST_P(ProcessTest, TwoServersShareSessionsAndData) {
  if (GetParam() != "postgres") GTEST_SKIP() << "several instances share a PostgreSQL database";
  ServerProcess a(db_, dir_ / "a.log");
  ServerProcess b(db_, dir_ / "b.log");
  ASSERT_TRUE(a.ready() && b.ready()) << a.log() << b.log();
  Login fp = LogIn(a.port(), "fp.khm");

  // The session made on A works on B.
  httplib::Client ca("127.0.0.1", a.port()), cb("127.0.0.1", b.port());
  auto me = cb.Get("/api/v1/session", Auth(fp));
  ASSERT_TRUE(me);
  EXPECT_EQ(json::parse(me->body)["user"]["username"], "fp.khm");

  // A write through B is seen through A.
  auto edit = cb.Put("/api/v1/economies/KHM/observations", Auth(fp),
                     json{{"series", "SI_COV_BENFTS"}, {"year", 2024}, {"value", 44.5},
                          {"reason", "two instances"}}
                         .dump(),
                     "application/json");
  ASSERT_TRUE(edit);
  ASSERT_EQ(edit->status, 200) << edit->body;
  auto ws = ca.Get("/api/v1/economies/KHM/workspace", Auth(fp));
  ASSERT_TRUE(ws);
  json w = json::parse(ws->body);
  ASSERT_EQ(w["changeset"]["changes"].size(), 1u) << ws->body;
  EXPECT_EQ(w["changeset"]["changes"][0]["value"]["value"], 44.5);

  // Submitted on A, published by the secretariat on B, public on A.
  const std::string id = std::to_string(w["changeset"]["id"].get<int64_t>());
  auto sub = ca.Post("/api/v1/changesets/" + id + "/submit", Auth(fp), "{}", "application/json");
  ASSERT_TRUE(sub && sub->status == 200);
  Login sec = LogIn(b.port(), "sec");
  auto pub = cb.Post("/api/v1/changesets/" + id + "/publish", Auth(sec), "{}", "application/json");
  ASSERT_TRUE(pub && pub->status == 200) << (pub ? pub->body : "");
  auto obs = ca.Get("/api/v1/observations?economy=KHM&year_from=2024&series=SI_COV_BENFTS");
  ASSERT_TRUE(obs);
  EXPECT_EQ(json::parse(obs->body)["data"][0]["value"], 44.5);

  // Logging out on B ends the session on A too.
  auto out = cb.Delete("/api/v1/session", Auth(fp));
  ASSERT_TRUE(out && out->status == 200);
  auto gone = ca.Get("/api/v1/session", Auth(fp));
  EXPECT_TRUE(json::parse(gone->body)["user"].is_null());
}

INSTANTIATE_TEST_SUITE_P(Sqlite, ProcessTest, ::testing::Values("file"),
                         [](const auto&) { return std::string("File"); });
INSTANTIATE_TEST_SUITE_P(Postgres, ProcessTest, ::testing::Values("postgres"),
                         [](const auto&) { return std::string("Postgres"); });

}  // namespace
}  // namespace spcoop
