// Helpers shared by the analysis sources. Not part of the public interface.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace spcoop::analysis::internal {

// ASCII lower case.
std::string Lower(std::string_view s);

// The canonical spelling of a subregion name given in any case, or nullopt.
std::optional<std::string> CanonicalSubregion(std::string_view name);

// "South-East Asia", "Pacific", ... quoted and comma-separated, for error messages.
std::string SubregionList();

// A percentage for plain-language text: one decimal, trailing ".0" dropped ("61.6", "100").
std::string Percent(double value);

// Rank of a sex code for ordering: _T, F, M, then anything else.
int SexRank(std::string_view sex);

}  // namespace spcoop::analysis::internal
