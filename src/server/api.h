// Internal to spcoop::server: the routes of /api/v1 (docs/http.md), written against plain
// request/response values so they know nothing of the HTTP library.
//
//   StorePool pool("var/spcoop.db", 8);
//   Api api(pool, {.max_page_size = 1000, .default_page_size = 100});
//   HttpResponse r = api.Handle({"GET", "/api/v1/economies/KHM", {}});
//
// Handle() answers every path under /api: a route's JSON, or a JSON error (404 unknown route,
// 405 wrong method, 400/404 for bad parameters, the store's errors mapped by HttpStatusFor()).
// It may throw only what the store or analysis throw unexpectedly (std::bad_alloc, ...); the
// dispatcher in server.cc catches that. Thread-safe: each call leases its own store connection.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "http.h"
#include "spcoop/auth/auth.h"
#include "store_pool.h"

namespace spcoop::server {

struct ApiLimits {
  int max_page_size = 1000;
  int default_page_size = 100;
  size_t max_json_body_bytes = 1 << 20;  // JSON request bodies
  size_t max_upload_bytes = 32 << 20;    // import uploads
  int max_json_depth = 32;               // nesting of arrays and objects in a JSON body
  bool secure_cookies = false;           // add Secure to the session cookie
  bool trust_proxy = false;              // take the client address and scheme from X-Forwarded-*
  auth::AuthPolicy auth;
  // Simulation runs (POST /api/v1/simulations, docs/security.md).
  int64_t anonymous_max_persons = 200000;
  int64_t user_max_persons = 10000000;
  int64_t anonymous_runs_per_client = 2;  // queued or running at once, per client address
  int64_t simulation_queue = 16;          // queued runs, all callers; then 503
  std::string rules_dir = "rules";        // its examples/ are the catalogue's schemes
};

class SimulationJobs;

inline constexpr std::string_view kApiPrefix = "/api/v1";

// True for "/api" and every path below it: the paths Api::Handle() answers.
bool IsApiPath(std::string_view path);

class Api {
 public:
  // Without `jobs`, the simulation routes answer 503.
  Api(StorePool& pool, ApiLimits limits, SimulationJobs* jobs = nullptr)
      : pool_(pool), limits_(std::move(limits)), auth_(limits_.auth), jobs_(jobs) {}
  HttpResponse Handle(const HttpRequest& request) const;

 private:
  StorePool& pool_;
  const ApiLimits limits_;
  const auth::Authenticator auth_;
  SimulationJobs* const jobs_;
};

}  // namespace spcoop::server
