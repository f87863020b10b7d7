// spcoop/sdmx/sdmx.h — an SDMX 2.1 REST data provider for SDG 1.3.1 coverage (docs/sdmx.md).
//
//   sdmx::Request req{"data/SPP,DF_SP_COV,1.0/A.G.SI_COV_BENFTS.116../all",
//                     {{"startPeriod", "2015"}}, "application/xml"};
//   sdmx::Response r = sdmx::Handle(store, req);  // r.status 200, GenericData XML in r.body
//
// Pure functions: request values in, {status, content type, body} out. No HTTP library here;
// src/server/sdmx_routes.cc adapts them to the server. Two dataflows:
// - SPP:DF_SP_COV(1.0), the coverage data, with data structure SPP:DSD_SP_COV(1.0): dimensions
//   FREQ, REPORTING_TYPE, SERIES, REF_AREA (UN M49 numeric), SEX, AGE, then TIME_PERIOD;
//   attributes UNIT_MEASURE, UNIT_MULT (series level), OBS_STATUS, NATURE, SOURCE_DETAIL
//   (observation level);
// - SPP:DF_SP_TGT(1.0), the national targets, with SPP:DSD_SP_TGT(1.0): dimensions FREQ, SERIES,
//   REF_AREA, SEX, AGE, TARGET_TYPE (BASELINE, INTERIM, TARGET), then TIME_PERIOD (the baseline
//   year, 2025 or 2030); attributes UNIT_MEASURE, UNIT_MULT (series), SOURCE_DETAIL (observation).
// Thread-safe as long as each call gets its own Store.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spcoop/core/status.h"
#include "spcoop/core/types.h"
#include "spcoop/store/store.h"

namespace spcoop::sdmx {

inline constexpr std::string_view kAgency = "SPP";
inline constexpr std::string_view kDataflowId = "DF_SP_COV";
inline constexpr std::string_view kDsdId = "DSD_SP_COV";
inline constexpr std::string_view kVersion = "1.0";
inline constexpr std::string_view kConceptSchemeId = "CS_SP";
inline constexpr std::string_view kTargetsDataflowId = "DF_SP_TGT";
inline constexpr std::string_view kTargetsDsdId = "DSD_SP_TGT";

inline constexpr std::string_view kGenericDataType =
    "application/vnd.sdmx.genericdata+xml;version=2.1";
inline constexpr std::string_view kStructureSpecificDataType =
    "application/vnd.sdmx.structurespecificdata+xml;version=2.1";
inline constexpr std::string_view kStructureType = "application/vnd.sdmx.structure+xml;version=2.1";
inline constexpr std::string_view kCsvType = "application/vnd.sdmx.data+csv;version=1.0.0";
inline constexpr std::string_view kJsonType = "application/vnd.sdmx.data+json;version=1.0.0";
inline constexpr std::string_view kXmlType = "application/xml; charset=utf-8";

// The key dimensions in order (TIME_PERIOD follows them).
inline constexpr int kKeyDimensions = 6;
inline constexpr std::array<std::string_view, kKeyDimensions> kDimensionIds = {
    "FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "SEX", "AGE"};
// The key dimensions of the targets' structure, in order.
inline constexpr std::array<std::string_view, kKeyDimensions> kTargetDimensionIds = {
    "FREQ", "SERIES", "REF_AREA", "SEX", "AGE", "TARGET_TYPE"};

struct Request {
  std::string path;  // below /sdmx/rest, without a leading '/': "data/DF_SP_COV/all/all"
  std::vector<std::pair<std::string, std::string>> query;
  std::string accept;    // the Accept header, may be empty
  std::string prepared;  // Header/Prepared; empty = now
  // Answer successful SDMX-ML and SDMX-CSV data queries with Response::stream instead of body.
  bool stream = false;
};

// Takes one piece of a streamed body; returns false when it cannot (the client has gone).
using ChunkSink = std::function<bool(std::string_view)>;

struct Response {
  int status = 200;
  std::string content_type;
  std::string body;
  // With Request::stream, for a data message (status 200, SDMX-ML or SDMX-CSV): body is empty and
  // this writes the message to the sink in pieces of about 64 KiB, querying the store one series
  // code at a time, so neither the whole result nor the whole text is ever held. It
  // uses the Store given to Handle(), which must stay open until it has run; call it once.
  // Returns false when the sink refused a piece or the store failed. After a store failure the
  // message ends without its closing tags, SDMX-ML with an "<!-- SDMX error 500: this message is
  // incomplete ... -->" comment; the server then aborts the chunked body (docs/sdmx.md).
  // Anything else (errors, structures, SDMX-JSON) has a body and no stream.
  std::function<bool(const ChunkSink&)> stream;
};

// Answers one request under /sdmx/rest. Never throws for bad input: malformed queries give 400,
// unknown structures and empty results 404, unsupported formats 406, all with an SDMX-ML error
// message; store errors give 500/503.
Response Handle(Store& store, const Request& request);

// A data query key: per key dimension the accepted codes; empty = any.
struct KeyFilter {
  std::array<std::vector<std::string>, kKeyDimensions> values;
};
// "all", "" -> everything; else exactly kKeyDimensions dot-separated parts, each empty
// (wildcard) or codes joined by '+'. kInvalidArgument otherwise, naming `dimensions`.
Result<KeyFilter> ParseKey(
    std::string_view key,
    const std::array<std::string_view, kKeyDimensions>& dimensions = kDimensionIds);

// "2019", "2019-06", "2019-06-30", "2019-A1", "2019-Q2", "2019-S1", "2019-M06" -> 2019.
std::optional<int> ParsePeriodYear(std::string_view period);

// Period and observation-count options of a data query.
struct DataOptions {
  std::optional<int> start_year, end_year;
  std::optional<int> first_n, last_n;
  bool flat = false;  // dimensionAtObservation=AllDimensions
  enum class Detail { kFull, kDataOnly, kSeriesKeysOnly, kNoData } detail = Detail::kFull;
};

// One series of the result: key codes (REF_AREA as M49) and observations in year order. A
// target's values are observations too: its year and value, its reason as the source.
struct SeriesData {
  std::array<std::string, kKeyDimensions> key;
  std::vector<Observation> observations;
};

// Runs the query against the store: filters, groups into series, applies first/lastN.
// Only quantile "_T" observations are served (the DSD has no QUANTILE dimension).
Result<std::vector<SeriesData>> QueryData(Store& store, const KeyFilter& key,
                                          const DataOptions& options);

// The national targets (Store::ListTargets: current and published only) as series of
// DSD_SP_TGT, keyed by kTargetDimensionIds: per target up to three series of one observation,
// BASELINE (baseline year and value), INTERIM (2025, when set) and TARGET (2030).
Result<std::vector<SeriesData>> QueryTargets(Store& store, const KeyFilter& key,
                                             const DataOptions& options);

// The SDMX-ML 2.1 error message (code 100 no results, 140 syntax error, 406 not acceptable,
// 500 internal, 501 not implemented, 503 unavailable).
std::string ErrorMessageXml(int code, std::string_view text);

// The DSD-specific XML schema (targetNamespace
// urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=SPP:DSD_SP_COV(1.0):ObsLevelDim:TIME_PERIOD,
// or ...:ObsLevelDim:AllDimensions with `flat`) for validating StructureSpecificData in the
// time-series or the flat layout; it imports SDMXCommon.xsd and SDMXDataStructureSpecific.xsd
// from `schema_dir` (a relative or absolute location). `dsd` is kDsdId or kTargetsDsdId
// (kNotFound otherwise).
Result<std::string> StructureSpecificSchema(Store& store, std::string_view schema_dir,
                                            bool flat = false, std::string_view dsd = kDsdId);

}  // namespace spcoop::sdmx
