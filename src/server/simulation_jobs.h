// Internal to spcoop::server: the job runner of POST /api/v1/simulations, and what the
// simulation routes share (the request as accepted, the catalogue of economies).
//
//   SimulationJobs jobs(pool, {.workers = 1});
//   jobs.Start();                    // worker threads claim runs from the database
//   ... CreateSimulationRun(store, ...); jobs.Wake();
//   jobs.Stop();                     // joins; a run in progress goes back to the queue
//
// The queue is the simulation_run table (spcoop/store/simulation.h), not memory: any server on
// the database may run a queued run, and a server that starts picks up the runs a stopped one
// left. Each worker thread claims the oldest claimable run (one conditional UPDATE), runs it with
// the engine (Prepare, then RunPartition over slices of chunks, then Finish), writes progress
// (throttled) and stores the result as simulate::ResultToJson. A heartbeat thread keeps the
// runs this server holds fresh; a run whose heartbeat is older than `stale_after` was left by a
// server that died and may be claimed again. Stop() ends the workers at the next slice boundary
// and puts their runs back in the queue, so shutdown waits for at most one slice (one chunk per
// engine thread) or one Prepare pass.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "spcoop/core/status.h"
#include "spcoop/simulate/population.h"
#include "spcoop/store/simulation.h"
#include "store_pool.h"

namespace spcoop::server {

struct SimulationJobOptions {
  int workers = 1;         // threads running jobs; 0 = none (runs wait for another server)
  int engine_threads = 0;  // per job; 0 = every core
  std::chrono::milliseconds poll{1000};           // how often idle workers look for runs
  std::chrono::milliseconds heartbeat{5000};      // how often held runs are marked alive
  std::chrono::milliseconds stale_after{60000};   // a heartbeat this old: its server died
  std::chrono::milliseconds progress_every{250};  // progress writes, at most this often
};

// A POST body as accepted: defaults filled in. Parsed from the stored request JSON too.
struct SimulationRequest {
  std::string economy;
  int64_t persons = 50000;
  uint64_t seed = 1;
  std::optional<int> year;
  struct PackageSpec {
    std::string name;
    std::vector<nlohmann::json> schemes;  // scheme objects, as sent
  };
  std::vector<PackageSpec> packages;

  nlohmann::json ToJson() const;
  // The package file (schemes inline) of package `index` (0-based): simulate::PackageYaml.
  std::string PackageYaml(size_t index) const;
};

// Reads and checks a POST body: every problem, with its JSON path (packages[1].schemes[0]...),
// in one kInvalidArgument (message: the first problem, or a count; details: each).
// Schemes go through the scheme parser of the YAML files (simulate::ParseSchemeJson).
Result<SimulationRequest> ParseSimulationRequest(const nlohmann::json& body);

inline constexpr int kMaxPackages = 4;
inline constexpr int kMaxSchemesPerPackage = 8;
inline constexpr int64_t kMinPersons = 10000;
inline constexpr int64_t kDefaultPersons = 50000;

class SimulationJobs {
 public:
  SimulationJobs(StorePool& pool, SimulationJobOptions options);
  ~SimulationJobs();  // Stop()
  SimulationJobs(const SimulationJobs&) = delete;
  SimulationJobs& operator=(const SimulationJobs&) = delete;

  void Start();
  // Idempotent; returns once every thread has ended.
  void Stop();
  // A run was queued: an idle worker looks at once instead of at its next poll.
  void Wake();
  const std::string& worker_id() const { return worker_id_; }

  // The economies for GET /simulator (iso3 -> availability), computed once per server: whether a
  // synthetic population can be built, its year and currency, or what is missing.
  struct EconomyInfo {
    bool available = false;
    int year = 0;
    bool fallback = false;
    std::string currency;
    std::string missing;
    simulate::Columns columns;  // the variables its synthetic population has
  };
  Result<std::map<std::string, EconomyInfo>> Economies(Store& store);

 private:
  void WorkerLoop();
  void HeartbeatLoop();
  // Runs one claimed run to its end (done, failed, or released on Stop()).
  void Run(const SimulationRun& run);
  Status Execute(Store& store, const SimulationRun& run, bool* released);

  StorePool& pool_;
  const SimulationJobOptions options_;
  const std::string worker_id_;
  std::atomic<bool> stop_{false};
  std::atomic<int> active_{0};  // runs this server holds now
  std::mutex mu_;
  std::condition_variable wake_;
  bool started_ = false;  // guarded by mu_
  uint64_t wakeups_ = 0;  // guarded by mu_
  std::vector<std::thread> threads_;

  std::mutex economies_mu_;
  std::optional<std::map<std::string, EconomyInfo>> economies_;  // guarded by economies_mu_
};

}  // namespace spcoop::server
