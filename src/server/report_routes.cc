#include "report_routes.h"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "query.h"
#include "spcoop/report/report.h"

namespace spcoop::server {
namespace {

constexpr std::string_view kAllow = "GET, HEAD, OPTIONS";

// The published narratives of the period, of one economy (national) or of all (regional).
Result<std::vector<Narrative>> PublishedNarratives(Store& store, const std::string& economy,
                                                   const std::string& period) {
  NarrativeFilter filter;
  filter.period = period;
  if (!economy.empty()) filter.economies = {economy};
  return store.ListNarratives(filter);
}

}  // namespace

bool IsReportPath(std::string_view path) {
  if (!path.starts_with(kReportsPrefix)) return false;
  return path.size() == kReportsPrefix.size() || path[kReportsPrefix.size()] == '/';
}

HttpResponse HandleReport(StorePool& pool, const HttpRequest& request) {
  std::string_view path = request.path;
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  std::string_view kind = path.substr(std::min(path.size(), kReportsPrefix.size()));
  const bool national = kind == "/national";
  if (!national && kind != "/regional") {
    Status s =
        Status::NotFound(fmt::format("no report at {}; use {}/national or {}/regional",
                                     request.path.substr(0, 100), kReportsPrefix, kReportsPrefix));
    s.AddDetail("path", s.message());
    return ErrorResponse(s);
  }
  if (request.method == "OPTIONS") {
    HttpResponse r;
    r.status = 204;
    r.headers.emplace_back("Allow", kAllow);
    return r;
  }
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse r = ErrorResponse(
        Status::InvalidArgument(fmt::format("method {} is not allowed on {}; use GET",
                                            request.method.substr(0, 20), kReportsPrefix)),
        405);
    r.headers.emplace_back("Allow", kAllow);
    return r;
  }

  QueryParams q = national ? QueryParams(request.query, {"economy", "period", "lang", "format"})
                           : QueryParams(request.query, {"period", "lang", "format"});
  std::string economy;
  if (national) economy = AsciiUpper(q.Required("economy").value_or(""));
  std::string period = q.Required("period").value_or("");
  Language lang = Language::kEn;
  report::Format format = report::Format::kPdf;
  if (!period.empty()) {
    if (auto p = report::ParsePeriod(period); !p) q.Invalid("period", p.error().message());
  }
  if (auto text = q.Text("lang")) {
    auto l = report::ParseReportLanguage(*text);
    if (l) {
      lang = *l;
    } else {
      q.Invalid("lang", l.error().message());
    }
  }
  if (auto text = q.Text("format")) {
    auto f = report::ParseFormat(*text);
    if (f) {
      format = *f;
    } else {
      q.Invalid("format", f.error().message());
    }
  }
  if (Status s = q.Check(); !s.ok()) return ErrorResponse(s);

  auto lease = pool.Acquire();
  if (!lease) return ErrorResponse(lease.error());
  auto narratives = PublishedNarratives(**lease, economy, period);
  if (!narratives) return ErrorResponse(narratives.error());
  Result<std::string> body =
      national ? report::National(**lease, {economy, period, lang}, *narratives, format)
               : report::Regional(**lease, {period, lang}, *narratives, format);
  if (!body) {
    StatusCode code = body.error().code();
    if (code == StatusCode::kUnavailable || code == StatusCode::kDataLoss) lease->Discard();
    return ErrorResponse(body.error());
  }
  HttpResponse r;
  r.content_type = std::string(report::ContentType(format));
  r.body = std::move(*body);
  r.headers.emplace_back(
      "Content-Disposition",
      fmt::format("{}; filename=\"{}\"", format == report::Format::kPdf ? "attachment" : "inline",
                  report::FileName(format, national ? economy : "", period, lang)));
  return r;
}

}  // namespace spcoop::server
