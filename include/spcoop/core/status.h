// spcoop/core/status.h — the error type every layer returns.
//
//   Result<Economy> e = store.GetEconomy("KHM");
//   if (!e) return e.error();                       // propagate
//   SPCOOP_ASSIGN_OR_RETURN(auto rows, reader.Read(path));
//   SPCOOP_RETURN_IF_ERROR(store.Put(rows));
//   return Status::InvalidArgument("year 1800 is out of range").At("data.csv:12:4");
//
// Which code to pick:
//   kInvalidArgument    the caller's input is wrong (bad CSV cell, unknown code, bad option).
//   kNotFound           a named thing does not exist (economy, series, target, file).
//   kAlreadyExists      creating something that exists.
//   kFailedPrecondition the system is not in the state the call needs (no database: run init).
//   kConflict           a concurrent or workflow conflict (stale revision, wrong state).
//   kPermissionDenied   authenticated but not allowed.  kUnauthenticated: not logged in.
//   kResourceExhausted  a limit was hit (request too big, too many errors).
//   kRateLimited        too many attempts (logins); retry later.
//   kUnavailable        a dependency is down (database locked past timeout, server unreachable).
//   kDataLoss           stored data is corrupt.  kInternal: a bug; never for bad input.
//
// Status is cheap to copy when OK. It is not thread-safe to mutate one instance concurrently.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace spcoop {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kConflict,
  kPermissionDenied,
  kUnauthenticated,
  kResourceExhausted,
  kRateLimited,
  kUnavailable,
  kDataLoss,
  kInternal,
};

// Stable lower-case name of a code, as used in JSON errors ("invalid_argument").
std::string_view StatusCodeName(StatusCode code);

// One precise problem inside a larger failure: where (file:line:column or a JSON path) and what.
struct StatusDetail {
  std::string path;
  std::string message;
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }
  static Status Unauthenticated(std::string m) {
    return {StatusCode::kUnauthenticated, std::move(m)};
  }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status RateLimited(std::string m) { return {StatusCode::kRateLimited, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Where the problem is: "file.csv:12:4" or a JSON path. Empty when not applicable.
  const std::string& location() const { return location_; }
  const std::vector<StatusDetail>& details() const { return details_; }

  Status&& At(std::string location) && {
    location_ = std::move(location);
    return std::move(*this);
  }
  Status&& WithDetails(std::vector<StatusDetail> details) && {
    details_ = std::move(details);
    return std::move(*this);
  }
  void AddDetail(std::string path, std::string message) {
    details_.push_back({std::move(path), std::move(message)});
  }

  // "invalid_argument: data.csv:12:4: year 1800 is out of range"
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string location_;
  std::vector<StatusDetail> details_;
};

template <typename T>
using Result = tl::expected<T, Status>;

// Turns a non-OK Status into the error side of a Result.
inline tl::unexpected<Status> Err(Status s) { return tl::unexpected<Status>(std::move(s)); }

// What the macros below return: converts to Status or to any Result<T>.
struct ErrorReturn {
  Status status;
  operator Status() && { return std::move(status); }  // NOLINT(google-explicit-constructor)
  template <typename T>
  operator Result<T>() && {  // NOLINT(google-explicit-constructor)
    return tl::unexpected<Status>(std::move(status));
  }
};

}  // namespace spcoop

#define SPCOOP_CONCAT_INNER_(a, b) a##b
#define SPCOOP_CONCAT_(a, b) SPCOOP_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function (returning Status or Result<T>) if `expr`
// is not OK.
#define SPCOOP_RETURN_IF_ERROR(expr)                                            \
  do {                                                                          \
    ::spcoop::Status spcoop_status_ = (expr);                                   \
    if (!spcoop_status_.ok()) return ::spcoop::ErrorReturn{std::move(spcoop_status_)}; \
  } while (0)

#define SPCOOP_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)         \
  auto tmp = (expr);                                          \
  if (!tmp) return ::spcoop::ErrorReturn{std::move(tmp).error()}; \
  lhs = std::move(*tmp)

// `SPCOOP_ASSIGN_OR_RETURN(auto x, ResultReturningCall());` in a function returning Result<U>.
#define SPCOOP_ASSIGN_OR_RETURN(lhs, expr) \
  SPCOOP_ASSIGN_OR_RETURN_IMPL_(SPCOOP_CONCAT_(spcoop_result_, __LINE__), lhs, expr)
