#include "query.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "spcoop/core/codes.h"

namespace spcoop::server {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Path(std::string_view name) { return fmt::format("query.{}", name); }

// Quotes client text for an error message, shortened so a huge value cannot bloat the answer.
std::string Quote(std::string_view value) {
  constexpr size_t kMax = 64;
  if (value.size() <= kMax) return fmt::format("'{}'", value);
  return fmt::format("'{}...'", value.substr(0, kMax));
}

}  // namespace

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string AsciiUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

QueryParams::QueryParams(const NameValues& query, std::initializer_list<std::string_view> accepted)
    : query_(query) {
  std::string accepted_list;
  for (std::string_view a : accepted) {
    if (!accepted_list.empty()) accepted_list += ", ";
    accepted_list += a;
  }
  std::set<std::string> seen, reported;
  for (const auto& [name, value] : query_) {
    bool known = std::find(accepted.begin(), accepted.end(), name) != accepted.end();
    if (!known) {
      if (!reported.insert(name).second) continue;
      Invalid(name,
              accepted.size() == 0
                  ? fmt::format("unknown parameter {}; this route takes no parameters", Quote(name))
                  : fmt::format("unknown parameter {}; this route accepts: {}", Quote(name),
                                accepted_list));
    } else if (!seen.insert(name).second && reported.insert(name).second) {
      Invalid(name, fmt::format("parameter '{}' is given more than once; give it once (lists "
                                "are comma-separated: {}=A,B)",
                                name, name));
    }
  }
}

std::optional<std::string> QueryParams::Text(std::string_view name) const {
  for (const auto& [n, v] : query_) {
    if (n == name) {
      std::string_view t = Trim(v);
      if (t.empty()) return std::nullopt;
      return std::string(t);
    }
  }
  return std::nullopt;
}

std::optional<std::string> QueryParams::Required(std::string_view name) {
  auto v = Text(name);
  if (!v) Invalid(name, fmt::format("missing required parameter '{}'", name));
  return v;
}

std::vector<std::string> QueryParams::List(std::string_view name) {
  std::vector<std::string> out;
  auto text = Text(name);
  if (!text) return out;
  std::string_view rest = *text;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view item = Trim(rest.substr(0, comma));
    if (item.empty()) {
      Invalid(name, fmt::format("empty item in the list {}; separate codes with single commas",
                                Quote(*text)));
      return {};
    }
    out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

std::optional<int> QueryParams::Int(std::string_view name, int min, int max) {
  auto text = Text(name);
  if (!text) return std::nullopt;
  int v = 0;
  const char* begin = text->data();
  const char* end = begin + text->size();
  if (*begin == '+') ++begin;
  auto [p, ec] = std::from_chars(begin, end, v);
  if (ec == std::errc::result_out_of_range ||
      (ec == std::errc() && p == end && (v < min || v > max))) {
    Invalid(name,
            fmt::format("{} must be between {} and {}; got {}", name, min, max, Quote(*text)));
    return std::nullopt;
  }
  if (ec != std::errc() || p != end) {
    Invalid(name, fmt::format("{} must be a whole number; got {}", name, Quote(*text)));
    return std::nullopt;
  }
  return v;
}

std::optional<int> QueryParams::Year(std::string_view name) {
  auto text = Text(name);
  if (!text) return std::nullopt;
  int v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || p != text->data() + text->size() || v < kMinYear || v > kMaxYear) {
    Invalid(name, fmt::format("{} must be a year from {} to {}; got {}", name, kMinYear, kMaxYear,
                              Quote(*text)));
    return std::nullopt;
  }
  return v;
}

void QueryParams::Invalid(std::string_view name, std::string message) {
  problems_.push_back({Path(name), std::move(message)});
}

Status QueryParams::Check() const {
  if (problems_.empty()) return Status::Ok();
  std::string message =
      problems_.size() == 1
          ? problems_.front().message
          : fmt::format("{} problems with the query parameters; see details", problems_.size());
  return Status::InvalidArgument(std::move(message)).WithDetails(problems_);
}

}  // namespace spcoop::server
