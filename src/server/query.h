// Internal to spcoop::server: validation of a route's query parameters. Problems are collected,
// not returned one by one, so a client learns everything wrong with a request at once.
//
//   QueryParams q(request.query, {"economy", "page"});   // unknown or repeated names noted
//   std::vector<std::string> economies = q.List("economy");
//   std::optional<int> page = q.Int("page", 1, 1000000);
//   SPCOOP_RETURN_IF_ERROR(q.Check());   // kInvalidArgument, one detail per problem
//
// Rules (docs/http.md): names are case-sensitive; a name may appear once; an empty value is the
// same as leaving the parameter out; lists are comma-separated with surrounding spaces ignored.
// Detail paths are "query.<name>". Not thread-safe (one instance per request).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http.h"
#include "spcoop/core/status.h"

namespace spcoop::server {

class QueryParams {
 public:
  // Notes every name not in `accepted` and every name given more than once.
  QueryParams(const NameValues& query, std::initializer_list<std::string_view> accepted);

  // The value, trimmed; nullopt when absent or empty.
  std::optional<std::string> Text(std::string_view name) const;
  // Like Text(), but notes "missing required parameter" when absent.
  std::optional<std::string> Required(std::string_view name);
  // Comma-separated items, trimmed; empty when absent. Empty items are noted as problems.
  std::vector<std::string> List(std::string_view name);
  // A decimal integer in [min, max]; nullopt when absent or invalid (then a problem is noted).
  std::optional<int> Int(std::string_view name, int min, int max);
  // A year in kMinYear..kMaxYear.
  std::optional<int> Year(std::string_view name);

  // Records a problem with parameter `name` (path "query.<name>").
  void Invalid(std::string_view name, std::string message);
  bool ok() const { return problems_.empty(); }
  // OK, or kInvalidArgument whose message summarises the problems and whose details list each.
  Status Check() const;

 private:
  const NameValues& query_;
  std::vector<StatusDetail> problems_;
};

// Lower-case ASCII; for case-insensitive comparisons of names such as subregions.
std::string AsciiLower(std::string_view s);
std::string AsciiUpper(std::string_view s);

}  // namespace spcoop::server
