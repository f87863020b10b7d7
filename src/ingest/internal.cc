#include "internal.h"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

#include "csv.h"

namespace spcoop::ingest::internal {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string Printable(std::string_view value) {
  constexpr size_t kMaxChars = 60;
  std::string out;
  size_t chars = 0;
  size_t i = 0;
  while (i < value.size()) {
    if (chars == kMaxChars) {
      out += "...";
      break;
    }
    auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x80) {
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c < 0x20 || c == 0x7F) {
        out += fmt::format("\\x{:02X}", c);
      } else {
        out += static_cast<char>(c);
      }
      ++i;
    } else {
      // Length of a valid sequence starting here, or 0.
      size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      std::string_view seq = value.substr(i, len);
      if (seq.size() == len && FindInvalidUtf8(seq) == std::string_view::npos) {
        out += seq;
        i += len;
      } else {
        out += fmt::format("\\x{:02X}", c);
        ++i;
      }
    }
    ++chars;
  }
  return out;
}

std::string BaseName(std::string_view path) {
  size_t slash = path.find_last_of("/\\");
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return Err(Status::NotFound(fmt::format("file '{}' does not exist", path)));
  }
  if (std::filesystem::is_directory(status)) {
    return Err(Status::InvalidArgument(fmt::format("'{}' is a folder, not a CSV file", path)));
  }
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> f(std::fopen(path.c_str(), "rb"));
  if (!f) {
    return Err(
        Status::InvalidArgument(fmt::format("cannot open '{}': {}", path, std::strerror(errno))));
  }
  std::string data;
  auto size = std::filesystem::file_size(path, ec);
  if (!ec) data.reserve(static_cast<size_t>(size));
  char buf[1 << 16];
  while (true) {
    size_t n = std::fread(buf, 1, sizeof buf, f.get());
    data.append(buf, n);
    if (n < sizeof buf) break;
  }
  if (std::ferror(f.get())) {
    return Err(Status::InvalidArgument(fmt::format("cannot read '{}'", path)));
  }
  return data;
}

std::optional<int> ParseWholeNumber(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> ParseNumber(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  // from_chars also reads "inf" and "nan": require a digit or a point to begin the number.
  char first = s.front() == '-' && s.size() > 1 ? s[1] : s.front();
  if (!(first >= '0' && first <= '9') && first != '.') return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace spcoop::ingest::internal
