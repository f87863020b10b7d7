// spcoop/store/simulation.h — simulation runs: the jobs of POST /api/v1/simulations, queued in
// the database so that any server on it may run them and a restarted server picks them up.
//
//   SPCOOP_ASSIGN_OR_RETURN(SimulationRun run,
//                           CreateSimulationRun(store, {.client = "10.0.0.7", .request = body,
//                                                       .max_queued = 16}));
//   // a worker:
//   SPCOOP_ASSIGN_OR_RETURN(auto claimed, ClaimSimulationRun(store, worker, 60s));
//   if (claimed) {
//     SPCOOP_RETURN_IF_ERROR(UpdateSimulationProgress(store, claimed->id, worker, 3, 10));
//     SPCOOP_RETURN_IF_ERROR(FinishSimulationRun(store, claimed->id, worker, manifest, result));
//   }
//
// States: queued -> running -> done | failed; running -> queued again when its server stops
// (ReleaseSimulationRun) or dies (a later claim finds its heartbeat stale). A claim is one
// conditional UPDATE (status still queued, or running with a stale heartbeat), so of two
// servers on one database exactly one gets a run. Every later write names the worker and changes
// nothing once another worker holds the run (kConflict). Times are NowUtc() strings; ids are 128
// random bits as 32 lower-case hex digits.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spcoop/core/status.h"
#include "spcoop/store/store.h"

namespace spcoop {

enum class SimulationStatus { kQueued, kRunning, kDone, kFailed };
// "queued", "running", "done", "failed".
std::string_view SimulationStatusName(SimulationStatus status);
std::optional<SimulationStatus> ParseSimulationStatus(std::string_view name);

struct SimulationRun {
  std::string id;
  std::optional<int64_t> user_id;  // nullopt: an anonymous caller
  std::string client;              // the caller's address
  std::string created_at;
  std::optional<std::string> started_at, finished_at;
  SimulationStatus status = SimulationStatus::kQueued;
  int64_t progress_done = 0, progress_total = 0;         // chunks
  std::string request;                                   // JSON text, as accepted
  std::optional<std::string> manifest, result;           // JSON text, once done
  std::optional<std::string> error_code, error_message;  // once failed
  std::string worker;                                    // who holds it while running
  int attempts = 0;                                      // claims so far
};

struct NewSimulationRun {
  std::optional<int64_t> user_id;
  std::string client;
  std::string request;
  // Limits checked in the same transaction as the insert (0 = none):
  int64_t max_queued = 0;             // runs queued, all callers: kUnavailable when reached
  int64_t max_active_per_client = 0;  // anonymous runs queued or running from `client`:
                                      // kRateLimited when reached
};

// kUnavailable (queue full) / kRateLimited (per-client limit) as above.
Result<SimulationRun> CreateSimulationRun(Store& store, const NewSimulationRun& run);

// The oldest run (in creation order) that is queued, or running with a heartbeat older than
// `stale_after` (its server died), now running under `worker` (started_at, heartbeat and
// attempts set); nullopt when there is none. A run claimed `max_attempts` times already is
// failed instead of claimed (code "abandoned"), so a run that kills its server cannot do so
// forever.
Result<std::optional<SimulationRun>> ClaimSimulationRun(Store& store, std::string_view worker,
                                                        std::chrono::milliseconds stale_after,
                                                        int max_attempts = 3);
// Progress and heartbeat of a run `worker` holds; kConflict when it does not hold it.
Status UpdateSimulationProgress(Store& store, std::string_view id, std::string_view worker,
                                int64_t done, int64_t total);
// Refreshes the heartbeat of every run `worker` holds.
Status HeartbeatSimulationRuns(Store& store, std::string_view worker);
// running -> done with the manifest and result (JSON texts); kConflict when `worker` does not
// hold the run.
Status FinishSimulationRun(Store& store, std::string_view id, std::string_view worker,
                           std::string_view manifest, std::string_view result);
// running -> failed with an error code and message; kConflict as above.
Status FailSimulationRun(Store& store, std::string_view id, std::string_view worker,
                         std::string_view code, std::string_view message);
// running -> queued (its server is stopping); kConflict as above.
Status ReleaseSimulationRun(Store& store, std::string_view id, std::string_view worker);

Result<SimulationRun> GetSimulationRun(Store& store, std::string_view id);  // kNotFound

struct SimulationRunFilter {
  std::optional<int64_t> user_id;  // unset: every caller's runs
  int64_t limit = 100;
};
// Newest first, without the manifest and result texts (a listing).
Result<std::vector<SimulationRun>> ListSimulationRuns(Store& store,
                                                      const SimulationRunFilter& filter);

}  // namespace spcoop
