#include "api.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <climits>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api_internal.h"
#include "json_encode.h"
#include "query.h"
#include "spcoop/analysis/analysis.h"
#include "spcoop/core/codes.h"
#include "spcoop/store/accounts.h"
#include "spcoop/store/workflow.h"

namespace spcoop::server {
namespace detail {

// ILO's region "Asia and the Pacific", whose modelled estimates /aggregates shows beside ours.
constexpr std::string_view kIloRegion = "X40";
constexpr int kMaxCarryForwardYears = 10;
constexpr int kMaxPage = 1'000'000;

// ------------------------------------------------------------------ helpers

std::string Shorten(std::string_view s) {
  constexpr size_t kMax = 100;
  if (s.size() <= kMax) return std::string(s);
  return std::string(s.substr(0, kMax)) + "...";
}

Status NotFoundAt(std::string path, std::string message) {
  Status s = Status::NotFound(message);
  s.AddDetail(std::move(path), std::move(message));
  return s;
}

// Several not-found problems as one kNotFound.
Status NotFoundAll(std::vector<StatusDetail> details) {
  std::string message = details.size() == 1
                            ? details.front().message
                            : fmt::format("{} codes are not known; see details", details.size());
  return Status::NotFound(std::move(message)).WithDetails(std::move(details));
}

Language LangParam(QueryParams& q) {
  auto text = q.Text("lang");
  if (!text) return Language::kEn;
  auto lang = ParseLanguage(*text);
  if (!lang) {
    q.Invalid("lang", fmt::format("lang must be one of en, zh, ru, fr; got '{}'", Shorten(*text)));
    return Language::kEn;
  }
  return *lang;
}

// sex, age or quantile: normalised to the SDMX code, or a problem noted.
template <typename Normalize>
std::optional<std::string> CodeParam(QueryParams& q, std::string_view name, Normalize normalize,
                                     std::string_view expected) {
  auto text = q.Text(name);
  if (!text) return std::nullopt;
  std::optional<std::string> code = normalize(*text);
  if (!code) {
    q.Invalid(name, fmt::format("{} '{}' is not a valid code; expected {}", name, Shorten(*text),
                                expected));
  }
  return code;
}

constexpr std::string_view kSexCodes = "_T (both sexes), F or M";
constexpr std::string_view kAgeCodes =
    "_T (all ages) or an SDMX age code such as Y_GE65, Y0T14, Y15T64, Y_LT15";
constexpr std::string_view kQuantileCodes = "_T (all) or Q1 to Q5";

std::optional<std::string> SexParam(QueryParams& q) {
  return CodeParam(q, "sex", NormalizeSex, kSexCodes);
}
std::optional<std::string> AgeParam(QueryParams& q) {
  return CodeParam(q, "age", NormalizeAge, kAgeCodes);
}
std::optional<std::string> QuantileParam(QueryParams& q) {
  return CodeParam(q, "quantile", NormalizeQuantile, kQuantileCodes);
}

void CheckYearOrder(QueryParams& q, std::optional<int> from, std::optional<int> to) {
  if (from && to && *from > *to) {
    q.Invalid("year_to", fmt::format("year_to ({}) is before year_from ({})", *to, *from));
  }
}

// Upper-cases and checks economy codes against the store. kNotFound naming `param` for each
// unknown one.
Result<std::vector<std::string>> ResolveEconomies(Store& store,
                                                  const std::vector<std::string>& codes,
                                                  std::string_view param) {
  if (codes.empty()) return codes;
  SPCOOP_ASSIGN_OR_RETURN(std::vector<Economy> all, store.ListEconomies());
  std::set<std::string, std::less<>> known;
  for (const Economy& e : all) known.insert(e.iso3);
  std::vector<std::string> out;
  std::vector<StatusDetail> unknown;
  for (const std::string& code : codes) {
    std::string iso3 = AsciiUpper(code);
    if (known.contains(iso3)) {
      out.push_back(std::move(iso3));
    } else {
      unknown.push_back({std::string(param),
                         fmt::format("unknown economy '{}'; use an ISO 3166 alpha-3 code listed "
                                     "by /api/v1/economies",
                                     Shorten(code))});
    }
  }
  if (!unknown.empty()) return Err(NotFoundAll(std::move(unknown)));
  return out;
}

Result<std::vector<std::string>> ResolveSeries(const std::vector<std::string>& codes,
                                               std::string_view param) {
  std::vector<std::string> out;
  std::vector<StatusDetail> unknown;
  for (const std::string& code : codes) {
    if (const Series* s = FindSeries(AsciiUpper(code))) {
      out.push_back(s->code);
    } else {
      unknown.push_back(
          {std::string(param),
           fmt::format("unknown series '{}'; use a code listed by /api/v1/series, such as "
                       "SI_COV_BENFTS",
                       Shorten(code))});
    }
  }
  if (!unknown.empty()) return Err(NotFoundAll(std::move(unknown)));
  return out;
}

std::string SubregionList() {
  std::string out;
  for (const char* s : kSubregions) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

// A subregion name in any case, as spelled in kSubregions; nullopt when unknown.
std::optional<std::string> CanonicalSubregion(std::string_view name) {
  std::string lower = AsciiLower(name);
  for (const char* s : kSubregions) {
    if (AsciiLower(s) == lower) return std::string(s);
  }
  return std::nullopt;
}

Result<std::string> ResolveSubregion(std::string_view name, std::string path) {
  if (auto s = CanonicalSubregion(name)) return *s;
  return Err(NotFoundAt(std::move(path), fmt::format("unknown subregion '{}'; use one of: {}",
                                                     Shorten(name), SubregionList())));
}

json DataOf(std::vector<json> items) {
  json data = json::array();
  for (json& j : items) data.push_back(std::move(j));
  return {{"data", std::move(data)}};
}

// ------------------------------------------------------------------ handlers

Result<json> HandleIndex(Context& ctx);

Result<json> HandleHealth(Context& ctx) {
  QueryParams q(ctx.request.query, {});
  SPCOOP_RETURN_IF_ERROR(q.Check());
  Result<Store*> store = ctx.GetStore();
  Result<int> version = store ? (*store)->SchemaVersion() : Result<int>(Err(store.error()));
  if (!version) {
    return Err(Status::Unavailable(
        fmt::format("the database cannot be read: {}", version.error().message())));
  }
  return json{{"status", "ok"}, {"schema_version", *version}};
}

Result<json> HandleEconomies(Context& ctx) {
  QueryParams q(ctx.request.query, {"subregion", "lang"});
  Language lang = LangParam(q);
  auto subregion_name = q.Text("subregion");
  SPCOOP_RETURN_IF_ERROR(q.Check());
  std::optional<std::string> subregion;
  if (subregion_name) {
    SPCOOP_ASSIGN_OR_RETURN(subregion, ResolveSubregion(*subregion_name, "query.subregion"));
  }
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(std::vector<Economy> economies, store->ListEconomies());
  std::vector<json> items;
  for (const Economy& e : economies) {
    if (subregion && e.subregion != *subregion) continue;
    items.push_back(EconomyJson(e, lang));
  }
  return DataOf(std::move(items));
}

Result<json> HandleEconomy(Context& ctx) {
  QueryParams q(ctx.request.query, {"lang"});
  Language lang = LangParam(q);
  SPCOOP_RETURN_IF_ERROR(q.Check());
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  Result<Economy> economy = store->GetEconomy(AsciiUpper(ctx.arg));
  if (!economy && economy.error().code() == StatusCode::kNotFound) {
    return Err(NotFoundAt("path.iso3",
                          fmt::format("unknown economy '{}'; use an ISO 3166 alpha-3 code listed "
                                      "by /api/v1/economies",
                                      Shorten(ctx.arg))));
  }
  if (!economy) return Err(economy.error());
  return EconomyJson(*economy, lang);
}

Result<json> HandleSeriesList(Context& ctx) {
  QueryParams q(ctx.request.query, {"lang"});
  Language lang = LangParam(q);
  SPCOOP_RETURN_IF_ERROR(q.Check());
  std::vector<json> items;
  for (const Series& s : SeriesCatalogue()) items.push_back(SeriesJson(s, lang));
  return DataOf(std::move(items));
}

Result<json> HandleSeries(Context& ctx) {
  QueryParams q(ctx.request.query, {"lang"});
  Language lang = LangParam(q);
  SPCOOP_RETURN_IF_ERROR(q.Check());
  const Series* s = FindSeries(AsciiUpper(ctx.arg));
  if (!s) {
    return Err(NotFoundAt(
        "path.code",
        fmt::format("unknown series '{}'; use a code listed by /api/v1/series", Shorten(ctx.arg))));
  }
  return SeriesJson(*s, lang);
}

Result<json> HandleObservations(Context& ctx) {
  QueryParams q(ctx.request.query, {"series", "economy", "sex", "age", "quantile", "year_from",
                                    "year_to", "page", "page_size"});
  ObservationFilter filter;
  std::vector<std::string> series = q.List("series");
  std::vector<std::string> economies = q.List("economy");
  filter.sex = SexParam(q);
  filter.age = AgeParam(q);
  filter.quantile = QuantileParam(q);
  filter.year_from = q.Year("year_from");
  filter.year_to = q.Year("year_to");
  CheckYearOrder(q, filter.year_from, filter.year_to);
  int page = q.Int("page", 1, kMaxPage).value_or(1);
  int page_size = ctx.limits.default_page_size;
  if (auto size = q.Int("page_size", 1, INT_MAX)) {
    if (*size > ctx.limits.max_page_size) {
      q.Invalid("page_size",
                fmt::format("page_size {} is over the maximum of {}; ask for at most "
                            "{} rows and use page to get the rest",
                            *size, ctx.limits.max_page_size, ctx.limits.max_page_size));
    } else {
      page_size = *size;
    }
  }
  SPCOOP_RETURN_IF_ERROR(q.Check());
  SPCOOP_ASSIGN_OR_RETURN(filter.series, ResolveSeries(series, "query.series"));
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(filter.economies, ResolveEconomies(*store, economies, "query.economy"));

  SPCOOP_ASSIGN_OR_RETURN(int64_t total, store->CountObservations(filter));
  filter.limit = page_size;
  filter.offset = static_cast<int64_t>(page - 1) * page_size;
  SPCOOP_ASSIGN_OR_RETURN(std::vector<Observation> rows, store->QueryObservations(filter));
  json data = json::array();
  for (const Observation& o : rows) data.push_back(ObservationJson(o));
  return json{
      {"data", std::move(data)}, {"page", page}, {"page_size", page_size}, {"total", total}};
}

Result<json> HandleTargets(Context& ctx) {
  QueryParams q(ctx.request.query, {"economy", "series"});
  std::vector<std::string> economies = q.List("economy");
  std::vector<std::string> series = q.List("series");
  SPCOOP_RETURN_IF_ERROR(q.Check());
  TargetFilter filter;
  SPCOOP_ASSIGN_OR_RETURN(filter.series, ResolveSeries(series, "query.series"));
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(filter.economies, ResolveEconomies(*store, economies, "query.economy"));
  SPCOOP_ASSIGN_OR_RETURN(std::vector<Target> targets, store->ListTargets(filter));
  std::vector<json> items;
  for (const Target& t : targets) items.push_back(TargetJson(t));
  return DataOf(std::move(items));
}

Result<json> HandleProgress(Context& ctx) {
  QueryParams q(ctx.request.query, {"economy", "subregion"});
  std::vector<std::string> economies = q.List("economy");
  auto subregion_name = q.Text("subregion");
  if (economies.empty() && !subregion_name && q.ok()) {
    q.Invalid("economy",
              "give economy (e.g. economy=KHM) or subregion (e.g. "
              "subregion=South-East Asia)");
  } else if (!economies.empty() && subregion_name) {
    q.Invalid("subregion", "give either economy or subregion, not both");
  }
  SPCOOP_RETURN_IF_ERROR(q.Check());
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  std::vector<analysis::Assessment> assessments;
  if (subregion_name) {
    SPCOOP_ASSIGN_OR_RETURN(std::string subregion,
                            ResolveSubregion(*subregion_name, "query.subregion"));
    SPCOOP_ASSIGN_OR_RETURN(assessments, analysis::AssessSubregion(*store, subregion));
  } else {
    SPCOOP_ASSIGN_OR_RETURN(economies, ResolveEconomies(*store, economies, "query.economy"));
    for (const std::string& iso3 : economies) {
      SPCOOP_ASSIGN_OR_RETURN(std::vector<analysis::Assessment> some,
                              analysis::AssessEconomy(*store, iso3));
      for (auto& a : some) assessments.push_back(std::move(a));
    }
  }
  std::vector<json> items;
  for (const analysis::Assessment& a : assessments) items.push_back(AssessmentJson(a));
  return DataOf(std::move(items));
}

Result<json> HandleAggregates(Context& ctx) {
  QueryParams q(ctx.request.query,
                {"series", "sex", "year_from", "year_to", "carry_forward", "group"});
  analysis::AggregateOptions options;
  std::vector<std::string> series = q.List("series");
  options.sex = SexParam(q);
  options.year_from = q.Year("year_from");
  options.year_to = q.Year("year_to");
  CheckYearOrder(q, options.year_from, options.year_to);
  options.carry_forward_years = q.Int("carry_forward", 0, kMaxCarryForwardYears).value_or(0);
  std::vector<std::string> groups = q.List("group");
  SPCOOP_RETURN_IF_ERROR(q.Check());
  SPCOOP_ASSIGN_OR_RETURN(options.series, ResolveSeries(series, "query.series"));
  std::vector<StatusDetail> unknown_groups;
  for (const std::string& g : groups) {
    if (AsciiLower(g) == AsciiLower(analysis::kRegionGroup)) {
      options.groups.emplace_back(analysis::kRegionGroup);
    } else if (auto s = CanonicalSubregion(g)) {
      options.groups.push_back(*s);
    } else {
      unknown_groups.push_back(
          {"query.group", fmt::format("unknown group '{}'; use {} or a subregion: {}", Shorten(g),
                                      analysis::kRegionGroup, SubregionList())});
    }
  }
  if (!unknown_groups.empty()) return Err(NotFoundAll(std::move(unknown_groups)));

  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(std::vector<analysis::AggregateRow> rows,
                          analysis::Aggregate(*store, options));
  SPCOOP_ASSIGN_OR_RETURN(std::vector<RegionalEstimate> estimates,
                          store->QueryRegionalEstimates(kIloRegion, ""));
  json data = json::array();
  for (const analysis::AggregateRow& r : rows) data.push_back(AggregateRowJson(r));
  json ilo = json::array();
  for (const RegionalEstimate& e : estimates) {
    if (!options.series.empty() &&
        std::find(options.series.begin(), options.series.end(), e.series) == options.series.end()) {
      continue;
    }
    if (options.sex && e.sex != *options.sex) continue;
    if (options.year_from && e.year < *options.year_from) continue;
    if (options.year_to && e.year > *options.year_to) continue;
    ilo.push_back(RegionalEstimateJson(e));
  }
  return json{{"data", std::move(data)},
              {"carry_forward", options.carry_forward_years},
              {"ilo_estimates", std::move(ilo)},
              {"ilo_estimates_note",
               "ILO's own modelled estimates for its region X40 'Asia and the Pacific' (ILOSTAT), "
               "which impute economies without data and cover a different set of economies. They "
               "are shown for comparison only and are not part of spcoop's figures in 'data'."}};
}

Result<json> HandleHistory(Context& ctx) {
  QueryParams q(ctx.request.query, {"series", "economy", "sex", "age", "quantile", "year"});
  ObservationKey key;
  auto series = q.Required("series");
  auto economy = q.Required("economy");
  key.sex = SexParam(q).value_or("_T");
  key.age = AgeParam(q).value_or("_T");
  key.quantile = QuantileParam(q).value_or("_T");
  if (q.Required("year")) key.year = q.Year("year").value_or(0);
  SPCOOP_RETURN_IF_ERROR(q.Check());
  SPCOOP_ASSIGN_OR_RETURN(auto series_codes, ResolveSeries({*series}, "query.series"));
  key.series = series_codes.front();
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(auto economy_codes,
                          ResolveEconomies(*store, {*economy}, "query.economy"));
  key.economy = economy_codes.front();
  SPCOOP_ASSIGN_OR_RETURN(std::vector<Revision> revisions, store->History(key));
  json data = json::array();
  for (const Revision& r : revisions) data.push_back(RevisionJson(r));
  json key_json = {{"series", key.series}, {"economy", key.economy},   {"sex", key.sex},
                   {"age", key.age},       {"quantile", key.quantile}, {"year", key.year}};
  json out = {{"key", std::move(key_json)}, {"data", std::move(data)}};
  // Unpublished edits of the key, for those who may read the economy's drafts: every draft
  // change with the state of its change set, author and reason.
  if (CanReadDrafts(ctx, key.economy)) {
    json drafts = json::array();
    SPCOOP_ASSIGN_OR_RETURN(auto sets, ListChangesets(*store, {{key.economy}, std::nullopt, 1000}));
    for (auto it = sets.rbegin(); it != sets.rend(); ++it) {
      SPCOOP_ASSIGN_OR_RETURN(auto log, ChangesetLog(*store, it->id));
      for (const DraftChange& c : log) {
        if (c.kind != ChangeKind::kObservation || !(c.observation.key == key)) continue;
        drafts.push_back({{"changeset_id", it->id},
                          {"changeset_state", ChangesetStateName(it->state)},
                          {"value", c.observation.value},
                          {"source", c.observation.attributes.source},
                          {"author", c.provenance.author},
                          {"reason", c.provenance.reason},
                          {"recorded_at", c.recorded_at}});
      }
    }
    out["drafts"] = std::move(drafts);
  }
  return out;
}

Result<json> HandleImports(Context& ctx) {
  QueryParams q(ctx.request.query, {});
  SPCOOP_RETURN_IF_ERROR(q.Check());
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(std::vector<ImportRecord> imports, store->ListImports());
  std::vector<json> items;
  for (const ImportRecord& r : imports) items.push_back(ImportJson(r));
  return DataOf(std::move(items));
}

const Route kRoutes[] = {
    Route{"GET", "", "this list of routes", HandleIndex},
    Route{"GET", "/health", "liveness and the database schema version", HandleHealth},
    Route{"GET", "/economies", "the 62 ESCAP economies (subregion, lang)", HandleEconomies},
    Route{"GET", "/economies/{iso3}", "one economy (lang)", HandleEconomy},
    Route{"GET", "/series", "the 12 series of SDG indicator 1.3.1 (lang)", HandleSeriesList},
    Route{"GET", "/series/{code}", "one series (lang)", HandleSeries},
    Route{"GET", "/observations",
          "current values, paged (series, economy, sex, age, quantile, year_from, year_to, page, "
          "page_size)",
          HandleObservations},
    Route{"GET", "/targets", "current national targets (economy, series)", HandleTargets},
    Route{"GET", "/progress", "progress assessments (economy or subregion)", HandleProgress},
    Route{"GET", "/aggregates",
          "regional and subregional averages, and ILO's estimates apart (series, sex, year_from, "
          "year_to, carry_forward, group)",
          HandleAggregates},
    Route{"GET", "/history", "every revision of one key (series, economy, sex, age, quantile, year)",
          HandleHistory},
    Route{"GET", "/imports", "import records, newest first", HandleImports},
};

std::span<const Route> ReadRoutes() { return kRoutes; }

Result<json> HandleIndex(Context& ctx) {
  QueryParams q(ctx.request.query, {});
  SPCOOP_RETURN_IF_ERROR(q.Check());
  json routes = json::array();
  std::vector<Route> all(std::begin(kRoutes), std::end(kRoutes));
  for (const Route& r : WriteRoutes()) all.push_back(r);
  for (const Route& r : SimulationRoutes()) all.push_back(r);
  for (const Route& r : all) {
    routes.push_back({{"method", r.method},
                      {"path", fmt::format("{}{}", kApiPrefix, r.pattern)},
                      {"summary", r.summary}});
  }
  return json{{"name", "spcoop"},
              {"api", "v1"},
              {"documentation", "docs/http.md"},
              {"routes", std::move(routes)}};
}

// Matches `path` (already below kApiPrefix) against a pattern; fills `args` with the captured
// segments.
bool Match(std::string_view pattern, std::string_view path, std::vector<std::string>* args) {
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty() || pattern.front() != '/' || path.front() != '/') {
      return false;
    }
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    std::string_view p = pattern.substr(0, pattern.find('/'));
    std::string_view s = path.substr(0, path.find('/'));
    if (p.starts_with('{')) {
      if (s.empty()) return false;
      args->emplace_back(s);
    } else if (p != s) {
      return false;
    }
    pattern.remove_prefix(p.size());
    path.remove_prefix(s.size());
  }
  return true;
}

std::string HeaderValue(const HttpRequest& request, std::string_view name) {
  for (const auto& [k, v] : request.headers) {
    if (AsciiLower(k) == AsciiLower(name)) return v;
  }
  return "";
}

namespace {

// The value of one cookie in a Cookie header, or "".
std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t end = header.find(';');
    std::string_view part = header.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.starts_with(name) && part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return "";
}

bool IsSafeMethod(std::string_view m) { return m == "GET" || m == "HEAD" || m == "OPTIONS"; }

// Who is asking: an API token (Authorization: Bearer), else a session cookie, else nobody.
// A bearer token that is not valid is an error (a script should fail loudly); a stale cookie
// is simply no session.
Status Authenticate(Context& ctx, const ApiLimits& limits) {
  ctx.client.address = ctx.request.remote_addr;
  if (limits.trust_proxy) {
    // The proxy appends the address it saw: the last entry is the one it vouches for.
    std::string fwd = HeaderValue(ctx.request, "X-Forwarded-For");
    if (!fwd.empty()) {
      std::string_view last = fwd;
      if (size_t comma = last.rfind(','); comma != std::string_view::npos) {
        last.remove_prefix(comma + 1);
      }
      while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
      ctx.client.address = std::string(last.substr(0, 64));
    }
  }
  ctx.client.user_agent = HeaderValue(ctx.request, "User-Agent").substr(0, 200);
  std::string authz = HeaderValue(ctx.request, "Authorization");
  std::string cookie = CookieValue(HeaderValue(ctx.request, "Cookie"), kSessionCookie);
  if (authz.empty() && cookie.empty()) return Status::Ok();
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  if (!authz.empty()) {
    if (AsciiLower(authz.substr(0, 7)) != "bearer ") {
      return Status::Unauthenticated(
          "the Authorization header must be 'Bearer <token>' with an API token from "
          "POST /api/v1/tokens");
    }
    SPCOOP_ASSIGN_OR_RETURN(auto p, ctx.auth.FromToken(*store, authz.substr(7)));
    if (!p) {
      return Status::Unauthenticated(
          "the API token is not valid: unknown, revoked, or its user is disabled; create a new "
          "one with POST /api/v1/tokens");
    }
    ctx.principal = std::move(*p);
    return Status::Ok();
  }
  SPCOOP_ASSIGN_OR_RETURN(auto p, ctx.auth.FromSession(*store, cookie));
  if (p) ctx.principal = std::move(*p);
  return Status::Ok();
}

// Records refused attempts (403) in the audit trail: who tried what, on which path.
void AuditDenied(Context& ctx, const Status& status) {
  Result<Store*> store = ctx.GetStore();
  if (!store) return;
  AuditOrWarn(**store, {.actor = ctx.actor(),
                        .address = ctx.client.address,
                        .action = "access_denied",
                        .object = fmt::format("{} {}", ctx.request.method, Shorten(ctx.request.path)),
                        .outcome = "denied",
                        .after = json{{"message", status.message()}}.dump()});
}

// Nesting depth of a JSON text, counted without parsing it (strings skipped).
int JsonDepth(std::string_view text) {
  int depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return max_depth;
}

}  // namespace

}  // namespace detail

using namespace detail;

bool IsApiPath(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

HttpResponse Api::Handle(const HttpRequest& request) const {
  std::string_view path = request.path;
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);  // "/api/v1/series/" too
  std::vector<std::pair<const Route*, std::vector<std::string>>> matches;
  if (path.starts_with(kApiPrefix)) {
    std::string_view rest = path.substr(kApiPrefix.size());
    for (std::span<const Route> table : {ReadRoutes(), WriteRoutes(), SimulationRoutes()}) {
      for (const Route& r : table) {
        std::vector<std::string> args;
        if (Match(r.pattern, rest, &args)) matches.emplace_back(&r, std::move(args));
      }
    }
  }
  if (matches.empty()) {
    return ErrorResponse(NotFoundAt("path", fmt::format("no route {}; the routes are listed at {}",
                                                        Shorten(request.path), kApiPrefix)));
  }
  std::string allow;
  for (const auto& [r, arg] : matches) {
    if (allow.find(r->method) == std::string::npos) {
      allow += allow.empty() ? "" : ", ";
      allow += r->method;
      if (r->method == "GET") allow += ", HEAD";
    }
  }
  allow += ", OPTIONS";
  if (request.method == "OPTIONS") {
    HttpResponse r;
    r.status = 204;
    r.headers.emplace_back("Allow", allow);
    return r;
  }
  const std::string_view method = request.method == "HEAD" ? "GET" : request.method;
  const std::pair<const Route*, std::vector<std::string>>* chosen = nullptr;
  for (const auto& m : matches) {
    if (m.first->method == method) chosen = &m;
  }
  if (!chosen) {
    HttpResponse r = ErrorResponse(
        Status::InvalidArgument(fmt::format("method {} is not allowed on {}; use {}",
                                            Shorten(request.method), Shorten(request.path), allow)),
        405);
    r.headers.emplace_back("Allow", allow);
    return r;
  }
  const Route& route = *chosen->first;
  const size_t body_limit = route.upload ? limits_.max_upload_bytes : limits_.max_json_body_bytes;
  if (request.body.size() > body_limit) {
    return ErrorResponse(Status::ResourceExhausted(
        fmt::format("the request body is {} bytes; the limit for {} is {} bytes",
                    request.body.size(), Shorten(request.path), body_limit)));
  }
  if (!route.upload && !request.body.empty() && JsonDepth(request.body) > limits_.max_json_depth) {
    return ErrorResponse(Status::InvalidArgument(fmt::format(
        "the JSON body nests deeper than {} levels; send a flatter document",
        limits_.max_json_depth)));
  }

  Context ctx(pool_, limits_, auth_, request, chosen->second, jobs_);
  auto finish = [&](HttpResponse r) {
    for (auto& h : ctx.response_headers) r.headers.push_back(std::move(h));
    if (ctx.principal || !HeaderValue(request, "Cookie").empty()) {
      r.headers.emplace_back("Cache-Control", "no-store");
    }
    return r;
  };
  Status authenticated = Authenticate(ctx, limits_);
  if (!authenticated.ok()) {
    ctx.DiscardStoreIf(authenticated.code());
    return finish(ErrorResponse(authenticated));
  }
  // CSRF: a cookie is sent by the browser whoever wrote the page, so a state-changing request
  // made with one must also show the session's token, which only our own pages can read.
  if (!IsSafeMethod(request.method) && ctx.principal && ctx.principal->via_session) {
    std::string sent = HeaderValue(request, "X-CSRF-Token");
    if (!auth::ConstantTimeEquals(sent, ctx.principal->csrf_token)) {
      Status denied = Status::PermissionDenied(
          "missing or wrong X-CSRF-Token header; send the csrf_token of GET /api/v1/session");
      AuditDenied(ctx, denied);
      return finish(ErrorResponse(denied));
    }
  }
  Result<json> result = route.handler(ctx);
  if (!result) {
    if (result.error().code() == StatusCode::kPermissionDenied) AuditDenied(ctx, result.error());
    ctx.DiscardStoreIf(result.error().code());
    // An upload whose rows fail validation: 422, the file was understood but is not acceptable.
    if (route.upload && result.error().code() == StatusCode::kInvalidArgument &&
        !result.error().details().empty()) {
      return finish(ErrorResponse(result.error(), 422));
    }
    return finish(ErrorResponse(result.error()));
  }
  if (ctx.raw) return finish(std::move(*ctx.raw));
  return finish(JsonResponse(*result, ctx.status));
}

}  // namespace spcoop::server
