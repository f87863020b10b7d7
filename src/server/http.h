// Internal to spcoop::server: requests and responses as plain values, independent of the HTTP
// library, and the one mapping from StatusCode to HTTP status.
//
//   HttpResponse r = ErrorResponse(Status::NotFound("economy 'XXX' is not known"));
//   // r.status == 404, r.body == {"code":"not_found","message":"...","details":[]}
//
// The API (api.h) is written against these types; server.cc adapts them to cpp-httplib, so
// only server.cc and server_test.cc include httplib.h. All functions are thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spcoop/core/status.h"

namespace spcoop::server {

inline constexpr std::string_view kJsonContentType = "application/json; charset=utf-8";
inline constexpr std::string_view kHtmlContentType = "text/html; charset=utf-8";

using NameValues = std::vector<std::pair<std::string, std::string>>;

// JSON as the server writes it: keys keep the order they were added in (the documented order),
// not sorted.
using Json = nlohmann::ordered_json;

struct HttpRequest {
  std::string method;  // "GET", "HEAD", "POST", ...
  std::string path;    // percent-decoded, without the query string
  NameValues query;    // percent-decoded query parameters, repeated names kept
  NameValues headers;  // the headers the API reads (Cookie, Authorization, X-CSRF-Token, ...)
  std::string body;
  std::string remote_addr;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  NameValues headers;  // extra headers (Allow, ...)
};

// THE mapping from StatusCode to HTTP status (docs/http.md lists it):
//   invalid_argument 400, not_found 404, already_exists 409, conflict 409,
//   failed_precondition 409, permission_denied 403, unauthenticated 401,
//   resource_exhausted 413, unavailable 503, data_loss 500, internal 500 (ok 200).
int HttpStatusFor(StatusCode code);

// The StatusCode reported for an error the HTTP layer produced itself, before any handler ran
// (a malformed request line, a URI over the limit): 400 invalid_argument, 404 not_found,
// 405 invalid_argument, 408 unavailable, 413/414/431 resource_exhausted, 503 unavailable,
// anything else internal.
StatusCode StatusCodeForHttp(int http_status);

// {"code":"not_found","message":"...","details":[{"path":"query.economy","message":"..."}]}.
// A Status location without details becomes one detail with that path.
Json ErrorJson(const Status& status);

// Serialises UTF-8 as is (not \u escapes); invalid UTF-8 bytes become U+FFFD; never throws.
std::string DumpJson(const Json& json);

HttpResponse JsonResponse(const Json& json, int http_status = 200);
// The error as JSON with the status from HttpStatusFor(status.code()).
HttpResponse ErrorResponse(const Status& status);
// For the few protocol-level answers that have no StatusCode of their own (405 method not
// allowed, 414 URI too long): the body still carries `status`'s code name.
HttpResponse ErrorResponse(const Status& status, int http_status);

}  // namespace spcoop::server
