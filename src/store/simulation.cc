// Simulation runs (simulation.h), in portable SQL.
#include "spcoop/store/simulation.h"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <array>
#include <utility>

#include "tx_util.h"

namespace spcoop {
namespace {

using sql::InTx;
using sql::Row;
using sql::StatusOf;
using sql::Tx;
using sql::Value;

constexpr std::array<std::pair<SimulationStatus, std::string_view>, 4> kStatuses = {{
    {SimulationStatus::kQueued, "queued"},
    {SimulationStatus::kRunning, "running"},
    {SimulationStatus::kDone, "done"},
    {SimulationStatus::kFailed, "failed"},
}};

constexpr std::string_view kColumns =
    "id, user_id, client, created_at, started_at, finished_at, status, progress_done, "
    "progress_total, request, manifest, result, error_code, error_message, worker, attempts";
// The listing leaves out the large texts.
constexpr std::string_view kListColumns =
    "id, user_id, client, created_at, started_at, finished_at, status, progress_done, "
    "progress_total, request, NULL, NULL, error_code, error_message, worker, attempts";

std::optional<std::string> OptionalText(const Row& r, size_t i) {
  if (r.IsNull(i)) return std::nullopt;
  return r.Text(i);
}

SimulationRun ReadRun(const Row& r) {
  SimulationRun run;
  run.id = r.Text(0);
  if (!r.IsNull(1)) run.user_id = r.Int(1);
  run.client = r.Text(2);
  run.created_at = r.Text(3);
  run.started_at = OptionalText(r, 4);
  run.finished_at = OptionalText(r, 5);
  run.status = ParseSimulationStatus(r.Text(6)).value_or(SimulationStatus::kFailed);
  run.progress_done = r.Int(7);
  run.progress_total = r.Int(8);
  run.request = r.Text(9);
  run.manifest = OptionalText(r, 10);
  run.result = OptionalText(r, 11);
  run.error_code = OptionalText(r, 12);
  run.error_message = OptionalText(r, 13);
  run.worker = r.Text(14);
  run.attempts = static_cast<int>(r.Int(15));
  return run;
}

Result<std::string> RandomId() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return Err(Status::Internal("the system's random number generator failed"));
  }
  std::string out;
  for (unsigned char b : bytes) out += fmt::format("{:02x}", b);
  return out;
}

Result<SimulationRun> GetInTx(Tx& tx, std::string_view id) {
  SPCOOP_ASSIGN_OR_RETURN(
      auto rows, tx.Query(fmt::format("SELECT {} FROM simulation_run WHERE id = ?", kColumns),
                          {std::string(id)}));
  if (rows.empty()) {
    return Err(Status::NotFound(fmt::format("no simulation run '{}'", id.substr(0, 64))));
  }
  return ReadRun(rows.front());
}

// Runs a conditional UPDATE of a run `worker` holds; kConflict when it changed nothing.
Status UpdateHeld(Store& store, std::string_view id, std::string_view worker,
                  const std::string& set, std::vector<Value> params) {
  return store.Transact([&](Tx& tx) -> Status {
    params.emplace_back(std::string(id));
    params.emplace_back(std::string(worker));
    SPCOOP_ASSIGN_OR_RETURN(
        int64_t changed,
        tx.Exec(fmt::format("UPDATE simulation_run SET {} WHERE id = ? AND worker = ? AND "
                            "status = 'running'",
                            set),
                std::move(params)));
    if (changed == 0) {
      return Status::Conflict(fmt::format(
          "simulation run '{}' is no longer running here (another server took it over, or it "
          "ended)",
          id.substr(0, 64)));
    }
    return Status::Ok();
  });
}

}  // namespace

std::string_view SimulationStatusName(SimulationStatus status) {
  for (const auto& [s, name] : kStatuses) {
    if (s == status) return name;
  }
  return "failed";
}

std::optional<SimulationStatus> ParseSimulationStatus(std::string_view name) {
  for (const auto& [s, n] : kStatuses) {
    if (n == name) return s;
  }
  return std::nullopt;
}

Result<SimulationRun> CreateSimulationRun(Store& store, const NewSimulationRun& run) {
  SPCOOP_ASSIGN_OR_RETURN(std::string id, RandomId());
  return InTx<SimulationRun>(store, [&](Tx& tx) -> Result<SimulationRun> {
    // Serialises creations, so two requests cannot both take the last place in the queue.
    SPCOOP_RETURN_IF_ERROR(tx.Lock("simulation_run"));
    if (run.max_queued > 0) {
      SPCOOP_ASSIGN_OR_RETURN(
          auto rows, tx.Query("SELECT COUNT(*) FROM simulation_run WHERE status = 'queued'", {}));
      if (rows.front().Int(0) >= run.max_queued) {
        return Err(Status::Unavailable(
            fmt::format("the simulation queue is full ({} runs waiting); try again in a minute",
                        run.max_queued)));
      }
    }
    if (run.max_active_per_client > 0 && !run.user_id) {
      SPCOOP_ASSIGN_OR_RETURN(auto rows,
                              tx.Query("SELECT COUNT(*) FROM simulation_run WHERE client = ? AND "
                                       "user_id IS NULL AND status IN ('queued', 'running')",
                                       {run.client}));
      if (rows.front().Int(0) >= run.max_active_per_client) {
        return Err(Status::RateLimited(fmt::format(
            "your address already has {} simulation runs queued or running, the most an "
            "anonymous caller may have; wait until one ends, or log in",
            run.max_active_per_client)));
      }
    }
    std::vector<Value> params;
    params.emplace_back(id);
    if (run.user_id) {
      params.emplace_back(*run.user_id);
    } else {
      params.emplace_back(nullptr);
    }
    params.emplace_back(run.client);
    params.emplace_back(NowUtc());
    params.emplace_back(run.request);
    // seq orders runs by creation; the lock above makes MAX + 1 safe.
    SPCOOP_RETURN_IF_ERROR(StatusOf(
        tx.Exec("INSERT INTO simulation_run (seq, id, user_id, client, created_at, status, "
                "request) VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM simulation_run), ?, ?, "
                "?, ?, 'queued', ?)",
                std::move(params))));
    return GetInTx(tx, id);
  });
}

Result<std::optional<SimulationRun>> ClaimSimulationRun(Store& store, std::string_view worker,
                                                        std::chrono::milliseconds stale_after,
                                                        int max_attempts) {
  const std::string stale_before = UtcTime(std::chrono::system_clock::now() - stale_after);
  // Candidates first, then one conditional UPDATE each: whoever changes the row has it. Another
  // server may take a candidate between the two; the UPDATE then changes nothing and the next
  // candidate is tried.
  SPCOOP_ASSIGN_OR_RETURN(
      auto candidates, InTx<std::vector<Row>>(store, [&](Tx& tx) {
        return tx.Query(
            "SELECT id, attempts FROM simulation_run WHERE status = 'queued' OR (status = "
            "'running' AND heartbeat_at < ?) ORDER BY seq LIMIT 20",
            {stale_before});
      }));
  for (const Row& c : candidates) {
    const std::string id = c.Text(0);
    const std::string now = NowUtc();
    const std::string_view condition =
        "id = ? AND (status = 'queued' OR (status = 'running' AND heartbeat_at < ?))";
    if (c.Int(1) >= max_attempts) {
      SPCOOP_RETURN_IF_ERROR(store.Transact([&](Tx& tx) -> Status {
        return StatusOf(
            tx.Exec(fmt::format("UPDATE simulation_run SET status = 'failed', finished_at = ?, "
                                "error_code = 'abandoned', error_message = ?, worker = '' WHERE {}",
                                condition),
                    {now,
                     fmt::format("the run was started {} times and never finished (its server "
                                 "stopped each time); it is not tried again",
                                 c.Int(1)),
                     id, stale_before}));
      }));
      continue;
    }
    std::optional<SimulationRun> claimed;
    SPCOOP_RETURN_IF_ERROR(store.Transact([&](Tx& tx) -> Status {
      SPCOOP_ASSIGN_OR_RETURN(
          int64_t changed,
          tx.Exec(fmt::format("UPDATE simulation_run SET status = 'running', worker = ?, "
                              "started_at = ?, heartbeat_at = ?, attempts = attempts + 1, "
                              "progress_done = 0 WHERE {}",
                              condition),
                  {std::string(worker), now, now, id, stale_before}));
      if (changed == 0) return Status::Ok();
      SPCOOP_ASSIGN_OR_RETURN(SimulationRun run, GetInTx(tx, id));
      claimed = std::move(run);
      return Status::Ok();
    }));
    if (claimed) return claimed;
  }
  return std::optional<SimulationRun>();
}

Status UpdateSimulationProgress(Store& store, std::string_view id, std::string_view worker,
                                int64_t done, int64_t total) {
  return UpdateHeld(store, id, worker, "progress_done = ?, progress_total = ?, heartbeat_at = ?",
                    {done, total, NowUtc()});
}

Status HeartbeatSimulationRuns(Store& store, std::string_view worker) {
  return store.Transact([&](Tx& tx) -> Status {
    return StatusOf(tx.Exec(
        "UPDATE simulation_run SET heartbeat_at = ? WHERE worker = ? AND status = 'running'",
        {NowUtc(), std::string(worker)}));
  });
}

Status FinishSimulationRun(Store& store, std::string_view id, std::string_view worker,
                           std::string_view manifest, std::string_view result) {
  return UpdateHeld(store, id, worker,
                    "status = 'done', finished_at = ?, manifest = ?, result = ?, "
                    "progress_done = progress_total",
                    {NowUtc(), std::string(manifest), std::string(result)});
}

Status FailSimulationRun(Store& store, std::string_view id, std::string_view worker,
                         std::string_view code, std::string_view message) {
  return UpdateHeld(store, id, worker,
                    "status = 'failed', finished_at = ?, error_code = ?, error_message = ?",
                    {NowUtc(), std::string(code), std::string(message)});
}

Status ReleaseSimulationRun(Store& store, std::string_view id, std::string_view worker) {
  return UpdateHeld(
      store, id, worker,
      "status = 'queued', started_at = NULL, progress_done = 0, heartbeat_at = '', worker = ''",
      {});
}

Result<SimulationRun> GetSimulationRun(Store& store, std::string_view id) {
  return InTx<SimulationRun>(store, [&](Tx& tx) { return GetInTx(tx, id); });
}

Result<std::vector<SimulationRun>> ListSimulationRuns(Store& store,
                                                      const SimulationRunFilter& filter) {
  return InTx<std::vector<SimulationRun>>(store, [&](Tx& tx) -> Result<std::vector<SimulationRun>> {
    std::string where;
    std::vector<Value> params;
    if (filter.user_id) {
      where = " WHERE user_id = ?";
      params.emplace_back(*filter.user_id);
    }
    params.emplace_back(filter.limit);
    SPCOOP_ASSIGN_OR_RETURN(auto rows,
                            tx.Query(fmt::format("SELECT {} FROM simulation_run{} ORDER BY "
                                                 "seq DESC LIMIT ?",
                                                 kListColumns, where),
                                     std::move(params)));
    std::vector<SimulationRun> out;
    for (const Row& r : rows) out.push_back(ReadRun(r));
    return out;
  });
}

}  // namespace spcoop
