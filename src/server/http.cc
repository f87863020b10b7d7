#include "http.h"

namespace spcoop::server {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kConflict:
      return 409;
    // 409, not 412: 412 is reserved for failed conditional headers (If-Match, RFC 9110 15.5.13),
    // which this API does not use; "the system is not in the state the call needs" is a conflict
    // with the server's current state.
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kUnauthenticated:
      return 401;
    // 413: the limits the server enforces are on what a request carries (body size). The URL
    // limits answer 414 through ErrorResponse(status, 414).
    case StatusCode::kResourceExhausted:
      return 413;
    // 429: login throttling (spcoop/auth); the answer carries Retry-After.
    case StatusCode::kRateLimited:
      return 429;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDataLoss:
      return 500;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

StatusCode StatusCodeForHttp(int http_status) {
  switch (http_status) {
    case 400:
      return StatusCode::kInvalidArgument;
    case 404:
      return StatusCode::kNotFound;
    case 405:
      return StatusCode::kInvalidArgument;
    case 408:
      return StatusCode::kUnavailable;
    case 413:
    case 414:
    case 431:
      return StatusCode::kResourceExhausted;
    case 429:
      return StatusCode::kRateLimited;
    case 503:
      return StatusCode::kUnavailable;
    default:
      return StatusCode::kInternal;
  }
}

Json ErrorJson(const Status& status) {
  Json details = Json::array();
  for (const StatusDetail& d : status.details()) {
    details.push_back({{"path", d.path}, {"message", d.message}});
  }
  if (status.details().empty() && !status.location().empty()) {
    details.push_back({{"path", status.location()}, {"message", status.message()}});
  }
  return {{"code", std::string(StatusCodeName(status.code()))},
          {"message", status.message()},
          {"details", std::move(details)}};
}

std::string DumpJson(const Json& json) {
  return json.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

HttpResponse JsonResponse(const Json& json, int http_status) {
  HttpResponse r;
  r.status = http_status;
  r.content_type = std::string(kJsonContentType);
  r.body = DumpJson(json);
  r.body += '\n';
  return r;
}

HttpResponse ErrorResponse(const Status& status) {
  return ErrorResponse(status, HttpStatusFor(status.code()));
}

HttpResponse ErrorResponse(const Status& status, int http_status) {
  return JsonResponse(ErrorJson(status), http_status);
}

}  // namespace spcoop::server
