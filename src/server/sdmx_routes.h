// Internal to spcoop::server: the SDMX 2.1 REST routes under /sdmx/rest (docs/sdmx.md), a thin
// adapter from HttpRequest to the pure functions of spcoop::sdmx.
//
//   if (IsSdmxPath(request.path)) return HandleSdmx(pool, request, accept_header);
//
// Thread-safe: each call leases its own store connection from the pool.
#pragma once

#include <string_view>

#include "http.h"
#include "store_pool.h"

namespace spcoop::server {

inline constexpr std::string_view kSdmxPrefix = "/sdmx/rest";

// True for "/sdmx/rest" and every path below it.
bool IsSdmxPath(std::string_view path);

// GET/HEAD only (405 otherwise). The body is SDMX-ML (or SDMX-CSV), errors too.
HttpResponse HandleSdmx(StorePool& pool, const HttpRequest& request, std::string_view accept);

}  // namespace spcoop::server
