// Internal to src/store: small helpers of the code written on sql::Tx (accounts.cc,
// workflow.cc).
#pragma once

#include <openssl/evp.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "spcoop/store/sql.h"
#include "spcoop/store/store.h"

namespace spcoop::sql {

// Runs `fn(tx)` (returning Result<T>) in one transaction of `store` and hands back its value.
template <typename T, typename F>
Result<T> InTx(Store& store, F&& fn) {
  std::optional<T> out;
  SPCOOP_RETURN_IF_ERROR(store.Transact([&](Tx& tx) -> Status {
    SPCOOP_ASSIGN_OR_RETURN(T value, fn(tx));
    out.emplace(std::move(value));
    return Status::Ok();
  }));
  return std::move(*out);
}

// The status of a result whose value is not needed.
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r ? Status::Ok() : r.error();
}

// Lower-case hex SHA-256.
inline std::string Sha256Hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(length * 2, '0');
  for (unsigned int i = 0; i < length; ++i) {
    out[2 * i] = kDigits[digest[i] >> 4];
    out[2 * i + 1] = kDigits[digest[i] & 15];
  }
  return out;
}

}  // namespace spcoop::sql
