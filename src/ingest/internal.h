// Internal to the ingest module: small text and file helpers shared by the observation parser
// and the reference data loader. All functions are pure except ReadWholeFile.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "spcoop/core/status.h"

namespace spcoop::ingest::internal {

// Without leading and trailing spaces and tabs.
std::string_view Trim(std::string_view s);
std::string ToLower(std::string_view s);  // ASCII only
std::string ToUpper(std::string_view s);  // ASCII only
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// A value as shown in an error message: bytes that are not valid UTF-8 become \xNN, line breaks
// and tabs \n \r \t, other control characters \xNN; longer than 60 characters is cut with "...".
std::string Printable(std::string_view value);

// "dir/sub/file.csv" -> "file.csv".
std::string BaseName(std::string_view path);

// The whole file. kNotFound when it does not exist, kInvalidArgument when it is a folder or
// cannot be read.
Result<std::string> ReadWholeFile(const std::string& path);

// A whole number written with digits only (an optional leading '-'), e.g. "2019". nullopt for
// anything else, including "2019.0" and "".
std::optional<int> ParseWholeNumber(std::string_view s);

// A finite decimal number such as "42.5", "-3", "1e2" or "+7". nullopt for "", "n/a", "42%",
// "42,5", "inf" and "nan".
std::optional<double> ParseNumber(std::string_view s);

}  // namespace spcoop::ingest::internal
