// The simulator's routes (docs/http.md, "Simulations"): the catalogue, and runs as jobs.
//
//   GET  /simulator                            economies, bundled schemes, the caller's limits
//   POST /simulations                          queue a run (202), anonymous allowed with limits
//   GET  /simulations/{id}                     status, progress, request, manifest, result
//   GET  /simulations/{id}/packages/{n}.yaml   package n as a file `spcoop simulate` reads
//   GET  /simulations                          the caller's runs (secretariat, admins: all)
//
// A run's id (128 random bits) is what lets one read it: anonymous runs are readable by whoever
// has the id; a signed-in user's runs by that user, the secretariat and administrators.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "api_internal.h"
#include "simulation_jobs.h"
#include "spcoop/simulate/engine.h"
#include "spcoop/simulate/rules.h"
#include "spcoop/store/simulation.h"

namespace spcoop::server::detail {
namespace {

namespace sim = spcoop::simulate;

constexpr int kRetryAfterQueueFull = 30;    // seconds
constexpr int kRetryAfterClientLimit = 10;  // seconds
constexpr int kMaxListLimit = 500;

Result<SimulationJobs*> Jobs(const Context& ctx) {
  if (!ctx.jobs) {
    return Err(Status::Unavailable("simulation jobs are not enabled on this server"));
  }
  return ctx.jobs;
}

bool IsReviewer(const Context& ctx) {
  return HasRole(ctx, {Role::kSecretariat, Role::kAdministrator});
}

int64_t MaxPersons(const Context& ctx) {
  return ctx.principal ? ctx.limits.user_max_persons : ctx.limits.anonymous_max_persons;
}

std::string SelfLink(std::string_view id) {
  return fmt::format("{}/simulations/{}", kApiPrefix, id);
}

json OrNull(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }

// A stored JSON text as JSON (null when absent).
json StoredJson(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  json j = json::parse(*text, nullptr, false);
  return j.is_discarded() ? json(nullptr) : j;
}

json RunJson(const SimulationRun& run, bool full) {
  json error = nullptr;
  if (run.error_code) {
    error = {{"code", *run.error_code}, {"message", run.error_message.value_or("")}};
  }
  json out = {{"id", run.id},
              {"status", SimulationStatusName(run.status)},
              {"progress", {{"done", run.progress_done}, {"total", run.progress_total}}},
              {"created", run.created_at},
              {"started", OrNull(run.started_at)},
              {"finished", OrNull(run.finished_at)}};
  json request = StoredJson(run.request);
  const size_t packages = request.is_object() ? request.value("packages", json::array()).size() : 0;
  if (full) {
    out["request"] = std::move(request);
    out["manifest"] = StoredJson(run.manifest);
    out["result"] = StoredJson(run.result);
  } else if (request.is_object()) {
    json names = json::array();
    for (const json& p : request.value("packages", json::array()))
      names.push_back(p.value("name", ""));
    out["economy"] = request.value("economy", "");
    out["persons"] = request.value("persons", 0);
    out["packages"] = std::move(names);
  }
  out["error"] = std::move(error);
  json links = {{"self", SelfLink(run.id)}};
  if (full) {
    json files = json::array();
    for (size_t i = 1; i <= packages; ++i) {
      files.push_back(fmt::format("{}/packages/{}.yaml", SelfLink(run.id), i));
    }
    links["packages"] = std::move(files);
  }
  out["links"] = std::move(links);
  return out;
}

// The run of the path's {id}, if the requester may read it.
Result<SimulationRun> ReadableRun(Context& ctx) {
  const std::string& id = ctx.arg;
  const bool well_formed = id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
                             return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                           });
  if (!well_formed) {
    return Err(NotFoundAt("path.id", fmt::format("'{}' is not a simulation id (32 hex digits, "
                                                 "as POST /api/v1/simulations returned)",
                                                 Shorten(id))));
  }
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  Result<SimulationRun> run = GetSimulationRun(*store, id);
  if (!run && run.error().code() == StatusCode::kNotFound) {
    return Err(NotFoundAt("path.id", fmt::format("no simulation run '{}'", id)));
  }
  if (!run) return run;
  if (run->user_id && !IsReviewer(ctx) &&
      !(ctx.principal && ctx.principal->user.id == *run->user_id)) {
    return Err(Status::PermissionDenied(
        "this simulation run was started by another user; it is visible to that user, the "
        "secretariat and administrators"));
  }
  return run;
}

// ------------------------------------------------------------------ handlers

Result<json> HandleSimulator(Context& ctx) {
  QueryParams q(ctx.request.query, {"lang"});
  Language lang = LangParam(q);
  SPCOOP_RETURN_IF_ERROR(q.Check());
  SPCOOP_ASSIGN_OR_RETURN(SimulationJobs * jobs, Jobs(ctx));
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(std::vector<Economy> economies, store->ListEconomies());
  SPCOOP_ASSIGN_OR_RETURN(auto availability, jobs->Economies(*store));
  json economies_json = json::array();
  for (const Economy& e : economies) {
    auto it = availability.find(e.iso3);
    json item = {{"iso3", e.iso3}, {"name", e.name[static_cast<int>(lang)]}};
    if (it != availability.end() && it->second.available) {
      item["available"] = true;
      item["year"] = it->second.year;
      item["fallback"] = it->second.fallback;
      item["currency"] = it->second.currency;
    } else {
      item["available"] = false;
      item["missing"] = it != availability.end() ? it->second.missing : "no reference data";
    }
    economies_json.push_back(std::move(item));
  }
  // The bundled example schemes (package files are left out: their schemes are listed).
  json schemes = json::array();
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::path(ctx.limits.rules_dir) / "examples";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    Result<nlohmann::json> scheme = sim::SchemeFileJson(f.string());
    if (!scheme) continue;  // a package file, or one the parser refuses
    schemes.push_back({{"file", f.filename().string()}, {"scheme", json(*scheme)}});
  }
  return json{{"economies", std::move(economies_json)},
              {"schemes", std::move(schemes)},
              {"limits",
               {{"max_persons", MaxPersons(ctx)},
                {"default_persons", std::min(kDefaultPersons, MaxPersons(ctx))},
                {"min_persons", kMinPersons}}}};
}

Result<json> HandleCreateSimulation(Context& ctx) {
  QueryParams q(ctx.request.query, {"lang"});
  LangParam(q);
  SPCOOP_RETURN_IF_ERROR(q.Check());
  SPCOOP_ASSIGN_OR_RETURN(SimulationJobs * jobs, Jobs(ctx));
  if (ctx.request.body.empty()) {
    return Err(Status::InvalidArgument("the request needs a JSON object as its body"));
  }
  nlohmann::json body = nlohmann::json::parse(ctx.request.body, nullptr, false);
  if (body.is_discarded()) {
    return Err(Status::InvalidArgument("the body is not valid JSON; send a JSON object"));
  }
  SPCOOP_ASSIGN_OR_RETURN(SimulationRequest request, ParseSimulationRequest(body));
  const int64_t max_persons = MaxPersons(ctx);
  if (request.persons > max_persons) {
    Status s = Status::InvalidArgument(fmt::format(
        "persons: {} is over the limit of {} persons for {}{}", request.persons, max_persons,
        ctx.principal ? "signed-in users" : "anonymous callers",
        ctx.principal ? ""
                      : fmt::format("; log in to simulate up to {}", ctx.limits.user_max_persons)));
    s.AddDetail("body.persons", s.message());
    return Err(std::move(s));
  }
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SPCOOP_ASSIGN_OR_RETURN(auto availability, jobs->Economies(*store));
  auto it = availability.find(request.economy);
  if (it == availability.end() || !it->second.available) {
    Status s = Status::InvalidArgument(
        it == availability.end()
            ? fmt::format("economy: '{}' is not an economy of the database; use a code listed "
                          "by /api/v1/simulator",
                          request.economy)
            : fmt::format("economy: {} has no synthetic population: {}", request.economy,
                          it->second.missing));
    s.AddDetail("body.economy", s.message());
    return Err(std::move(s));
  }
  // A rule needing a variable the synthetic population lacks (region, labour status...) is
  // refused now, not when the run reaches it.
  for (size_t i = 0; i < request.packages.size(); ++i) {
    const auto& schemes = request.packages[i].schemes;
    for (size_t j = 0; j < schemes.size(); ++j) {
      const std::string path = fmt::format("packages[{}].schemes[{}]", i, j);
      SPCOOP_ASSIGN_OR_RETURN(sim::Scheme scheme, sim::ParseSchemeJson(schemes[j], path));
      Status fits = sim::CheckColumns(scheme, it->second.columns);
      if (!fits.ok()) {
        Status s = Status::InvalidArgument(fmt::format(
            "{}: {}; a synthetic population of {} has no such variable", path, fits.message(),
            request.economy));
        s.AddDetail("body." + path, s.message());
        return Err(std::move(s));
      }
    }
  }
  const std::string request_text = request.ToJson().dump();
  Result<SimulationRun> run = CreateSimulationRun(
      *store,
      {.user_id = ctx.principal ? std::optional<int64_t>(ctx.principal->user.id) : std::nullopt,
       .client = ctx.client.address,
       .request = request_text,
       .max_queued = ctx.limits.simulation_queue,
       .max_active_per_client = ctx.limits.anonymous_runs_per_client});
  if (!run) {
    if (run.error().code() == StatusCode::kUnavailable) {
      ctx.response_headers.emplace_back("Retry-After", std::to_string(kRetryAfterQueueFull));
    } else if (run.error().code() == StatusCode::kRateLimited) {
      ctx.response_headers.emplace_back("Retry-After", std::to_string(kRetryAfterClientLimit));
    }
    return Err(run.error());
  }
  if (ctx.principal) {
    json names = json::array();
    for (const auto& p : request.packages) names.push_back(p.name);
    Audit(ctx, "simulation.create", "simulation:" + run->id, "",
          json{{"economy", request.economy},
               {"persons", request.persons},
               {"seed", request.seed},
               {"packages", std::move(names)}}
              .dump());
  }
  jobs->Wake();
  ctx.status = 202;
  ctx.response_headers.emplace_back("Location", SelfLink(run->id));
  return json{{"id", run->id},
              {"status", SimulationStatusName(run->status)},
              {"links", {{"self", SelfLink(run->id)}}}};
}

Result<json> HandleGetSimulation(Context& ctx) {
  QueryParams q(ctx.request.query, {"lang"});
  LangParam(q);
  SPCOOP_RETURN_IF_ERROR(q.Check());
  SPCOOP_ASSIGN_OR_RETURN(SimulationRun run, ReadableRun(ctx));
  return RunJson(run, true);
}

Result<json> HandlePackageFile(Context& ctx) {
  QueryParams q(ctx.request.query, {});
  SPCOOP_RETURN_IF_ERROR(q.Check());
  SPCOOP_ASSIGN_OR_RETURN(SimulationRun run, ReadableRun(ctx));
  const std::string& file = ctx.args.back();
  size_t number = 0;
  auto [end, ec] = std::from_chars(file.data(), file.data() + file.size(), number);
  const bool named = ec == std::errc() && std::string_view(end) == ".yaml";
  nlohmann::json body = nlohmann::json::parse(run.request, nullptr, false);
  Result<SimulationRequest> request = ParseSimulationRequest(body);
  if (!request) return Err(Status::Internal("the stored request of this run cannot be read"));
  if (!named || number < 1 || number > request->packages.size()) {
    return Err(
        NotFoundAt("path", fmt::format("no package '{}'; this run has packages 1.yaml to {}.yaml",
                                       Shorten(file), request->packages.size())));
  }
  HttpResponse r;
  r.content_type = "application/yaml; charset=utf-8";
  r.body = request->PackageYaml(number - 1);
  r.headers.emplace_back("Content-Disposition",
                         fmt::format("attachment; filename=\"package-{}.yaml\"", number));
  ctx.raw = std::move(r);
  return json(nullptr);
}

Result<json> HandleListSimulations(Context& ctx) {
  QueryParams q(ctx.request.query, {"limit"});
  const int64_t limit = q.Int("limit", 1, kMaxListLimit).value_or(100);
  SPCOOP_RETURN_IF_ERROR(q.Check());
  SPCOOP_RETURN_IF_ERROR(RequireLogin(ctx));
  SPCOOP_ASSIGN_OR_RETURN(Store * store, ctx.GetStore());
  SimulationRunFilter filter;
  filter.limit = limit;
  if (!IsReviewer(ctx)) filter.user_id = ctx.principal->user.id;
  SPCOOP_ASSIGN_OR_RETURN(std::vector<SimulationRun> runs, ListSimulationRuns(*store, filter));
  std::vector<json> items;
  for (const SimulationRun& r : runs) items.push_back(RunJson(r, false));
  return DataOf(std::move(items));
}

const Route kSimulationRoutes[] = {
    {"GET", "/simulator", "the simulator's economies, example schemes and your limits (lang)",
     HandleSimulator},
    {"POST", "/simulations", "queue a simulation run (anonymous allowed, with limits)",
     HandleCreateSimulation},
    {"GET", "/simulations", "your simulation runs, newest first (limit)", HandleListSimulations},
    {"GET", "/simulations/{id}", "a simulation run: status, progress, manifest, result",
     HandleGetSimulation},
    {"GET", "/simulations/{id}/packages/{n}.yaml",
     "package n of a run as a YAML file for spcoop simulate", HandlePackageFile},
};

}  // namespace

std::span<const Route> SimulationRoutes() { return kSimulationRoutes; }

}  // namespace spcoop::server::detail
