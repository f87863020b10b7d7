#include "csv.h"

namespace spcoop::ingest {

size_t FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    auto cont = [&](size_t k) { return i + k < n && (p[i + k] & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF) {
      if (!cont(1)) return i;
      i += 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      if (i + 1 >= n) return i;
      unsigned char c1 = p[i + 1];
      // E0 needs A0..BF (no overlong forms); ED needs 80..9F (no surrogates).
      unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
      unsigned char hi = c == 0xED ? 0x9F : 0xBF;
      if (c1 < lo || c1 > hi || !cont(2)) return i;
      i += 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      if (i + 1 >= n) return i;
      unsigned char c1 = p[i + 1];
      // F0 needs 90..BF (no overlong forms); F4 needs 80..8F (nothing above U+10FFFF).
      unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
      unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
      if (c1 < lo || c1 > hi || !cont(2) || !cont(3)) return i;
      i += 4;
    } else {
      return i;  // a continuation byte without a lead byte, C0/C1 or F5..FF
    }
  }
  return std::string_view::npos;
}

CsvReader::CsvReader(std::string_view data) : data_(data) {
  if (data_.size() >= 3 && static_cast<unsigned char>(data_[0]) == 0xEF &&
      static_cast<unsigned char>(data_[1]) == 0xBB &&
      static_cast<unsigned char>(data_[2]) == 0xBF) {
    pos_ = 3;
    had_bom_ = true;
  }
}

bool CsvReader::Next() {
  fields_.clear();
  escaped_.clear();
  scratch_.clear();
  invalid_utf8_columns_.clear();
  problem_ = Problem::kNone;
  problem_column_ = 0;

  const char* const begin = data_.data();
  const char* const end = begin + data_.size();
  const char* p = begin + pos_;

  // Blank lines are not records.
  while (p < end && (*p == '\n' || *p == '\r')) {
    if (*p == '\r' && p + 1 < end && p[1] == '\n') ++p;
    ++p;
    ++next_line_;
  }
  if (p >= end) {
    pos_ = data_.size();
    return false;
  }
  line_ = next_line_;

  unsigned char high = 0;  // OR of every byte: bit 7 set when the record has non-ASCII bytes
  while (true) {
    // At the start of a field.
    if (p < end && *p == '"') {
      const char* open = p;
      ++p;
      const char* content = p;
      bool doubled = false;
      bool closed = false;
      while (p < end) {
        char c = *p;
        if (c == '"') {
          if (p + 1 < end && p[1] == '"') {
            doubled = true;
            p += 2;
            continue;
          }
          closed = true;
          break;
        }
        if (c == '\n') ++next_line_;
        high |= static_cast<unsigned char>(c);
        ++p;
      }
      const char* content_end = p;
      if (!closed) {
        if (problem_ == Problem::kNone) {
          problem_ = Problem::kUnclosedQuote;
          problem_column_ = static_cast<int>(fields_.size()) + 1;
        }
      } else {
        ++p;  // the closing quote
      }
      if (closed && p < end && *p != ',' && *p != '\n' && *p != '\r') {
        // Text after the closing quote: keep the raw text, quotes included, up to the delimiter.
        if (problem_ == Problem::kNone) {
          problem_ = Problem::kTextAfterQuote;
          problem_column_ = static_cast<int>(fields_.size()) + 1;
        }
        while (p < end && *p != ',' && *p != '\n' && *p != '\r') {
          high |= static_cast<unsigned char>(*p);
          ++p;
        }
        fields_.emplace_back(open, static_cast<size_t>(p - open));
      } else if (doubled) {
        size_t offset = scratch_.size();
        for (const char* q = content; q < content_end; ++q) {
          scratch_.push_back(*q);
          if (*q == '"') ++q;  // the second quote of a doubled pair
        }
        escaped_.push_back({fields_.size(), offset, scratch_.size() - offset});
        fields_.emplace_back();
      } else {
        fields_.emplace_back(content, static_cast<size_t>(content_end - content));
      }
    } else {
      const char* start = p;
      while (p < end) {
        char c = *p;
        if (c == ',' || c == '\n' || c == '\r') break;
        high |= static_cast<unsigned char>(c);
        ++p;
      }
      fields_.emplace_back(start, static_cast<size_t>(p - start));
    }

    // After a field: a comma, a line end or the end of the input.
    if (p >= end) break;
    if (*p == ',') {
      ++p;
      continue;
    }
    if (*p == '\r') {
      ++p;
      if (p < end && *p == '\n') ++p;
    } else {
      ++p;  // '\n'
    }
    ++next_line_;
    break;
  }
  pos_ = static_cast<size_t>(p - begin);

  for (const Escaped& e : escaped_) {
    fields_[e.field] = std::string_view(scratch_.data() + e.offset, e.length);
  }
  if (high & 0x80) {
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (FindInvalidUtf8(fields_[i]) != std::string_view::npos) {
        invalid_utf8_columns_.push_back(static_cast<int>(i) + 1);
      }
    }
  }
  return true;
}

}  // namespace spcoop::ingest
