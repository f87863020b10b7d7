// Internal to the spcoop binary: one tabular result printed as a readable table, CSV or JSON,
// and a progress bar for long work on a terminal.
//
//   Table t({"iso3", "name", "value"});
//   t.AddRow({Cell("KHM"), Cell("Cambodia"), Cell(16.4)});
//   t.Print(std::cout, OutputFormat::kTable);
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "cli.h"

namespace spcoop::cli {

// A cell is text, an integer, a number, or empty (null in JSON, blank in tables and CSV).
struct Cell {
  std::variant<std::monostate, std::string, int64_t, double, bool> v;
  int decimals = -1;  // for doubles in tables: fixed decimals, -1 = shortest exact form
  Cell() = default;
  Cell(std::string s) : v(std::move(s)) {}  // NOLINT(google-explicit-constructor)
  Cell(const char* s) : v(std::string(s)) {}  // NOLINT(google-explicit-constructor)
  Cell(int64_t i) : v(i) {}  // NOLINT(google-explicit-constructor)
  Cell(int i) : v(static_cast<int64_t>(i)) {}  // NOLINT(google-explicit-constructor)
  Cell(double d, int dec = -1) : v(d), decimals(dec) {}  // NOLINT(google-explicit-constructor)
  Cell(bool b) : v(b) {}  // NOLINT(google-explicit-constructor)
  static Cell Opt(const std::optional<double>& d, int dec = -1) {
    return d ? Cell(*d, dec) : Cell();
  }
  std::string Text() const;  // as shown in a table or CSV
};

class Table {
 public:
  explicit Table(std::vector<std::string> columns) : columns_(std::move(columns)) {}
  void AddRow(std::vector<Cell> row) { rows_.push_back(std::move(row)); }
  size_t size() const { return rows_.size(); }
  // kTable: aligned columns (East Asian wide characters count as two), a header and a rule.
  // kCsv: RFC 4180 with a header row. kJson: an array of objects keyed by column name.
  void Print(std::ostream& out, OutputFormat format) const;

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<Cell>> rows_;
};

// Display width of UTF-8 text in a terminal (wide CJK characters count two columns).
size_t DisplayWidth(const std::string& s);

// Draws "label [=====>    ] 45% 12.3/27.0 MB" (or "... 450000/1000000 rows") on stderr when
// stderr is a terminal; silent otherwise or when quiet. Call Update() often; it redraws at most
// ten times a second.
class ProgressBar {
 public:
  enum class Unit { kBytes, kRows };
  ProgressBar(std::string label, bool quiet, Unit unit = Unit::kBytes);
  ~ProgressBar();
  void Update(int64_t done, int64_t total);
  void Finish();

 private:
  std::string label_;
  bool enabled_;
  Unit unit_;
  int64_t last_draw_ms_ = 0;
  bool drawn_ = false;
};

}  // namespace spcoop::cli
