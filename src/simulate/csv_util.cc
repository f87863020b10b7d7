#include "csv_util.h"

#include <fstream>
#include <sstream>

namespace spcoop::simulate::csvutil {

Rows ParseCsv(std::string_view text, std::vector<int64_t>* line_of) {
  Rows rows;
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<std::string> row;
  std::string field;
  bool in_quotes = false, field_started = false;
  int64_t line = 1, row_line = 1;
  auto end_field = [&] {
    row.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  auto end_row = [&] {
    end_field();
    if (!(row.size() == 1 && row[0].empty())) {
      rows.push_back(std::move(row));
      if (line_of) line_of->push_back(row_line);
    }
    row.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && !field_started) {
      in_quotes = true;
      field_started = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_row();
      ++line;
      row_line = line;
    } else {
      field += c;
      field_started = true;
    }
  }
  if (!field.empty() || !row.empty()) end_row();
  return rows;
}

Result<Rows> ReadCsv(const std::string& path, std::vector<int64_t>* line_of) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Err(Status::NotFound(fmt::format("cannot open '{}'", path)));
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  return ParseCsv(text, line_of);
}

Result<std::vector<size_t>> Columns(const Rows& rows, const std::string& file,
                                    std::initializer_list<const char*> names) {
  if (rows.empty()) return Err(Status::InvalidArgument("empty file").At(file));
  std::vector<size_t> out;
  std::string missing;
  for (const char* n : names) {
    size_t idx = rows[0].size();
    for (size_t i = 0; i < rows[0].size(); ++i) {
      if (rows[0][i] == n) idx = i;
    }
    if (idx == rows[0].size()) missing += (missing.empty() ? "" : ", ") + std::string(n);
    out.push_back(idx);
  }
  if (!missing.empty()) {
    return Err(
        Status::InvalidArgument(fmt::format("missing column(s): {}", missing)).At(file + ":1"));
  }
  return out;
}

}  // namespace spcoop::simulate::csvutil
