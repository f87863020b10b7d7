// Internal to spcoop::server: what the route handlers of api.cc (reads) and write_routes.cc
// (accounts, workflow, writes) share: the per-request Context, the Route table entry, and the
// parameter helpers.
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api.h"
#include "http.h"
#include "query.h"
#include "simulation_jobs.h"
#include "spcoop/auth/auth.h"
#include "spcoop/core/codes.h"
#include "spcoop/store/accounts.h"
#include "store_pool.h"

namespace spcoop::server::detail {

using json = Json;

// What a handler sees: the request, the path argument ({iso3}, {id}), a store connection leased
// on first use, who is asking (set before the handler runs), and headers to add to the answer.
class Context {
 public:
  Context(StorePool& pool, const ApiLimits& limits, const auth::Authenticator& auth,
          const HttpRequest& request, std::vector<std::string> args, SimulationJobs* jobs)
      : limits(limits),
        auth(auth),
        request(request),
        arg(args.empty() ? std::string() : args.front()),
        args(std::move(args)),
        jobs(jobs),
        pool_(pool) {}

  Result<Store*> GetStore() {
    if (!lease_) {
      SPCOOP_ASSIGN_OR_RETURN(StorePool::Lease lease, pool_.Acquire());
      lease_.emplace(std::move(lease));
    }
    return &**lease_;
  }
  // After an error that may mean the connection is broken, do not reuse it.
  void DiscardStoreIf(StatusCode code) {
    if (lease_ && (code == StatusCode::kUnavailable || code == StatusCode::kDataLoss ||
                   code == StatusCode::kInternal)) {
      lease_->Discard();
    }
  }
  // The user name for provenance and the audit trail: "anonymous" when not logged in.
  std::string actor() const { return principal ? principal->user.username : "anonymous"; }

  const ApiLimits& limits;
  const auth::Authenticator& auth;
  const HttpRequest& request;
  const std::string arg;                // the first captured segment
  const std::vector<std::string> args;  // every captured segment, in order
  SimulationJobs* const jobs;           // null: simulation jobs are off
  std::optional<auth::Principal> principal;
  auth::ClientInfo client;
  NameValues response_headers;  // Set-Cookie, Retry-After, ...
  int status = 200;
  // Set by a handler whose answer is not JSON (a file): sent as it is.
  std::optional<HttpResponse> raw;

 private:
  StorePool& pool_;
  std::optional<StorePool::Lease> lease_;
};

using Handler = Result<json> (*)(Context&);

struct Route {
  std::string_view method;   // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string_view pattern;  // below kApiPrefix; "" is the index; "{name}" captures a segment
  std::string_view summary;
  Handler handler;
  // Takes a raw body up to max_upload_bytes (imports); other routes take JSON up to
  // max_json_body_bytes.
  bool upload = false;
};

std::span<const Route> ReadRoutes();   // api.cc
std::span<const Route> WriteRoutes();  // write_routes.cc
std::span<const Route> SimulationRoutes();  // simulation_routes.cc

// Helpers of api.cc.
std::string Shorten(std::string_view s);
Status NotFoundAt(std::string path, std::string message);
Language LangParam(QueryParams& q);
std::optional<std::string> SexParam(QueryParams& q);
std::optional<std::string> AgeParam(QueryParams& q);
std::optional<std::string> QuantileParam(QueryParams& q);
Result<std::vector<std::string>> ResolveEconomies(Store& store,
                                                  const std::vector<std::string>& codes,
                                                  std::string_view param);
Result<std::vector<std::string>> ResolveSeries(const std::vector<std::string>& codes,
                                               std::string_view param);
json DataOf(std::vector<json> items);

// Helpers of write_routes.cc.
// The request body as a JSON object; kInvalidArgument naming the problem otherwise.
Result<json> Body(const Context& ctx);
// kUnauthenticated unless someone is logged in.
Status RequireLogin(const Context& ctx);
bool HasRole(const Context& ctx, std::initializer_list<Role> roles);
// Appends an audit event (outcome "ok") for the requester.
void Audit(Context& ctx, std::string action, std::string object, std::string before,
           std::string after);

// Whether the requester may read `iso3`'s unpublished changes: its focal points, the secretariat
// and administrators (write_routes.cc).
bool CanReadDrafts(const Context& ctx, std::string_view iso3);

// The session cookie's name.
inline constexpr std::string_view kSessionCookie = "spcoop_session";

// A header's value (case-insensitive name), or "".
std::string HeaderValue(const HttpRequest& request, std::string_view name);

}  // namespace spcoop::server::detail
