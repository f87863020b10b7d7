#include "sdmx_routes.h"

#include <memory>
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
  req.stream = true;  // data messages go out in chunks, not built whole in memory
  sdmx::Response r = sdmx::Handle(**lease, req);
  out.status = r.status;
  out.content_type = std::move(r.content_type);
  out.body = std::move(r.body);
  if (r.stream) {
    // The message is written after this returns, from the store: the lease goes with it.
    auto held = std::make_shared<StorePool::Lease>(std::move(*lease));
    out.stream = [held, stream = std::move(r.stream)](
                     const std::function<bool(std::string_view)>& sink) { return stream(sink); };
  }
  return out;
}

}  // namespace spcoop::server
