// Shared by the fuzz targets: parse the input with the importer's Parse() in one format, against
// three economies, and check what Parse() promises whatever the input.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "spcoop/ingest/ingest.h"

namespace spcoop::fuzz {

inline const std::vector<Economy>& Economies() {
  static const std::vector<Economy> economies = [] {
    std::vector<Economy> out(3);
    out[0].iso3 = "KHM";
    out[0].m49 = "116";
    out[0].name[0] = "Cambodia";
    out[1].iso3 = "LAO";
    out[1].m49 = "418";
    out[1].name[0] = "Lao People's Democratic Republic";
    out[2].iso3 = "THA";
    out[2].m49 = "764";
    out[2].name[0] = "Thailand";
    return out;
  }();
  return economies;
}

inline int ParseOne(const uint8_t* data, size_t size, ingest::Format format) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  ingest::ParseOptions options;
  options.format = format;
  options.max_errors = 50;
  auto parsed = ingest::Parse(input, "fuzz", Economies(), options);
  if (!parsed) std::abort();  // Parse() reports problems in the result, never as a Status
  // Every accepted row is a valid observation; a file error leaves no rows.
  if (parsed->file_error && !parsed->rows.empty()) std::abort();
  if (parsed->rows.size() != parsed->row_lines.size()) std::abort();
  if (parsed->errors.size() > options.max_errors) std::abort();
  for (const Observation& o : parsed->rows) {
    if (!(o.value >= 0 && o.value <= 100)) std::abort();
    if (o.key.year < 1990 || o.key.year > 2035) std::abort();
  }
  return 0;
}

}  // namespace spcoop::fuzz
