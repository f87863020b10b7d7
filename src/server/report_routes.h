// Internal to spcoop::server: the report downloads under /api/v1/reports (docs/http.md), a thin
// adapter from HttpRequest to spcoop::report.
//
//   if (IsReportPath(request.path)) return HandleReport(pool, request);
//
// GET /api/v1/reports/national?economy=KHM&period=2025&lang=zh&format=pdf
// GET /api/v1/reports/regional?period=2025&lang=en&format=html
// The body is the PDF or HTML file; errors are the API's JSON errors. Thread-safe: each call
// leases its own store connection from the pool.
#pragma once

#include <string_view>

#include "http.h"
#include "store_pool.h"

namespace spcoop::server {

inline constexpr std::string_view kReportsPrefix = "/api/v1/reports";

// True for "/api/v1/reports" and every path below it.
bool IsReportPath(std::string_view path);

// GET/HEAD (405 otherwise, OPTIONS 204). 404 for another path under the prefix, 400 with one
// detail per bad parameter, the report's and the store's errors mapped by HttpStatusFor().
HttpResponse HandleReport(StorePool& pool, const HttpRequest& request);

}  // namespace spcoop::server
