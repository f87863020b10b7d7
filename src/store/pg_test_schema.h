// Internal to the tests: a throwaway PostgreSQL schema per test (PgSchema), and a fresh database
// of any kind (TestDatabase), so tests start from an empty database and may run in parallel. The server comes from SPCOOP_TEST_POSTGRES_URI
// (eval "$(scripts/start-postgres.sh)"); tests skip when it is not set.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

namespace spcoop {
namespace {

constexpr char kNoPostgres[] =
    "SPCOOP_TEST_POSTGRES_URI is not set; eval \"$(scripts/start-postgres.sh)\" to test the "
    "PostgreSQL backend";

// The PostgreSQL server of the tests, or empty.
std::string PostgresBaseUri() {
  const char* v = std::getenv("SPCOOP_TEST_POSTGRES_URI");
  return v ? v : "";
}

// A fresh schema in the test database, dropped by the destructor. Stores opened with uri() live
// in it (search_path), so every test starts from an empty database and tests may run in
// parallel.
class PgSchema {
 public:
  explicit PgSchema(std::string base) : base_(std::move(base)) {
    static std::atomic<int> counter{0};
    // The counter's address tells apart test files linked into one binary.
    name_ = fmt::format("spcoop_test_{}_{}_{}", ::getpid(),
                        reinterpret_cast<uintptr_t>(&counter) % 100003, counter++);
    Admin(fmt::format("DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}", name_));
  }
  ~PgSchema() {
    try {
      Admin(fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", name_));
    } catch (...) {
    }
  }
  PgSchema(const PgSchema&) = delete;
  PgSchema& operator=(const PgSchema&) = delete;

  // The base URI with search_path set to this schema, plus more -c settings if given
  // ("-clock_timeout%3D200").
  std::string uri(std::string_view more_options = "") const {
    return fmt::format("{}{}options=-csearch_path%3D{}{}{}", base_,
                       base_.find('?') == std::string::npos ? '?' : '&', name_,
                       more_options.empty() ? "" : "%20", more_options);
  }
  // Runs SQL in this schema on a connection of its own. Returns the error, empty on success.
  std::string Exec(const std::string& sql) const {
    try {
      pqxx::connection c(uri());
      pqxx::nontransaction tx(c);
      tx.exec(sql);
      return "";
    } catch (const std::exception& e) {
      return e.what();
    }
  }
  // The first field of the first row of a query in this schema.
  std::string Scalar(const std::string& sql) const {
    pqxx::connection c(uri());
    pqxx::nontransaction tx(c);
    return tx.exec1(sql)[0].c_str();
  }

 private:
  void Admin(const std::string& sql) {
    pqxx::connection c(base_);
    pqxx::nontransaction tx(c);
    tx.exec("SET client_min_messages = warning; " + sql);
  }

  std::string base_;
  std::string name_;
};

// A fresh, empty database of one kind for one test: "file" (a SQLite file in a folder of the
// test's own), ":memory:", or "postgres" (a PgSchema). dir() is the test's folder (also for
// "postgres", for other files a test writes); it is removed by the destructor.
class TestDatabase {
 public:
  // `prefix` names the folder; the running test's name is added. skipped() is true for
  // "postgres" without SPCOOP_TEST_POSTGRES_URI (GTEST_SKIP() then).
  TestDatabase(const std::string& kind, const std::string& prefix) {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');
    dir_ = std::filesystem::temp_directory_path() /
           (prefix + "_" + std::to_string(::getpid()) + "_" + name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    if (kind == "postgres") {
      std::string base = PostgresBaseUri();
      if (base.empty()) {
        skipped_ = true;
        return;
      }
      pg_ = std::make_unique<PgSchema>(base);
      uri_ = pg_->uri();
    } else if (kind == "file") {
      uri_ = (dir_ / "t.db").string();
    } else {
      uri_ = kind;
    }
  }
  ~TestDatabase() {
    pg_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  bool skipped() const { return skipped_; }
  const std::string& uri() const { return uri_; }
  const std::filesystem::path& dir() const { return dir_; }
  PgSchema* pg() const { return pg_.get(); }  // null unless "postgres"

 private:
  std::filesystem::path dir_;
  std::string uri_;
  std::unique_ptr<PgSchema> pg_;
  bool skipped_ = false;
};

}  // namespace
}  // namespace spcoop
