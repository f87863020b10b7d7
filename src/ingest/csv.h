// Internal to the ingest module: a fast RFC 4180 CSV reader over a buffer held in memory.
//
//   CsvReader reader(data);                   // data must outlive the reader
//   while (reader.Next()) {
//     if (reader.problem() != CsvReader::Problem::kNone) ...   // bad quoting at problem_column()
//     for (std::string_view f : reader.fields()) ...           // views into data (or scratch)
//     reader.line();                                           // where the record starts
//   }
//
// Accepts: quoted fields with doubled quotes ("a ""b"""), commas and line breaks inside quotes,
// LF, CRLF or lone CR line ends, a UTF-8 byte order mark (skipped), a missing final line break.
// A quote inside an unquoted field is kept as a literal character. Lines that are completely
// empty are skipped (they are not records) but are counted in line numbers.
//
// Speed: one pass over the bytes; fields are string_views into the input except for quoted
// fields that contain doubled quotes, which are unescaped into a scratch buffer reused from
// record to record. No heap allocation per field once the buffers have grown.
//
// Views returned by fields() are valid until the next call to Next(). Not thread-safe; use one
// reader per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spcoop::ingest {

// Returns the offset of the first byte of `s` that does not start a valid UTF-8 sequence
// (overlong forms, surrogates and code points above U+10FFFF are invalid), or npos.
size_t FindInvalidUtf8(std::string_view s);

class CsvReader {
 public:
  enum class Problem {
    kNone,
    kUnclosedQuote,   // a quoted field runs to the end of the input
    kTextAfterQuote,  // characters between a closing quote and the next comma or line end
  };

  // `data` is not copied and must outlive the reader. A leading UTF-8 BOM is skipped.
  explicit CsvReader(std::string_view data);

  // Reads the next record. Returns false at the end of the input (no record read).
  bool Next();

  const std::vector<std::string_view>& fields() const { return fields_; }
  // 1-based physical line on which the current record starts.
  int64_t line() const { return line_; }
  // Bytes of the input consumed so far (BOM included) and the input's size.
  size_t offset() const { return pos_; }
  size_t size() const { return data_.size(); }
  bool had_bom() const { return had_bom_; }

  // The first quoting problem in the current record and its 1-based column; kNone and 0 if none.
  // With kTextAfterQuote the field holds its raw text, quotes included.
  Problem problem() const { return problem_; }
  int problem_column() const { return problem_column_; }

  // 1-based columns of the current record whose bytes are not valid UTF-8, in order.
  const std::vector<int>& invalid_utf8_columns() const { return invalid_utf8_columns_; }

 private:
  struct Escaped {
    size_t field;   // index into fields_
    size_t offset;  // into scratch_
    size_t length;
  };

  std::string_view data_;
  size_t pos_ = 0;
  int64_t line_ = 0;
  int64_t next_line_ = 1;
  bool had_bom_ = false;
  std::vector<std::string_view> fields_;
  std::vector<Escaped> escaped_;
  std::string scratch_;
  Problem problem_ = Problem::kNone;
  int problem_column_ = 0;
  std::vector<int> invalid_utf8_columns_;
};

}  // namespace spcoop::ingest
