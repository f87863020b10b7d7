// Internal to spcoop::report: a report as a flat list of blocks, built once from the data and
// drawn by two renderers, HTML (html.cc) and PDF (pdf.cc), so both show the same content.
//
//   Document doc;
//   doc.Heading(1, "SDG indicator 1.3.1");
//   doc.Paragraph("Coverage in per cent ...");
//   std::string pdf = RenderPdf(doc);   // or RenderHtml(doc)
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spcoop/core/status.h"
#include "spcoop/core/types.h"

namespace spcoop::report {

struct TableData {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<double> widths;  // relative column widths, one per column
  std::vector<bool> numeric;   // right-aligned columns
};

struct ChartLine {
  std::string label;
  std::vector<std::pair<double, double>> points;  // (year, percent)
  bool dashed = false;
  bool markers = false;
  int color = 0;  // index into the renderer's palette
};

struct ChartData {
  std::string title;
  double x_min = 2015, x_max = 2030;
  double y_min = 0, y_max = 100;
  std::vector<ChartLine> lines;
};

// Years labelled on a chart's axis: multiples of 5, and the first year when it is at least three
// years from the next multiple of 5 (so two labels never touch).
inline bool TickLabel(int year, const ChartData& c) {
  if (year % 5 == 0) return true;
  int first = static_cast<int>(c.x_min);
  return year == first && 5 - first % 5 >= 3;
}

enum class BlockKind { kHeading, kParagraph, kNote, kTable, kChart, kPageBreak };

struct Block {
  BlockKind kind = BlockKind::kParagraph;
  int level = 0;  // headings: 1 or 2 (both in the table of contents), 3 (not listed)
  std::string text;
  std::string lang;    // the text's language when it differs from the document's ("zh")
  std::string anchor;  // headings: "s3"
  TableData table;
  ChartData chart;
};

struct Document {
  Language lang = Language::kEn;
  std::string title;               // "Voluntary national progress report"
  std::string subtitle;            // "Cambodia — reporting period 2025"
  std::string running;             // header line on every page
  std::vector<std::string> front;  // lines under the title (Action Plan, generation time)
  std::vector<Block> blocks;

  void Heading(int level, std::string text) {
    Block b;
    b.kind = BlockKind::kHeading;
    b.level = level;
    b.text = std::move(text);
    b.anchor = "s" + std::to_string(blocks.size());
    blocks.push_back(std::move(b));
  }
  void Paragraph(std::string text, std::string lang = {}) {
    Block b;
    b.kind = BlockKind::kParagraph;
    b.text = std::move(text);
    b.lang = std::move(lang);
    blocks.push_back(std::move(b));
  }
  void Note(std::string text) {
    Block b;
    b.kind = BlockKind::kNote;
    b.text = std::move(text);
    blocks.push_back(std::move(b));
  }
  void Table(TableData table) {
    Block b;
    b.kind = BlockKind::kTable;
    b.table = std::move(table);
    blocks.push_back(std::move(b));
  }
  void Chart(ChartData chart) {
    Block b;
    b.kind = BlockKind::kChart;
    b.chart = std::move(chart);
    blocks.push_back(std::move(b));
  }
  void PageBreak() {
    Block b;
    b.kind = BlockKind::kPageBreak;
    blocks.push_back(std::move(b));
  }
};

// A UTF-8 HTML5 document with print CSS (A4, page breaks, repeated table headers).
std::string RenderHtml(const Document& doc);
// A4 PDF: title page with the table of contents, running header, "page n of m" footer,
// bookmarks, vector charts, embedded fonts. kInternal when Cairo reports an error.
Result<std::string> RenderPdf(const Document& doc);

}  // namespace spcoop::report
