// Internal to the ingest module: reads the observations of an SDMX-ML 2.1 data message into a
// table of component values, one row per observation, for Parse() to validate like a CSV row.
//
//   SdmxTable table;
//   if (auto problem = ReadSdmxMl(data, table)) ...   // the message as a whole cannot be read
//   for (const SdmxRow& row : table.rows) ...         // row.values[i] is table.names[i]
//
// Accepts GenericData (time series, or flat with dimensionAtObservation="AllDimensions") and
// StructureSpecificData (time series or flat), in SDMX 2.1's namespaces or any other (elements are
// matched by local name). Each observation row holds the data set's, the series' and the
// observation's own values (dimensions and attributes; the observation's win). Groups are read
// and skipped. A DOCTYPE, entity references, elements nested deeper than kMaxDepth, more than
// kMaxComponents distinct component ids and data sets with action="Delete" are refused before
// anything is allocated for them; the network is never used. The reader streams (libxml2's
// xmlTextReader): memory grows with the number of observations, not with the size of the text.
// Reentrant; not thread-safe on one table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spcoop/ingest/ingest.h"  // MessageArgs

namespace spcoop::ingest {

inline constexpr int kMaxXmlDepth = 32;
inline constexpr size_t kMaxComponents = 256;

struct SdmxRow {
  int64_t line = 0;                 // line of the <Obs> element
  int64_t ordinal = 0;              // 1-based position of the <Obs> element in the message
  std::vector<std::string> values;  // by index into SdmxTable::names; may be shorter (= empty)
};

struct SdmxTable {
  std::vector<std::string> names;  // component ids in the order first seen
  std::vector<SdmxRow> rows;
};

// A problem with the message as a whole.
struct SdmxProblem {
  int64_t line = 1;
  std::string code;  // message codes (messages.json)
  std::string fix_code;
  MessageArgs args;
};

// True when the data (after a byte order mark and white space) starts with '<'.
bool LooksLikeXml(std::string_view data);

// Reads `data` into `table`. nullopt when the message was read; otherwise what is wrong with it
// (table is then incomplete and must not be used).
std::optional<SdmxProblem> ReadSdmxMl(std::string_view data, SdmxTable& table);

}  // namespace spcoop::ingest
