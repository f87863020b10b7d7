// Internal to the tests: a throwaway PostgreSQL schema per test, so tests start from an empty
// database and may run in parallel. The server comes from SPCOOP_TEST_POSTGRES_URI
// (eval "$(scripts/start-postgres.sh)"); tests skip when it is not set.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <fmt/format.h>
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

}  // namespace
}  // namespace spcoop
