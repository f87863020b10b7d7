#include "export_routes.h"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "query.h"
#include "spcoop/core/codes.h"
#include "spcoop/spreadsheet/spreadsheet.h"

namespace spcoop::server {
namespace {

constexpr std::string_view kExportPath = "/api/v1/export/observations";
constexpr std::string_view kTemplatePath = "/api/v1/template";

// A code parameter normalised by `normalize`, or a problem noted.
template <typename Normalize>
std::optional<std::string> Code(QueryParams& q, std::string_view name, Normalize normalize,
                                std::string_view expected) {
  auto text = q.Text(name);
  if (!text) return std::nullopt;
  std::optional<std::string> code = normalize(*text);
  if (!code)
    q.Invalid(name, fmt::format("'{}' is not a {} code; expected {}", *text, name, expected));
  return code;
}

Language Lang(QueryParams& q) {
  auto text = q.Text("lang");
  if (!text) return Language::kEn;
  auto lang = ParseLanguage(*text);
  if (!lang) q.Invalid("lang", fmt::format("'{}' is not a language; use en, zh, ru or fr", *text));
  return lang.value_or(Language::kEn);
}

Result<std::vector<std::string>> Economies(Store& store, const std::vector<std::string>& codes) {
  std::vector<std::string> out;
  std::vector<StatusDetail> unknown;
  for (const std::string& code : codes) {
    auto economy = store.GetEconomy(AsciiUpper(code));
    if (economy) {
      out.push_back(economy->iso3);
    } else if (economy.error().code() == StatusCode::kNotFound) {
      unknown.push_back({"query.economy", fmt::format("unknown economy '{}'; use an ISO 3166 "
                                                      "alpha-3 code listed by /api/v1/economies",
                                                      code)});
    } else {
      return Err(economy.error());
    }
  }
  if (!unknown.empty()) {
    return Err(Status::NotFound(unknown.front().message).WithDetails(std::move(unknown)));
  }
  return out;
}

HttpResponse File(std::string body, std::string_view content_type, const std::string& name) {
  HttpResponse out;
  out.status = 200;
  out.content_type = std::string(content_type);
  out.body = std::move(body);
  out.headers.push_back({"Content-Disposition", fmt::format("attachment; filename=\"{}\"", name)});
  return out;
}

Result<HttpResponse> Export(Store& store, const HttpRequest& request) {
  QueryParams q(request.query, {"series", "economy", "sex", "age", "quantile", "year_from",
                                "year_to", "format", "lang"});
  ObservationFilter filter;
  std::vector<std::string> series = q.List("series");
  std::vector<std::string> economies = q.List("economy");
  filter.sex = Code(q, "sex", NormalizeSex, "_T, F or M");
  filter.age = Code(q, "age", NormalizeAge, "_T or an SDMX age code such as Y_GE65");
  filter.quantile = Code(q, "quantile", NormalizeQuantile, "_T or Q1 to Q5");
  filter.year_from = q.Year("year_from");
  filter.year_to = q.Year("year_to");
  if (filter.year_from && filter.year_to && *filter.year_from > *filter.year_to) {
    q.Invalid("year_to", fmt::format("year_to ({}) is before year_from ({})", *filter.year_to,
                                     *filter.year_from));
  }
  std::string format = AsciiLower(q.Text("format").value_or("csv"));
  if (format != "csv" && format != "xlsx") {
    q.Invalid("format", fmt::format("'{}' is not an export format; use csv or xlsx", format));
  }
  Language lang = Lang(q);
  SPCOOP_RETURN_IF_ERROR(q.Check());
  std::vector<StatusDetail> unknown;
  for (const std::string& code : series) {
    if (const Series* s = FindSeries(AsciiUpper(code))) {
      filter.series.push_back(s->code);
    } else {
      unknown.push_back({"query.series", fmt::format("unknown series '{}'; use a code listed by "
                                                     "/api/v1/series, such as SI_COV_BENFTS",
                                                     code)});
    }
  }
  if (!unknown.empty()) {
    return Err(Status::NotFound(unknown.front().message).WithDetails(std::move(unknown)));
  }
  SPCOOP_ASSIGN_OR_RETURN(filter.economies, Economies(store, economies));
  SPCOOP_ASSIGN_OR_RETURN(std::vector<Observation> rows, store.QueryObservations(filter));
  SPCOOP_ASSIGN_OR_RETURN(std::vector<Economy> all, store.ListEconomies());
  if (format == "csv") {
    return File(spreadsheet::ObservationsCsv(rows, all, lang), spreadsheet::kCsvContentType,
                "spcoop-observations.csv");
  }
  SPCOOP_ASSIGN_OR_RETURN(std::string xlsx, spreadsheet::ObservationsXlsx(rows, all, lang));
  return File(std::move(xlsx), spreadsheet::kXlsxContentType, "spcoop-observations.xlsx");
}

Result<HttpResponse> TemplateFile(Store& store, const HttpRequest& request) {
  QueryParams q(request.query, {"economy", "lang"});
  auto economy_code = q.Required("economy");
  Language lang = Lang(q);
  SPCOOP_RETURN_IF_ERROR(q.Check());
  SPCOOP_ASSIGN_OR_RETURN(std::vector<std::string> iso3, Economies(store, {*economy_code}));
  SPCOOP_ASSIGN_OR_RETURN(Economy economy, store.GetEconomy(iso3.front()));
  SPCOOP_ASSIGN_OR_RETURN(std::string xlsx, spreadsheet::Template(economy, lang));
  return File(std::move(xlsx), spreadsheet::kXlsxContentType,
              fmt::format("spcoop-template-{}-{}.xlsx", economy.iso3, LanguageCode(lang)));
}

}  // namespace

bool IsExportPath(std::string_view path) {
  if (path.ends_with('/')) path.remove_suffix(1);
  return path == kExportPath || path == kTemplatePath;
}

HttpResponse HandleExport(StorePool& pool, const HttpRequest& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse out = ErrorResponse(
        Status::InvalidArgument(fmt::format("method {} is not allowed; use GET", request.method)),
        405);
    out.headers.push_back({"Allow", "GET, HEAD"});
    return out;
  }
  auto lease = pool.Acquire();
  if (!lease) return ErrorResponse(lease.error());
  std::string_view path = request.path;
  if (path.ends_with('/')) path.remove_suffix(1);
  Result<HttpResponse> r =
      path == kTemplatePath ? TemplateFile(**lease, request) : Export(**lease, request);
  if (!r) return ErrorResponse(r.error());
  return std::move(*r);
}

}  // namespace spcoop::server
