// spcoop/store/store.h — the one storage interface. Backends: SQLite (embedded default) and
// PostgreSQL (a regional deployment with many users and server instances).
//
//   SPCOOP_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore("var/spcoop.db"));
//   SPCOOP_RETURN_IF_ERROR(store->Migrate());
//   SPCOOP_ASSIGN_OR_RETURN(ImportRecord rec, store->ApplyImport(record, rows, {}));
//   SPCOOP_ASSIGN_OR_RETURN(auto history, store->History(key));
//
// Contract for every backend:
// - Observations and targets are append-only revisions. A write never updates or deletes a
//   stored revision; the current value of a key is its latest revision; a deletion is a
//   revision with deleted = true. History() returns every revision, oldest first.
// - ApplyImport() is one transaction: either every row lands or none does.
// - Methods return kUnavailable when the database is busy past its timeout, kDataLoss when the
//   file is corrupt, kFailedPrecondition when the schema is missing or newer than this binary.
// - A Store object is used by one thread at a time. Open one Store per thread (each opens its own
//   connection); several connections, and several processes, may share one database.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "spcoop/core/status.h"
#include "spcoop/core/types.h"
#include "spcoop/store/sql.h"

namespace spcoop {

// Filters for QueryObservations(). Empty vectors and unset optionals mean "any".
struct ObservationFilter {
  std::vector<std::string> series;
  std::vector<std::string> economies;
  std::optional<std::string> sex;
  std::optional<std::string> age;
  std::optional<std::string> quantile;
  std::optional<int> year_from;
  std::optional<int> year_to;
  // Results are ordered by series, economy, sex, age, quantile, year. limit 0 = no limit.
  int64_t limit = 0;
  int64_t offset = 0;
};

struct PopulationFilter {
  std::vector<std::string> economies;
  std::optional<int> year;
  std::optional<std::string> sex;
};

struct TargetFilter {
  std::vector<std::string> economies;
  std::vector<std::string> series;
};

struct NarrativeFilter {
  std::vector<std::string> economies;
  std::optional<std::string> period;
};

struct ImportOptions {
  // Compute counts and return them, but write nothing (the transaction is rolled back).
  bool dry_run = false;
  // Called from the calling thread as rows are written: rows done, rows in all. Optional.
  std::function<void(int64_t done, int64_t total)> progress;
};

// What ApplyImport() decided for one row.
enum class RowChange { kAdded, kChanged, kUnchanged };

class Store {
 public:
  virtual ~Store() = default;

  // Applies every pending numbered migration, each in its own transaction. Idempotent.
  virtual Status Migrate() = 0;
  // The highest applied migration, 0 on an empty database.
  virtual Result<int> SchemaVersion() = 0;

  // --- Reference data. Put* replace the stored rows with the given ones in one transaction
  // (rows not given are kept); putting the same rows again changes nothing.
  virtual Status PutEconomies(std::span<const Economy> economies) = 0;
  virtual Result<std::vector<Economy>> ListEconomies() = 0;  // ordered by iso3
  // kNotFound when the code is unknown.
  virtual Result<Economy> GetEconomy(std::string_view iso3) = 0;
  virtual Status PutPopulation(std::span<const PopulationRow> rows) = 0;
  virtual Result<std::vector<PopulationRow>> QueryPopulation(const PopulationFilter& filter) = 0;
  virtual Status PutIndicatorValues(std::span<const IndicatorValue> values) = 0;
  // Empty economy or indicator = any. Ordered by economy, indicator, location, year.
  virtual Result<std::vector<IndicatorValue>> QueryIndicatorValues(std::string_view economy,
                                                                   std::string_view indicator) = 0;

  virtual Status PutRegionalEstimates(std::span<const RegionalEstimate> values) = 0;
  // Empty region or series = any. Ordered by region, series, sex, year.
  virtual Result<std::vector<RegionalEstimate>> QueryRegionalEstimates(std::string_view region,
                                                                       std::string_view series) = 0;

  // --- Observations.
  // In one transaction: records the import, compares each row with the current value of its key
  // (value and attributes), and appends a revision for each added or changed row, carrying
  // `record.provenance`, the row's state and the import's id. Returns the record with its id and
  // counts filled in. If `changes` is given, it receives one RowChange per row.
  // Rows must have distinct keys (kInvalidArgument otherwise; nothing is written).
  virtual Result<ImportRecord> ApplyImport(ImportRecord record, std::span<const Observation> rows,
                                           const ImportOptions& options,
                                           std::vector<RowChange>* changes = nullptr) = 0;
  // Current, non-deleted values.
  virtual Result<std::vector<Observation>> QueryObservations(const ObservationFilter& filter) = 0;
  // Number of rows QueryObservations() would return without limit/offset.
  virtual Result<int64_t> CountObservations(const ObservationFilter& filter) = 0;
  // Every revision of one key, oldest first. Empty when the key never existed.
  virtual Result<std::vector<Revision>> History(const ObservationKey& key) = 0;
  // Appends a deletion revision. kNotFound when the key has no current value.
  virtual Result<Revision> DeleteObservation(const ObservationKey& key,
                                             const Provenance& provenance) = 0;
  virtual Result<std::vector<ImportRecord>> ListImports() = 0;  // newest first

  // --- Targets. SetTarget appends a revision and returns it as stored.
  virtual Result<Target> SetTarget(const Target& target, const Provenance& provenance) = 0;
  virtual Result<std::vector<Target>> ListTargets(const TargetFilter& filter) = 0;  // current
  virtual Result<std::vector<Target>> TargetHistory(const TargetKey& key) = 0;    // oldest first
  // kNotFound when there is no current target for the key.
  virtual Result<Target> DeleteTarget(const TargetKey& key, const Provenance& provenance) = 0;

  // --- Accounts, audit trail, change sets and narratives are kept by portable SQL run through
  // Transact() (accounts.h, workflow.h). Runs `fn` in one write transaction on this connection.
  virtual Status Transact(const std::function<Status(sql::Tx&)>& fn) = 0;

  // Current published narratives, ordered by economy, period, measure, lang (workflow.cc).
  Result<std::vector<Narrative>> ListNarratives(const NarrativeFilter& filter);
  // Every published revision of one narrative, oldest first.
  Result<std::vector<Narrative>> NarrativeHistory(const NarrativeKey& key);

  // --- Small key/value settings (e.g. which reference data version is loaded).
  virtual Result<std::optional<std::string>> GetMeta(std::string_view key) = 0;
  virtual Status SetMeta(std::string_view key, std::string_view value) = 0;
};

// Opens a store from a URI:
//   "var/spcoop.db", "sqlite:var/spcoop.db", "sqlite::memory:", ":memory:"  -> SQLite
//   "postgresql://..."                                                      -> PostgreSQL
// The SQLite file's folder must exist. Does not migrate: call Migrate().
Result<std::unique_ptr<Store>> OpenStore(std::string_view uri);

// The URI as safe to print: a PostgreSQL password is replaced by "***".
std::string DisplayUri(std::string_view uri);

// Current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string NowUtc();
// A time in the same form (such strings sort in time order).
std::string UtcTime(std::chrono::system_clock::time_point time);

}  // namespace spcoop
