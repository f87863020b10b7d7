#include "output.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace spcoop::cli {
namespace {

// Decodes one UTF-8 code point starting at s[i]; advances i. Invalid bytes count as one.
uint32_t NextCodePoint(const std::string& s, size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (i + len > s.size()) len = 1;
  uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
  i += len;
  return cp;
}

bool IsWide(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

std::string CsvEscape(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

bool IsNumeric(const Cell& c) {
  return std::holds_alternative<int64_t>(c.v) || std::holds_alternative<double>(c.v);
}

}  // namespace

std::string Cell::Text() const {
  if (std::holds_alternative<std::string>(v)) return std::get<std::string>(v);
  if (std::holds_alternative<int64_t>(v)) return std::to_string(std::get<int64_t>(v));
  if (std::holds_alternative<bool>(v)) return std::get<bool>(v) ? "yes" : "no";
  if (std::holds_alternative<double>(v)) {
    double d = std::get<double>(v);
    if (!std::isfinite(d)) return "";
    if (decimals >= 0) return fmt::format("{:.{}f}", d, decimals);
    return fmt::format("{}", d);
  }
  return "";
}

size_t DisplayWidth(const std::string& s) {
  size_t w = 0;
  for (size_t i = 0; i < s.size();) w += IsWide(NextCodePoint(s, i)) ? 2 : 1;
  return w;
}

void Table::Print(std::ostream& out, OutputFormat format) const {
  if (format == OutputFormat::kJson) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& row : rows_) {
      nlohmann::json obj = nlohmann::json::object();
      for (size_t c = 0; c < columns_.size(); ++c) {
        const Cell& cell = c < row.size() ? row[c] : Cell();
        nlohmann::json v;
        if (std::holds_alternative<std::string>(cell.v)) v = std::get<std::string>(cell.v);
        if (std::holds_alternative<int64_t>(cell.v)) v = std::get<int64_t>(cell.v);
        if (std::holds_alternative<bool>(cell.v)) v = std::get<bool>(cell.v);
        if (std::holds_alternative<double>(cell.v) && std::isfinite(std::get<double>(cell.v))) {
          v = std::get<double>(cell.v);
        }
        obj[columns_[c]] = std::move(v);
      }
      arr.push_back(std::move(obj));
    }
    out << arr.dump(2) << "\n";
    return;
  }
  if (format == OutputFormat::kCsv) {
    for (size_t c = 0; c < columns_.size(); ++c) out << (c ? "," : "") << CsvEscape(columns_[c]);
    out << "\n";
    for (const auto& row : rows_) {
      for (size_t c = 0; c < columns_.size(); ++c) {
        out << (c ? "," : "") << CsvEscape(c < row.size() ? row[c].Text() : "");
      }
      out << "\n";
    }
    return;
  }
  std::vector<size_t> width(columns_.size());
  std::vector<bool> numeric(columns_.size(), true);
  for (size_t c = 0; c < columns_.size(); ++c) width[c] = DisplayWidth(columns_[c]);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < columns_.size() && c < row.size(); ++c) {
      width[c] = std::max(width[c], DisplayWidth(row[c].Text()));
      if (!IsNumeric(row[c]) && !std::holds_alternative<std::monostate>(row[c].v)) {
        numeric[c] = false;
      }
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (size_t c = 0; c < columns_.size(); ++c) {
      const std::string& t = cells[c];
      std::string pad(width[c] - DisplayWidth(t), ' ');
      if (c) s += "  ";
      s += numeric[c] ? pad + t : t + (c + 1 < columns_.size() ? pad : "");
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    out << s << "\n";
  };
  line(columns_);
  std::vector<std::string> rule;
  for (size_t c = 0; c < columns_.size(); ++c) rule.push_back(std::string(width[c], '-'));
  line(rule);
  for (const auto& row : rows_) {
    std::vector<std::string> cells;
    for (size_t c = 0; c < columns_.size(); ++c) cells.push_back(c < row.size() ? row[c].Text() : "");
    line(cells);
  }
  if (rows_.empty()) out << "(no rows)\n";
}

ProgressBar::ProgressBar(std::string label, bool quiet, Unit unit)
    : label_(std::move(label)), enabled_(!quiet && isatty(STDERR_FILENO)), unit_(unit) {}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::Update(int64_t done, int64_t total) {
  if (!enabled_ || total <= 0) return;
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  if (done < total && now - last_draw_ms_ < 100) return;
  last_draw_ms_ = now;
  constexpr int kWidth = 30;
  double frac = std::clamp(static_cast<double>(done) / static_cast<double>(total), 0.0, 1.0);
  int filled = static_cast<int>(frac * kWidth);
  std::string bar(filled, '=');
  if (filled < kWidth) bar += '>' + std::string(kWidth - filled - 1, ' ');
  std::string amount = unit_ == Unit::kBytes
                           ? fmt::format("{:.1f}/{:.1f} MB", done / 1e6, total / 1e6)
                           : fmt::format("{}/{} rows", done, total);
  std::cerr << fmt::format("\r{} [{}] {:3.0f}% {}", label_, bar, frac * 100, amount)
            << std::flush;
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (drawn_) std::cerr << "\n";
  drawn_ = false;
}

}  // namespace spcoop::cli
