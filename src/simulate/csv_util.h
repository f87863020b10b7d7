// Internal to spcoop_simulate: a small RFC 4180 CSV reader (quoted fields, "" escapes, CRLF,
// UTF-8 BOM).
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "spcoop/core/status.h"

namespace spcoop::simulate::csvutil {

using Rows = std::vector<std::vector<std::string>>;

// Parses `text`; row 0 is the header. `line_of`, when given, receives the 1-based physical line
// where each row starts.
Rows ParseCsv(std::string_view text, std::vector<int64_t>* line_of = nullptr);
Result<Rows> ReadCsv(const std::string& path, std::vector<int64_t>* line_of = nullptr);
// Indices of the named header columns; kInvalidArgument naming the missing ones.
Result<std::vector<size_t>> Columns(const Rows& rows, const std::string& file,
                                    std::initializer_list<const char*> names);

}  // namespace spcoop::simulate::csvutil
