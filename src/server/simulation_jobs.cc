#include "simulation_jobs.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <set>

#include "spcoop/simulate/engine.h"
#include "spcoop/simulate/report.h"
#include "spcoop/simulate/rules.h"
#include "spcoop/simulate/synthetic.h"

namespace spcoop::server {
namespace {

namespace sim = spcoop::simulate;
using json = nlohmann::json;

std::string Sha256Hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < length; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

// "host:pid:random" — tells apart the servers sharing one database.
std::string MakeWorkerId() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::array<unsigned char, 6> bytes{};
  RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
  std::string hex;
  for (unsigned char b : bytes) hex += fmt::format("{:02x}", b);
  return fmt::format("{}:{}:{}", host.data(), ::getpid(), hex);
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Collects the problems of a request body, each with its JSON path.
class Problems {
 public:
  void Add(std::string path, std::string message) {
    details_.push_back({"body." + path, fmt::format("{}: {}", path, std::move(message))});
  }
  // A parser error whose message starts with the JSON path of the bad key.
  void Add(const Status& s) {
    const std::string& m = s.message();
    const size_t colon = m.find(": ");
    std::string path = m.starts_with(s.location()) && colon != std::string::npos
                           ? m.substr(0, colon)
                           : s.location();
    details_.push_back({"body." + path, m});
  }
  bool empty() const { return details_.empty(); }
  Status ToStatus() const {
    std::string message = details_.front().message;
    if (details_.size() > 1) {
      message += fmt::format(" (and {} more; see details)", details_.size() - 1);
    }
    return Status::InvalidArgument(std::move(message)).WithDetails(details_);
  }

 private:
  std::vector<StatusDetail> details_;
};

std::string TypeName(const json& j) {
  if (j.is_object()) return "an object";
  if (j.is_array()) return "a list";
  if (j.is_string()) return "a string";
  if (j.is_boolean()) return "true or false";
  if (j.is_null()) return "null";
  return "a number";
}

}  // namespace

// ------------------------------------------------------------------ requests

json SimulationRequest::ToJson() const {
  json packages_json = json::array();
  for (const PackageSpec& p : packages) {
    packages_json.push_back({{"name", p.name}, {"schemes", p.schemes}});
  }
  return {{"economy", economy},
          {"persons", persons},
          {"seed", seed},
          {"year", year ? json(*year) : json(nullptr)},
          {"packages", std::move(packages_json)}};
}

std::string SimulationRequest::PackageYaml(size_t index) const {
  return sim::PackageYaml(packages.at(index).name, packages.at(index).schemes);
}

Result<SimulationRequest> ParseSimulationRequest(const json& body) {
  Problems problems;
  SimulationRequest r;
  if (!body.is_object()) {
    return Err(
        Status::InvalidArgument("the body must be a JSON object with economy, persons, "
                                "seed, year and packages"));
  }
  static const std::set<std::string> kFields = {"economy", "persons", "seed", "year", "packages"};
  for (const auto& [k, v] : body.items()) {
    if (!kFields.contains(k)) {
      problems.Add(k, "unknown field (expected economy, persons, seed, year, packages)");
    }
  }
  if (auto it = body.find("economy"); it == body.end() || !it->is_string()) {
    problems.Add("economy", "required: the ISO 3166 alpha-3 code of an economy, e.g. \"KHM\"");
  } else {
    r.economy = it->get<std::string>();
    for (char& c : r.economy) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (r.economy.size() != 3 || !std::all_of(r.economy.begin(), r.economy.end(),
                                              [](char c) { return c >= 'A' && c <= 'Z'; })) {
      problems.Add("economy", fmt::format("'{}' is not an ISO 3166 alpha-3 code such as \"KHM\"",
                                          it->get<std::string>().substr(0, 20)));
    }
  }
  if (auto it = body.find("persons"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer()) {
      problems.Add("persons", fmt::format("must be a whole number, not {}", TypeName(*it)));
    } else {
      r.persons = it->get<int64_t>();
      if (r.persons < kMinPersons) {
        problems.Add("persons", fmt::format("{} is below the smallest synthetic population, "
                                            "{} persons",
                                            r.persons, kMinPersons));
      }
    }
  }
  if (auto it = body.find("seed"); it != body.end() && !it->is_null()) {
    if (!it->is_number_unsigned()) {
      problems.Add("seed", "must be a whole number from 0 up");
    } else {
      r.seed = it->get<uint64_t>();
    }
  }
  if (auto it = body.find("year"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1990 || it->get<int64_t>() > 2100) {
      problems.Add("year", "must be null (the data's year) or a year from 1990 to 2100");
    } else {
      r.year = it->get<int>();
    }
  }
  auto packages = body.find("packages");
  if (packages == body.end() || !packages->is_array() || packages->empty() ||
      packages->size() > kMaxPackages) {
    problems.Add("packages", fmt::format("required: a list of 1 to {} packages, each "
                                         "{{\"name\": ..., \"schemes\": [...]}}",
                                         kMaxPackages));
    return Err(problems.ToStatus());
  }
  for (size_t i = 0; i < packages->size(); ++i) {
    const json& p = (*packages)[i];
    const std::string path = fmt::format("packages[{}]", i);
    SimulationRequest::PackageSpec spec;
    if (!p.is_object()) {
      problems.Add(path,
                   fmt::format("must be an object with name and schemes, not {}", TypeName(p)));
      continue;
    }
    for (const auto& [k, v] : p.items()) {
      if (k != "name" && k != "schemes") {
        problems.Add(path + "." + k, "unknown field (expected name, schemes)");
      }
    }
    if (auto name = p.find("name"); name != p.end() && !name->is_null()) {
      if (!name->is_string() || name->get<std::string>().size() > 200) {
        problems.Add(path + ".name", "must be a text of at most 200 bytes");
      } else {
        spec.name = name->get<std::string>();
      }
    }
    if (spec.name.empty()) spec.name = fmt::format("Package {}", i + 1);
    auto schemes = p.find("schemes");
    if (schemes == p.end() || !schemes->is_array() || schemes->empty() ||
        schemes->size() > kMaxSchemesPerPackage) {
      problems.Add(path + ".schemes", fmt::format("required: a list of 1 to {} scheme objects",
                                                  kMaxSchemesPerPackage));
      continue;
    }
    std::map<std::string, std::string> ids;  // id -> path of its first scheme
    for (size_t j = 0; j < schemes->size(); ++j) {
      const std::string spath = fmt::format("{}.schemes[{}]", path, j);
      // nlohmann::json keeps keys sorted: the canonical order of the package file.
      json scheme = (*schemes)[j];
      Result<sim::Scheme> parsed = sim::ParseSchemeJson(scheme, spath);
      if (!parsed) {
        problems.Add(parsed.error());
        continue;
      }
      if (auto [it, fresh] = ids.emplace(parsed->id, spath); !fresh) {
        problems.Add(spath + ".id", fmt::format("'{}' is already the id of {}; ids must be "
                                                "unique within a package",
                                                parsed->id, it->second));
      }
      spec.schemes.push_back(std::move(scheme));
    }
    r.packages.push_back(std::move(spec));
  }
  if (!problems.empty()) return Err(problems.ToStatus());
  return r;
}

// ------------------------------------------------------------------ the runner

SimulationJobs::SimulationJobs(StorePool& pool, SimulationJobOptions options)
    : pool_(pool), options_(options), worker_id_(MakeWorkerId()) {}

SimulationJobs::~SimulationJobs() { Stop(); }

void SimulationJobs::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_ || stop_) return;
  started_ = true;
  if (options_.workers <= 0) return;
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { WorkerLoop(); });
  threads_.emplace_back([this] { HeartbeatLoop(); });
}

void SimulationJobs::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void SimulationJobs::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++wakeups_;
  }
  wake_.notify_all();  // the heartbeat thread waits on it too
}

void SimulationJobs::WorkerLoop() {
  while (!stop_) {
    uint64_t seen = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      seen = wakeups_;
    }
    std::optional<SimulationRun> claimed;
    {
      Result<StorePool::Lease> lease = pool_.Acquire();
      if (lease) {
        auto c = ClaimSimulationRun(**lease, worker_id_, options_.stale_after);
        if (c) {
          claimed = std::move(*c);
        } else {
          fmt::print(stderr, "spcoop simulations: cannot look for queued runs: {}\n",
                     c.error().message());
          if (c.error().code() == StatusCode::kUnavailable) lease->Discard();
        }
      }
    }
    if (claimed) {
      Run(*claimed);
      continue;
    }
    std::unique_lock<std::mutex> lock(mu_);
    wake_.wait_for(lock, options_.poll, [&] { return stop_ || wakeups_ != seen; });
  }
}

void SimulationJobs::HeartbeatLoop() {
  while (!stop_) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait_for(lock, options_.heartbeat, [&] { return stop_.load(); });
    }
    if (stop_) return;
    if (active_ == 0) continue;  // nothing to keep alive
    if (auto lease = pool_.Acquire(); lease) {
      Status s = HeartbeatSimulationRuns(**lease, worker_id_);
      if (!s.ok()) {
        fmt::print(stderr, "spcoop simulations: heartbeat failed: {}\n", s.message());
      }
    }
  }
}

void SimulationJobs::Run(const SimulationRun& run) {
  Result<StorePool::Lease> lease = pool_.Acquire();
  if (!lease) {
    // The run stays "running" with a heartbeat; the heartbeat thread keeps it ours. Without a
    // connection nothing more can be done: it goes stale once this server stops.
    fmt::print(stderr, "spcoop simulations: run {}: no database connection: {}\n", run.id,
               lease.error().message());
    return;
  }
  bool released = false;
  Status s;
  ++active_;
  try {
    s = Execute(**lease, run, &released);
  } catch (const std::exception& e) {
    s = Status::Internal(fmt::format("the simulation stopped on an internal error: {}", e.what()));
  }
  --active_;
  if (s.ok() || released) return;
  if (s.code() == StatusCode::kConflict) return;  // another server holds it now
  std::string code(StatusCodeName(s.code()));
  std::string message = s.location().empty() || s.message().starts_with(s.location())
                            ? s.message()
                            : fmt::format("{}: {}", s.location(), s.message());
  Status failed = FailSimulationRun(**lease, run.id, worker_id_, code, message);
  if (!failed.ok() && failed.code() != StatusCode::kConflict) {
    fmt::print(stderr, "spcoop simulations: run {} failed ({}) and that cannot be recorded: {}\n",
               run.id, message, failed.message());
  }
}

Status SimulationJobs::Execute(Store& store, const SimulationRun& run, bool* released) {
  const auto t0 = std::chrono::steady_clock::now();
  json body = json::parse(run.request, nullptr, false);
  SPCOOP_ASSIGN_OR_RETURN(SimulationRequest request, ParseSimulationRequest(body));
  SPCOOP_ASSIGN_OR_RETURN(sim::ReferenceFigures ref,
                          sim::LoadReferenceFigures(store, request.economy));
  sim::SyntheticOptions so;
  so.persons = request.persons;
  so.seed = request.seed;
  SPCOOP_ASSIGN_OR_RETURN(auto source, sim::MakeSyntheticSource(ref, so));

  std::vector<sim::Package> packages;
  std::vector<std::string> rule_hashes;  // per scheme: its package file's, as the CLI's
  json package_manifest = json::array();
  for (size_t i = 0; i < request.packages.size(); ++i) {
    const std::string yaml = request.PackageYaml(i);
    // The download route of this package: what rule_files names in the result.
    const std::string file = fmt::format("/api/v1/simulations/{}/packages/{}.yaml", run.id, i + 1);
    SPCOOP_ASSIGN_OR_RETURN(sim::Package p, sim::ParsePackage(yaml, file));
    const std::string hash = Sha256Hex(yaml);
    package_manifest.push_back(
        {{"number", i + 1}, {"name", request.packages[i].name}, {"file", file}, {"sha256", hash}});
    rule_hashes.insert(rule_hashes.end(), p.schemes.size(), hash);
    packages.push_back(std::move(p));
  }

  std::atomic<int64_t> offset{0}, done{0};
  sim::SimulationOptions options;
  options.threads = options_.engine_threads;
  options.seed = request.seed;
  options.year = request.year.value_or(0);
  options.progress = [&](int64_t d, int64_t) {
    // From engine threads: only remember the furthest chunk count.
    int64_t now = offset.load() + d;
    int64_t prev = done.load();
    while (prev < now && !done.compare_exchange_weak(prev, now)) {
    }
  };
  const int64_t total = source->chunk_count();
  SPCOOP_RETURN_IF_ERROR(UpdateSimulationProgress(store, run.id, worker_id_, 0, total));
  SPCOOP_ASSIGN_OR_RETURN(sim::Plan plan, sim::Prepare(*source, std::move(packages), options));
  const int engine_threads =
      options_.engine_threads > 0
          ? options_.engine_threads
          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int64_t slice = std::max<int64_t>(1, engine_threads);
  std::vector<sim::PartialResult> parts;
  auto last_write = std::chrono::steady_clock::now();
  for (int64_t first = 0; first < total; first += slice) {
    if (stop_) {
      SPCOOP_RETURN_IF_ERROR(ReleaseSimulationRun(store, run.id, worker_id_));
      *released = true;
      return Status::Ok();
    }
    offset = first;
    SPCOOP_ASSIGN_OR_RETURN(sim::PartialResult part,
                            sim::RunPartition(*source, plan, first, first + slice));
    parts.push_back(std::move(part));
    const auto now = std::chrono::steady_clock::now();
    if (now - last_write >= options_.progress_every && first + slice < total) {
      SPCOOP_RETURN_IF_ERROR(
          UpdateSimulationProgress(store, run.id, worker_id_, done.load(), total));
      last_write = now;
    }
  }
  SPCOOP_ASSIGN_OR_RETURN(sim::SimulationResult result, sim::Finish(plan, std::move(parts)));
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // The engine hashes rule files on disk; these packages are files of the download route, so
  // their hashes are filled in here: the SHA-256 `spcoop simulate` reports for the downloads.
  result.manifest.rule_hashes = rule_hashes;
  const sim::Manifest& m = result.manifest;
  std::string files;  // the downloads, saved under their suggested names, in package order
  for (size_t i = 1; i <= request.packages.size(); ++i) files += fmt::format(" package-{}.yaml", i);
  json manifest = {
      {"engine_version", m.engine_version},
      {"economy", request.economy},
      {"data_source", m.data_source},
      {"data_hash", m.data_hash},
      {"synthetic", m.synthetic},
      {"persons", request.persons},
      {"seed", m.seed},
      {"year", m.year},
      {"packages", std::move(package_manifest)},
      {"chunks", total},
      {"reproduce",
       fmt::format("spcoop simulate --synthetic {} --persons {} --seed {}{}{} --json",
                   request.economy, request.persons, request.seed,
                   request.year ? fmt::format(" --year {}", *request.year) : "", files)}};
  return FinishSimulationRun(store, run.id, worker_id_, Dump(manifest),
                             Dump(sim::ResultToJson(result)));
}

// ------------------------------------------------------------------ the catalogue

Result<std::map<std::string, SimulationJobs::EconomyInfo>> SimulationJobs::Economies(Store& store) {
  std::lock_guard<std::mutex> lock(economies_mu_);
  if (economies_) return *economies_;
  SPCOOP_ASSIGN_OR_RETURN(std::vector<Economy> all, store.ListEconomies());
  std::map<std::string, EconomyInfo> out;
  for (const Economy& e : all) {
    EconomyInfo info;
    Result<sim::ReferenceFigures> ref = sim::LoadReferenceFigures(store, e.iso3);
    if (!ref) {
      info.missing = ref.error().message();
    } else {
      sim::SyntheticOptions so;
      so.persons = kMinPersons;
      auto src = sim::MakeSyntheticSource(*ref, so);
      if (!src) {
        info.missing = src.error().message();
      } else {
        info.available = true;
        info.year = (*src)->info().year;
        info.fallback = (*src)->calibration().fallback;
        info.currency = (*src)->info().currency;
        info.columns = (*src)->info().columns;
      }
    }
    out.emplace(e.iso3, std::move(info));
  }
  economies_ = out;
  return out;
}

}  // namespace spcoop::server
