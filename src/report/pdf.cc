// The PDF renderer: Cairo's PDF surface with text laid out by Pango.
//
// The document is laid out twice with the same code. The first pass draws nothing and records
// the page of every heading and the number of pages; the second draws, so the table of contents
// and the "page n of m" footers carry the right numbers. Entries of the table of contents are
// ellipsized to one line, so both passes paginate identically.
//
// Every glyph is set in Noto Sans CJK (fonts-noto-cjk), which covers Latin, Cyrillic and Chinese;
// Cairo embeds the subset of each font it uses, and text stays extractable (Pango gives Cairo the
// text with its glyphs).
#include <cairo-pdf.h>
#include <cairo.h>
#include <fmt/format.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "document.h"
#include "spcoop/core/codes.h"
#include "texts.h"

namespace spcoop::report {
namespace {

// A4 in points, and the text area.
constexpr double kPageWidth = 595.2756;
constexpr double kPageHeight = 841.8898;
constexpr double kLeft = 54, kRight = 54, kTop = 66, kBottom = 66;
constexpr double kTextWidth = kPageWidth - kLeft - kRight;
constexpr double kTextBottom = kPageHeight - kBottom;

constexpr const char* kFamily = "Noto Sans CJK SC";

struct Rgb {
  double r, g, b;
};
constexpr Rgb kInk{0.13, 0.13, 0.13}, kGrey{0.38, 0.38, 0.38}, kBlue{0.12, 0.37, 0.66},
    kRule{0.8, 0.8, 0.8}, kHeaderFill{0.93, 0.95, 0.98};
constexpr Rgb kPalette[] = {
    {0.12, 0.37, 0.66}, {0.75, 0.22, 0.17}, {0.18, 0.55, 0.34}, {0.56, 0.27, 0.68}};

double Pt(int pango_units) { return static_cast<double>(pango_units) / PANGO_SCALE; }

struct FontDeleter {
  void operator()(PangoFontDescription* f) const { pango_font_description_free(f); }
};
using Font = std::unique_ptr<PangoFontDescription, FontDeleter>;
Font MakeFont(double size, bool bold) {
  Font f(pango_font_description_from_string(kFamily));
  pango_font_description_set_size(f.get(), static_cast<int>(size * PANGO_SCALE));
  pango_font_description_set_weight(f.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  return f;
}

struct LayoutDeleter {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
using Layout = std::unique_ptr<PangoLayout, LayoutDeleter>;

// Pango language tags: "zh" must be "zh-cn" to pick the Simplified Chinese glyph forms.
const char* PangoLanguageTag(std::string_view lang) {
  if (lang == "zh") return "zh-cn";
  if (lang == "ru") return "ru";
  if (lang == "fr") return "fr";
  return "en";
}

class Writer {
 public:
  Writer(cairo_surface_t* surface, cairo_t* cr, const Document& doc, bool draw)
      : surface_(surface),
        cr_(cr),
        doc_(doc),
        draw_(draw),
        body_(MakeFont(9.5, false)),
        bold_(MakeFont(9.5, true)),
        small_(MakeFont(8, false)),
        table_(MakeFont(7.5, false)),
        table_bold_(MakeFont(7.5, true)),
        h1_(MakeFont(15, true)),
        h2_(MakeFont(12, true)),
        h3_(MakeFont(10, true)),
        title_(MakeFont(22, true)),
        subtitle_(MakeFont(14, false)) {
    doc_lang_ = LanguageCode(doc.lang);
  }

  // Set by the caller before the drawing pass.
  std::vector<int> heading_pages;  // per block; 0 for blocks that are not headings
  int total_pages = 0;

  void Run() {
    heading_pages.resize(doc_.blocks.size(), 0);
    StartPage();
    TitleAndContents();
    NewPage();
    bool pending_break = false;
    for (size_t i = 0; i < doc_.blocks.size(); ++i) {
      const Block& b = doc_.blocks[i];
      if (b.kind == BlockKind::kPageBreak) {
        pending_break = true;
        continue;
      }
      if (pending_break && y_ > kTop + 0.5) NewPage();
      pending_break = false;
      switch (b.kind) {
        case BlockKind::kHeading:
          Heading(i, b);
          break;
        case BlockKind::kParagraph:
          Paragraph(b.text, body_.get(), kInk, b.lang, 6);
          break;
        case BlockKind::kNote:
          Paragraph(b.text, small_.get(), kGrey, {}, 4);
          break;
        case BlockKind::kTable:
          Table(b.table);
          break;
        case BlockKind::kChart:
          Chart(b.chart);
          break;
        case BlockKind::kPageBreak:
          break;
      }
    }
    EndPage();
  }

  int pages() const { return page_; }

 private:
  // A layout with the text, font, width (<= 0: no wrapping) and alignment.
  Layout Make(std::string_view text, const PangoFontDescription* font, double width,
              PangoAlignment align = PANGO_ALIGN_LEFT, std::string_view lang = {}) {
    Layout l(pango_cairo_create_layout(cr_));
    Set(l.get(), text, font, width, align, lang);
    return l;
  }
  void Set(PangoLayout* l, std::string_view text, const PangoFontDescription* font, double width,
           PangoAlignment align, std::string_view lang) {
    pango_layout_set_font_description(l, font);
    if (width > 0) {
      pango_layout_set_width(l, static_cast<int>(width * PANGO_SCALE));
      pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    } else {
      pango_layout_set_width(l, -1);
    }
    pango_layout_set_alignment(l, align);
    PangoAttrList* attrs = pango_attr_list_new();
    pango_attr_list_insert(attrs, pango_attr_language_new(pango_language_from_string(
                                      PangoLanguageTag(lang.empty() ? doc_lang_ : lang))));
    pango_layout_set_attributes(l, attrs);
    pango_attr_list_unref(attrs);
    pango_layout_set_text(l, text.data(), static_cast<int>(text.size()));
  }
  double Height(PangoLayout* l) {
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    return Pt(h);
  }
  void Color(Rgb c) { cairo_set_source_rgb(cr_, c.r, c.g, c.b); }
  void Show(PangoLayout* l, double x, double y, Rgb c) {
    if (!draw_) return;
    Color(c);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, l);
  }

  void StartPage() {
    ++page_;
    y_ = kTop;
    if (!draw_) return;
    if (page_ > 1) {
      auto running = Make(doc_.running, small_.get(), kTextWidth, PANGO_ALIGN_LEFT);
      pango_layout_set_ellipsize(running.get(), PANGO_ELLIPSIZE_END);
      Show(running.get(), kLeft, 34, kGrey);
      Color(kRule);
      cairo_set_line_width(cr_, 0.5);
      cairo_move_to(cr_, kLeft, 48);
      cairo_line_to(cr_, kPageWidth - kRight, 48);
      cairo_stroke(cr_);
    }
    std::string footer =
        fmt::format(fmt::runtime(Tr(Text::kPageOf, doc_.lang)), page_, total_pages);
    auto f = Make(footer, small_.get(), kTextWidth, PANGO_ALIGN_CENTER);
    Show(f.get(), kLeft, kPageHeight - 42, kGrey);
  }
  void EndPage() {
    if (draw_) cairo_show_page(cr_);
  }
  void NewPage() {
    EndPage();
    StartPage();
  }
  void EnsureSpace(double h) {
    if (y_ + h > kTextBottom && y_ > kTop + 0.5) NewPage();
  }

  // Draws a layout line by line, breaking pages between lines.
  void Lines(PangoLayout* l, double x, Rgb c) {
    PangoLayoutIter* it = pango_layout_get_iter(l);
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      double h = Pt(logical.height);
      EnsureSpace(h);
      if (draw_) {
        Color(c);
        cairo_move_to(cr_, x + Pt(logical.x),
                      y_ + Pt(pango_layout_iter_get_baseline(it) - logical.y));
        pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it));
      }
      y_ += h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
  }

  void Paragraph(const std::string& text, const PangoFontDescription* font, Rgb c,
                 std::string_view lang, double after) {
    auto l = Make(text, font, kTextWidth, PANGO_ALIGN_LEFT, lang);
    Lines(l.get(), kLeft, c);
    y_ += after;
  }

  void TitleAndContents() {
    y_ = kTop + 40;
    auto title = Make(doc_.title, title_.get(), kTextWidth);
    Lines(title.get(), kLeft, kBlue);
    y_ += 6;
    auto sub = Make(doc_.subtitle, subtitle_.get(), kTextWidth);
    Lines(sub.get(), kLeft, kInk);
    y_ += 8;
    for (const std::string& line : doc_.front) Paragraph(line, body_.get(), kGrey, {}, 2);
    y_ += 24;
    auto contents = Make(Tr(Text::kContents, doc_.lang), h1_.get(), kTextWidth);
    Lines(contents.get(), kLeft, kBlue);
    y_ += 6;
    Layout entry(pango_cairo_create_layout(cr_));
    Layout number(pango_cairo_create_layout(cr_));
    for (size_t i = 0; i < doc_.blocks.size(); ++i) {
      const Block& b = doc_.blocks[i];
      if (b.kind != BlockKind::kHeading || b.level > 2) continue;
      double indent = b.level == 1 ? 0 : 16;
      const PangoFontDescription* font = b.level == 1 ? bold_.get() : body_.get();
      Set(entry.get(), b.text, font, kTextWidth - indent - 40, PANGO_ALIGN_LEFT, {});
      pango_layout_set_ellipsize(entry.get(), PANGO_ELLIPSIZE_END);
      Set(number.get(), std::to_string(i < heading_pages.size() ? heading_pages[i] : 0), font, 40,
          PANGO_ALIGN_RIGHT, {});
      double h = Height(entry.get()) + (b.level == 1 ? 3 : 1);
      EnsureSpace(h);
      if (draw_) {
        std::string link = fmt::format("dest='{}'", b.anchor);
        cairo_tag_begin(cr_, CAIRO_TAG_LINK, link.c_str());
        Show(entry.get(), kLeft + indent, y_, kInk);
        Show(number.get(), kPageWidth - kRight - 40, y_, kInk);
        cairo_tag_end(cr_, CAIRO_TAG_LINK);
      }
      y_ += h;
    }
  }

  void Heading(size_t index, const Block& b) {
    const PangoFontDescription* font = b.level == 1   ? h1_.get()
                                       : b.level == 2 ? h2_.get()
                                                      : h3_.get();
    double before = b.level == 1 ? 16 : b.level == 2 ? 10 : 4;
    auto l = Make(b.text, font, kTextWidth);
    double h = Height(l.get());
    if (y_ > kTop + 0.5) y_ += before;
    EnsureSpace(h + 48);  // keep with the next lines
    heading_pages[index] = page_;
    if (draw_) {
      std::string dest = fmt::format("name='{}'", b.anchor);
      cairo_tag_begin(cr_, CAIRO_TAG_DEST, dest.c_str());
      Show(l.get(), kLeft, y_, b.level == 3 ? kInk : kBlue);
      cairo_tag_end(cr_, CAIRO_TAG_DEST);
      if (b.level <= 2) {
        std::string target = fmt::format("dest='{}'", b.anchor);
        int parent = b.level == 1 ? CAIRO_PDF_OUTLINE_ROOT : outline_parent_;
        int id = cairo_pdf_surface_add_outline(surface_, parent, b.text.c_str(), target.c_str(),
                                               static_cast<cairo_pdf_outline_flags_t>(0));
        if (b.level == 1) outline_parent_ = id;
      }
    }
    y_ += h;
    if (b.level == 1) {
      if (draw_) {
        Color(kBlue);
        cairo_set_line_width(cr_, 0.8);
        cairo_move_to(cr_, kLeft, y_ + 2);
        cairo_line_to(cr_, kPageWidth - kRight, y_ + 2);
        cairo_stroke(cr_);
      }
      y_ += 8;
    } else {
      y_ += 4;
    }
  }

  void Table(const TableData& t) {
    const size_t n = t.header.size();
    if (n == 0) return;
    double total = 0;
    for (size_t i = 0; i < n; ++i) total += i < t.widths.size() ? t.widths[i] : 1.0;
    std::vector<double> x(n + 1, kLeft);
    for (size_t i = 0; i < n; ++i) {
      x[i + 1] = x[i] + kTextWidth * (i < t.widths.size() ? t.widths[i] : 1.0) / total;
    }
    constexpr double kPad = 3;
    std::vector<Layout> cells;
    for (size_t i = 0; i < n; ++i) cells.emplace_back(pango_cairo_create_layout(cr_));
    auto align = [&](size_t i) {
      return i < t.numeric.size() && t.numeric[i] ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
    };
    // Lays out one row in `cells` and returns its height. Numbers in body rows are never
    // wrapped: they are set on one line and right-aligned by hand.
    std::vector<double> offset(n, 0);
    auto lay = [&](const std::vector<std::string>& row, const PangoFontDescription* font,
                   bool header_row) {
      double h = 0;
      for (size_t i = 0; i < n; ++i) {
        const double width = x[i + 1] - x[i] - 2 * kPad;
        const bool number = !header_row && align(i) == PANGO_ALIGN_RIGHT;
        Set(cells[i].get(), i < row.size() ? row[i] : std::string(), font, number ? -1 : width,
            align(i), {});
        offset[i] = 0;
        if (number) {
          int w = 0, ignored = 0;
          pango_layout_get_size(cells[i].get(), &w, &ignored);
          offset[i] = width - Pt(w);
        }
        h = std::max(h, Height(cells[i].get()));
      }
      return h + 2 * kPad;
    };
    auto draw_row = [&](double h, bool header) {
      if (draw_) {
        if (header) {
          Color(kHeaderFill);
          cairo_rectangle(cr_, kLeft, y_, kTextWidth, h);
          cairo_fill(cr_);
        }
        for (size_t i = 0; i < n; ++i) {
          Show(cells[i].get(), x[i] + kPad + offset[i], y_ + kPad, kInk);
        }
        Color(kRule);
        cairo_set_line_width(cr_, 0.4);
        cairo_move_to(cr_, kLeft, y_ + h);
        cairo_line_to(cr_, kPageWidth - kRight, y_ + h);
        cairo_stroke(cr_);
      }
      y_ += h;
    };
    auto header = [&] {
      double h = lay(t.header, table_bold_.get(), true);
      draw_row(h, true);
    };
    double header_h = lay(t.header, table_bold_.get(), true);
    EnsureSpace(header_h + 16);
    draw_row(header_h, true);
    for (const auto& row : t.rows) {
      double h = lay(row, table_.get(), false);
      if (y_ + h > kTextBottom) {
        NewPage();
        header();
        lay(row, table_.get(), false);
      }
      draw_row(h, false);
    }
    y_ += 10;
  }

  void Chart(const ChartData& c) {
    constexpr double kHeight = 170, kLegend = 110, kAxis = 30;
    auto title = Make(c.title, bold_.get(), kTextWidth);
    double title_h = Height(title.get());
    EnsureSpace(title_h + kHeight + 18);
    Show(title.get(), kLeft, y_, kInk);
    y_ += title_h + 6;
    const double left = kLeft + kAxis, top = y_ + 4;
    const double width = kTextWidth - kAxis - kLegend, height = kHeight - 24;
    auto px = [&](double year) { return left + (year - c.x_min) / (c.x_max - c.x_min) * width; };
    auto py = [&](double v) { return top + (1 - (v - c.y_min) / (c.y_max - c.y_min)) * height; };
    if (draw_) {
      cairo_save(cr_);
      cairo_set_line_width(cr_, 0.4);
      for (int v = 0; v <= 100; v += 25) {
        Color(kRule);
        cairo_move_to(cr_, left, py(v));
        cairo_line_to(cr_, left + width, py(v));
        cairo_stroke(cr_);
        auto label = Make(fmt::format("{}%", v), small_.get(), -1);
        int w = 0, h = 0;
        pango_layout_get_size(label.get(), &w, &h);
        Show(label.get(), left - 4 - Pt(w), py(v) - Pt(h) / 2, kGrey);
      }
      for (int year = static_cast<int>(c.x_min); year <= c.x_max; ++year) {
        if (!TickLabel(year, c)) continue;
        auto label = Make(std::to_string(year), small_.get(), 40, PANGO_ALIGN_CENTER);
        Show(label.get(), px(year) - 20, top + height + 3, kGrey);
      }
      int legend = 0;
      for (const ChartLine& line : c.lines) {
        Rgb color = kPalette[line.color % 4];
        Color(color);
        cairo_set_line_width(cr_, 1.6);
        double dash[] = {5, 3};
        cairo_set_dash(cr_, dash, line.dashed ? 2 : 0, 0);
        for (size_t i = 0; i < line.points.size(); ++i) {
          auto [xv, yv] = line.points[i];
          if (i == 0) {
            cairo_move_to(cr_, px(xv), py(yv));
          } else {
            cairo_line_to(cr_, px(xv), py(yv));
          }
        }
        cairo_stroke(cr_);
        if (line.markers) {
          for (auto [xv, yv] : line.points) {
            cairo_arc(cr_, px(xv), py(yv), 2.6, 0, 2 * M_PI);
            cairo_fill(cr_);
          }
        }
        double ly = top + 8 + 16 * legend++;
        double lx = left + width + 12;
        cairo_move_to(cr_, lx, ly);
        cairo_line_to(cr_, lx + 18, ly);
        cairo_stroke(cr_);
        cairo_set_dash(cr_, nullptr, 0, 0);
        auto label = Make(line.label, small_.get(), kLegend - 32);
        Show(label.get(), lx + 22, ly - 6, kInk);
      }
      cairo_restore(cr_);
    }
    y_ += kHeight + 12;
  }

  cairo_surface_t* surface_;
  cairo_t* cr_;
  const Document& doc_;
  const bool draw_;
  std::string_view doc_lang_;
  Font body_, bold_, small_, table_, table_bold_, h1_, h2_, h3_, title_, subtitle_;
  int page_ = 0;
  double y_ = kTop;
  int outline_parent_ = CAIRO_PDF_OUTLINE_ROOT;
};

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<std::string> RenderPdf(const Document& doc) {
  std::string out;
  cairo_surface_t* surface =
      cairo_pdf_surface_create_for_stream(Append, &out, kPageWidth, kPageHeight);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
                                 fmt::format("{} — {}", doc.title, doc.subtitle).c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "spcoop");
  cairo_t* cr = cairo_create(surface);

  Writer measure(surface, cr, doc, /*draw=*/false);
  measure.Run();
  Writer writer(surface, cr, doc, /*draw=*/true);
  writer.heading_pages = measure.heading_pages;
  writer.total_pages = measure.pages();
  writer.Run();

  cairo_status_t status = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return Err(Status::Internal(
        fmt::format("Cairo could not write the PDF: {}", cairo_status_to_string(status))));
  }
  return out;
}

}  // namespace spcoop::report
