#include "internal.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>

#include "spcoop/core/types.h"

namespace spcoop::analysis::internal {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::string> CanonicalSubregion(std::string_view name) {
  std::string lower = Lower(name);
  for (const char* s : kSubregions) {
    if (Lower(s) == lower) return std::string(s);
  }
  return std::nullopt;
}

std::string SubregionList() {
  std::string out;
  for (const char* s : kSubregions) {
    if (!out.empty()) out += ", ";
    out += fmt::format("'{}'", s);
  }
  return out;
}

std::string Percent(double value) {
  double rounded = std::round(value * 10) / 10;
  if (rounded == 0) rounded = 0;  // no "-0"
  std::string s = fmt::format("{:.1f}", rounded);
  if (s.ends_with(".0")) s.resize(s.size() - 2);
  return s;
}

int SexRank(std::string_view sex) {
  if (sex == "_T") return 0;
  if (sex == "F") return 1;
  if (sex == "M") return 2;
  return 3;
}

}  // namespace spcoop::analysis::internal
