// The HTML renderer: one self-contained file, styled for screen and, through print CSS, for A4.
#include <fmt/format.h>

#include <algorithm>

#include "document.h"
#include "spcoop/core/codes.h"
#include "texts.h"

namespace spcoop::report {
namespace {

constexpr const char* kPalette[] = {"#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad"};

constexpr std::string_view kStyle = R"(
body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;color:#222;max-width:60em;margin:2em auto;line-height:1.45}
h1{font-size:1.5em;border-bottom:1px solid #1f5fa8;margin-top:2em}h2{font-size:1.2em}h3{font-size:1em}
header.title h1{border:0;font-size:2em;margin:0}header.title p{margin:.2em 0;color:#555}
table{border-collapse:collapse;width:100%;font-size:.85em;margin:.5em 0 1em}
th,td{border-bottom:1px solid #ccc;padding:.25em .4em;text-align:left;vertical-align:top}
th{background:#eef3f9}td.n,th.n{text-align:right;white-space:nowrap}
p.note{color:#555;font-size:.9em}nav.toc li.l2{margin-left:1.5em}
figure{margin:1em 0}figcaption{font-weight:bold}
.running{display:none}
@page{size:A4;margin:20mm 18mm 22mm;@bottom-center{content:counter(page) " / " counter(pages)}}
@media print{body{max-width:none;margin:0;font-size:10pt}
 .pagebreak{break-before:page}h1,h2,h3{break-after:avoid}tr,figure{break-inside:avoid}
 thead{display:table-header-group}nav.toc{break-after:page}a{color:inherit;text-decoration:none}}
)";

std::string Escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string LangAttr(const std::string& lang) {
  return lang.empty() ? std::string() : fmt::format(" lang=\"{}\"", Escape(lang));
}

// Paragraph text: blank lines separate paragraphs, single newlines become <br>.
std::string TextToHtml(std::string_view text) {
  std::string out = Escape(text);
  std::string result;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\n') {
      result += "<br>";
    } else {
      result += out[i];
    }
  }
  return result;
}

void Chart(std::string& out, const ChartData& c) {
  constexpr double kW = 560, kH = 220, kLeft = 40, kRight = 130, kTop = 10, kBottom = 30;
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;
  auto x = [&](double year) { return kLeft + (year - c.x_min) / (c.x_max - c.x_min) * pw; };
  auto y = [&](double v) { return kTop + (1 - (v - c.y_min) / (c.y_max - c.y_min)) * ph; };
  out += fmt::format("<figure><figcaption>{}</figcaption>", Escape(c.title));
  out += fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\" role=\"img\" aria-label=\"{2}\" font-size=\"10\">",
      kW, kH, Escape(c.title));
  for (int v = 0; v <= 100; v += 25) {
    out += fmt::format(
        "<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}%</text>",
        kLeft, kLeft + pw, y(v), y(v), kLeft - 4, y(v) + 3, v);
  }
  for (int year = static_cast<int>(c.x_min); year <= c.x_max; ++year) {
    if (!TickLabel(year, c)) continue;
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>", x(year),
                       kTop + ph + 14, year);
  }
  int legend = 0;
  for (const ChartLine& line : c.lines) {
    const char* color = kPalette[line.color % 4];
    std::string points;
    for (auto [px, py] : line.points) points += fmt::format("{:.1f},{:.1f} ", x(px), y(py));
    out += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{} points=\"{}\"/>",
                       color, line.dashed ? " stroke-dasharray=\"6 4\"" : "", points);
    if (line.markers) {
      for (auto [px, py] : line.points) {
        out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"/>", x(px),
                           y(py), color);
      }
    }
    double ly = kTop + 12 + 16 * legend++;
    out += fmt::format(
        "<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
        "stroke-width=\"2\"{}/><text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>",
        kW - kRight + 10, kW - kRight + 30, ly, ly, color,
        line.dashed ? " stroke-dasharray=\"6 4\"" : "", kW - kRight + 34, ly + 3,
        Escape(line.label));
  }
  out += "</svg></figure>\n";
}

void Table(std::string& out, const TableData& t) {
  auto cls = [&](size_t i) { return i < t.numeric.size() && t.numeric[i] ? " class=\"n\"" : ""; };
  out += "<table><thead><tr>";
  for (size_t i = 0; i < t.header.size(); ++i) {
    out += fmt::format("<th{}>{}</th>", cls(i), Escape(t.header[i]));
  }
  out += "</tr></thead><tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      out += fmt::format("<td{}>{}</td>", cls(i), Escape(row[i]));
    }
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";
}

}  // namespace

std::string RenderHtml(const Document& doc) {
  std::string out;
  out.reserve(1 << 16);
  out += fmt::format(
      "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{} — {}</title>\n<style>{}</style>\n</head>\n<body>\n",
      LanguageCode(doc.lang), Escape(doc.title), Escape(doc.subtitle), kStyle);
  out += fmt::format("<header class=\"title\"><h1>{}</h1><p><strong>{}</strong></p>",
                     Escape(doc.title), Escape(doc.subtitle));
  for (const std::string& line : doc.front) out += fmt::format("<p>{}</p>", Escape(line));
  out += "</header>\n";

  out += fmt::format("<nav class=\"toc\"><h2>{}</h2><ol>\n", Escape(Tr(Text::kContents, doc.lang)));
  for (const Block& b : doc.blocks) {
    if (b.kind != BlockKind::kHeading || b.level > 2) continue;
    out += fmt::format("<li class=\"l{}\"><a href=\"#{}\">{}</a></li>\n", b.level, b.anchor,
                       Escape(b.text));
  }
  out += "</ol></nav>\n<main>\n";
  bool pending_break = false;
  for (const Block& b : doc.blocks) {
    switch (b.kind) {
      case BlockKind::kPageBreak:
        pending_break = true;
        continue;
      case BlockKind::kHeading:
        out += fmt::format("<h{0} id=\"{1}\"{2}>{3}</h{0}>\n", b.level, b.anchor,
                           pending_break ? " class=\"pagebreak\"" : "", Escape(b.text));
        break;
      case BlockKind::kParagraph:
        out += fmt::format("<p{}>{}</p>\n", LangAttr(b.lang), TextToHtml(b.text));
        break;
      case BlockKind::kNote:
        out += fmt::format("<p class=\"note\">{}</p>\n", Escape(b.text));
        break;
      case BlockKind::kTable:
        Table(out, b.table);
        break;
      case BlockKind::kChart:
        Chart(out, b.chart);
        break;
    }
    pending_break = false;
  }
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace spcoop::report
