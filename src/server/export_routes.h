// Internal to spcoop::server: the spreadsheet routes (docs/spreadsheets.md, docs/http.md):
//   GET /api/v1/export/observations?<filters of /observations>&format=csv|xlsx&lang=en
//   GET /api/v1/template?economy=KHM&lang=fr
// A thin adapter from HttpRequest to spcoop::spreadsheet; errors are the API's JSON errors.
//
//   if (IsExportPath(request.path)) return HandleExport(pool, request);
//
// Thread-safe: each call leases its own store connection from the pool.
#pragma once

#include <string_view>

#include "http.h"
#include "store_pool.h"

namespace spcoop::server {

// True for the two paths above.
bool IsExportPath(std::string_view path);

// GET/HEAD only (405 otherwise). The body is the file, with a Content-Disposition header.
HttpResponse HandleExport(StorePool& pool, const HttpRequest& request);

}  // namespace spcoop::server
