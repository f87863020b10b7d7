// Internal to spcoop_simulate: SHA-256 (OpenSSL libcrypto) as lower-case hex.
#pragma once

#include <fmt/format.h>
#include <openssl/evp.h>

#include <fstream>
#include <string>
#include <string_view>

#include "spcoop/core/status.h"

namespace spcoop::simulate::hashutil {

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(std::string_view data) { EVP_DigestUpdate(ctx_, data.data(), data.size()); }
  std::string Hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_, md, &len);
    std::string out;
    for (unsigned int i = 0; i < len; ++i) out += fmt::format("{:02x}", md[i]);
    return out;
  }

 private:
  EVP_MD_CTX* ctx_;
};

inline std::string HashText(std::string_view text) {
  Sha256 h;
  h.Update(text);
  return h.Hex();
}

inline Result<std::string> HashFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Err(Status::NotFound(fmt::format("cannot open '{}'", path)));
  Sha256 h;
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    h.Update(std::string_view(buf, static_cast<size_t>(in.gcount())));
  }
  return h.Hex();
}

}  // namespace spcoop::simulate::hashutil
