#include "sdmx_routes.h"

#include <string>

#include "spcoop/sdmx/sdmx.h"

namespace spcoop::server {

bool IsSdmxPath(std::string_view path) {
  if (!path.starts_with(kSdmxPrefix)) return false;
  return path.size() == kSdmxPrefix.size() || path[kSdmxPrefix.size()] == '/';
}

HttpResponse HandleSdmx(StorePool& pool, const HttpRequest& request, std::string_view accept) {
  HttpResponse out;
  if (request.method != "GET" && request.method != "HEAD") {
    out.status = 405;
    out.content_type = std::string(sdmx::kXmlType);
    out.body = sdmx::ErrorMessageXml(405, "method " + request.method + " is not allowed; use GET");
    out.headers.push_back({"Allow", "GET, HEAD"});
    return out;
  }
  auto lease = pool.Acquire();
  if (!lease) {
    out.status = 503;
    out.content_type = std::string(sdmx::kXmlType);
    out.body = sdmx::ErrorMessageXml(503, "the database is not available; retry later");
    return out;
  }
  sdmx::Request req;
  req.path = request.path.substr(kSdmxPrefix.size());
  req.query.assign(request.query.begin(), request.query.end());
  req.accept = std::string(accept);
  sdmx::Response r = sdmx::Handle(**lease, req);
  out.status = r.status;
  out.content_type = std::move(r.content_type);
  out.body = std::move(r.body);
  return out;
}

}  // namespace spcoop::server
