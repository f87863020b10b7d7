// ReadXlsx(): the cells of an XLSX workbook (see xlsx.h), with minizip over memory and libxml2's
// streaming reader.
#include "xlsx.h"

#include <fmt/format.h>
#include <libxml/xmlreader.h>
#include <minizip/unzip.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <utility>

namespace spcoop::ingest {
namespace {

constexpr int kMaxDepth = 32;
constexpr const char* kSaveFix = "fix_save_xlsx";

// ------------------------------------------------------------------ zip over memory

struct Memory {
  const char* data = nullptr;
  uint64_t size = 0;
  uint64_t pos = 0;
};

voidpf ZCALLBACK MemOpen(voidpf opaque, const void*, int) {
  static_cast<Memory*>(opaque)->pos = 0;
  return opaque;
}
uLong ZCALLBACK MemRead(voidpf, voidpf stream, void* buf, uLong size) {
  auto* m = static_cast<Memory*>(stream);
  uint64_t n = std::min<uint64_t>(size, m->size - m->pos);
  std::memcpy(buf, m->data + m->pos, n);
  m->pos += n;
  return static_cast<uLong>(n);
}
uLong ZCALLBACK MemWrite(voidpf, voidpf, const void*, uLong) { return 0; }
ZPOS64_T ZCALLBACK MemTell(voidpf, voidpf stream) { return static_cast<Memory*>(stream)->pos; }
long ZCALLBACK MemSeek(voidpf, voidpf stream, ZPOS64_T offset, int origin) {
  auto* m = static_cast<Memory*>(stream);
  uint64_t base = origin == ZLIB_FILEFUNC_SEEK_SET   ? 0
                  : origin == ZLIB_FILEFUNC_SEEK_CUR ? m->pos
                                                     : m->size;
  if (base > m->size || offset > m->size - base) return -1;
  m->pos = base + offset;
  return 0;
}
int ZCALLBACK MemClose(voidpf, voidpf) { return 0; }
int ZCALLBACK MemError(voidpf, voidpf) { return 0; }

struct UnzCloser {
  void operator()(void* z) const { unzClose(z); }
};

// ------------------------------------------------------------------ XML walking

struct ReaderDeleter {
  void operator()(xmlTextReader* r) const { xmlFreeTextReader(r); }
};

std::string_view Str(const xmlChar* s) {
  return s == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(s));
}

// Calls on_start(reader, local name) for each element, on_end(local name) at its end (also for
// empty elements) and on_text(text) for text. Returns a message code, or "" when it was read.
std::string WalkXml(std::string_view xml,
                    const std::function<void(xmlTextReader*, std::string_view)>& on_start,
                    const std::function<void(std::string_view)>& on_end,
                    const std::function<void(std::string_view)>& on_text) {
  if (xml.size() > static_cast<size_t>(INT_MAX)) return "xlsx_part_too_large";
  std::unique_ptr<xmlTextReader, ReaderDeleter> reader(xmlReaderForMemory(
      xml.data(), static_cast<int>(xml.size()), nullptr, nullptr, XML_PARSE_NONET));
  if (!reader) return "xml_reader_failed";
  xmlTextReaderSetStructuredErrorHandler(
      reader.get(), [](void*, xmlErrorPtr) {}, nullptr);
  xmlTextReader* r = reader.get();
  int ret = 0;
  while ((ret = xmlTextReaderRead(r)) == 1) {
    int type = xmlTextReaderNodeType(r);
    if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY_REFERENCE ||
        type == XML_READER_TYPE_ENTITY) {
      return "xlsx_part_doctype";
    }
    if (xmlTextReaderDepth(r) >= kMaxDepth) {
      return "xlsx_part_too_deep";
    }
    if (type == XML_READER_TYPE_ELEMENT) {
      std::string name(Str(xmlTextReaderConstLocalName(r)));
      bool empty = xmlTextReaderIsEmptyElement(r) == 1;
      on_start(r, name);
      if (empty) on_end(name);
    } else if (type == XML_READER_TYPE_END_ELEMENT) {
      on_end(Str(xmlTextReaderConstLocalName(r)));
    } else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
               type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
      on_text(Str(xmlTextReaderConstValue(r)));
    }
  }
  if (ret < 0) return "xlsx_part_not_xml";
  return "";
}

std::string Attribute(xmlTextReader* r, const char* name) {
  xmlChar* v = xmlTextReaderGetAttribute(r, reinterpret_cast<const xmlChar*>(name));
  std::string out(Str(v));
  xmlFree(v);
  return out;
}

// The r:id attribute (relationships namespace) of the current element.
std::string RelationshipId(xmlTextReader* r) {
  std::string out;
  if (xmlTextReaderHasAttributes(r) != 1) return out;
  while (xmlTextReaderMoveToNextAttribute(r) == 1) {
    if (Str(xmlTextReaderConstLocalName(r)) == "id" &&
        Str(xmlTextReaderConstNamespaceUri(r)).find("relationships") != std::string_view::npos) {
      out = std::string(Str(xmlTextReaderConstValue(r)));
    }
  }
  xmlTextReaderMoveToElement(r);
  return out;
}

// "C12" -> column 2, row 12. False when malformed.
bool ParseCellRef(std::string_view ref, int& column, int64_t& row) {
  size_t i = 0;
  int c = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z') {
    c = c * 26 + (ref[i] - 'A' + 1);
    if (c > 16384) return false;
    ++i;
  }
  if (i == 0 || i == ref.size()) return false;
  int64_t r = 0;
  for (; i < ref.size(); ++i) {
    if (ref[i] < '0' || ref[i] > '9') return false;
    r = r * 10 + (ref[i] - '0');
    if (r > 1048576) return false;
  }
  if (r == 0) return false;
  column = c - 1;
  row = r;
  return true;
}

bool IsDateFormatId(int id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
         (id >= 50 && id <= 58);
}

// A custom number format shows a date or time when, outside quotes, brackets and escapes, it has
// d, m, y, h or s.
bool IsDateFormatCode(std::string_view code) {
  bool quoted = false;
  int bracket = 0;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\\' || c == '_' || c == '*') {
      ++i;
      continue;
    }
    if (c == '[') ++bracket;
    if (c == ']' && bracket > 0) --bracket;
    if (bracket > 0) continue;
    char l = static_cast<char>(c | 0x20);
    if (l == 'd' || l == 'm' || l == 'y' || l == 'h' || l == 's') {
      // "General" has none of these letters except 'e', 'n', 'r', 'a', 'l', 'g'.
      return true;
    }
  }
  return false;
}

class Workbook {
 public:
  explicit Workbook(std::string_view data) {
    memory_.data = data.data();
    memory_.size = data.size();
  }

  std::optional<XlsxProblem> Read(std::vector<XlsxSheet>& sheets);

 private:
  // The inflated bytes of one part; nullopt with problem_ set when it is missing or too large.
  std::optional<std::string> Part(const std::string& name, bool required);
  std::optional<XlsxProblem> Fail(std::string where, std::string code, std::string fix_code,
                                  MessageArgs args = {}) {
    return XlsxProblem{std::move(where), std::move(code), std::move(fix_code), std::move(args)};
  }
  std::optional<XlsxProblem> ReadSheet(const std::string& part, XlsxSheet& sheet);

  Memory memory_;
  std::unique_ptr<void, UnzCloser> zip_;
  std::optional<XlsxProblem> problem_;
  std::vector<std::string> shared_;
  std::vector<bool> date_style_;
  size_t cells_ = 0;
};

std::optional<std::string> Workbook::Part(const std::string& name, bool required) {
  if (unzLocateFile(zip_.get(), name.c_str(), 1) != UNZ_OK) {
    if (required) {
      problem_ = XlsxProblem{"", "xlsx_missing_part", kSaveFix, {{"part", name}}};
    }
    return std::nullopt;
  }
  unz_file_info64 info{};
  if (unzGetCurrentFileInfo64(zip_.get(), &info, nullptr, 0, nullptr, 0, nullptr, 0) != UNZ_OK ||
      unzOpenCurrentFile(zip_.get()) != UNZ_OK) {
    problem_ = XlsxProblem{name, "xlsx_part_unreadable", kSaveFix, {}};
    return std::nullopt;
  }
  if (info.uncompressed_size > kMaxXlsxEntryBytes) {
    unzCloseCurrentFile(zip_.get());
    problem_ = XlsxProblem{name,
                           "xlsx_part_too_big",
                           "fix_xlsx_split",
                           {{"limit", std::to_string(kMaxXlsxEntryBytes >> 20)}}};
    return std::nullopt;
  }
  std::string out;
  out.reserve(static_cast<size_t>(info.uncompressed_size));
  char buffer[65536];
  int n = 0;
  while ((n = unzReadCurrentFile(zip_.get(), buffer, sizeof buffer)) > 0) {
    if (out.size() + static_cast<size_t>(n) > kMaxXlsxEntryBytes) {
      unzCloseCurrentFile(zip_.get());
      problem_ = XlsxProblem{name,
                             "xlsx_part_too_big",
                             "fix_xlsx_split",
                             {{"limit", std::to_string(kMaxXlsxEntryBytes >> 20)}}};
      return std::nullopt;
    }
    out.append(buffer, static_cast<size_t>(n));
  }
  if (n < 0 || unzCloseCurrentFile(zip_.get()) != UNZ_OK) {
    problem_ = XlsxProblem{name, "xlsx_part_damaged", kSaveFix, {}};
    return std::nullopt;
  }
  return out;
}

std::optional<XlsxProblem> Workbook::Read(std::vector<XlsxSheet>& sheets) {
  if (memory_.size > kMaxXlsxBytes) {
    return Fail("", "xlsx_too_large", "fix_xlsx_split",
                {{"size", std::to_string(memory_.size >> 20)},
                 {"limit", std::to_string(kMaxXlsxBytes >> 20)}});
  }
  xmlInitParser();
  zlib_filefunc64_def io{MemOpen, MemRead,  MemWrite, MemTell,
                         MemSeek, MemClose, MemError, &memory_};
  zip_.reset(unzOpen2_64("workbook.xlsx", &io));
  if (!zip_) {
    return Fail("", "xlsx_not_zip", kSaveFix);
  }
  unz_global_info64 global{};
  if (unzGetGlobalInfo64(zip_.get(), &global) != UNZ_OK || global.number_entry > kMaxXlsxEntries) {
    return Fail("", "xlsx_too_many_parts", kSaveFix, {{"count", std::to_string(kMaxXlsxEntries)}});
  }

  // Sheets in workbook order, and where their parts are.
  std::vector<std::pair<std::string, std::string>> order;  // name, relationship id
  {
    auto xml = Part("xl/workbook.xml", true);
    if (!xml) return problem_;
    std::string err = WalkXml(
        *xml,
        [&](xmlTextReader* r, std::string_view name) {
          if (name == "sheet") order.emplace_back(Attribute(r, "name"), RelationshipId(r));
        },
        [](std::string_view) {}, [](std::string_view) {});
    if (!err.empty()) return Fail("xl/workbook.xml", err, kSaveFix);
  }
  if (order.empty()) return Fail("xl/workbook.xml", "xlsx_no_sheets", kSaveFix);
  std::map<std::string, std::string> targets;
  {
    auto xml = Part("xl/_rels/workbook.xml.rels", true);
    if (!xml) return problem_;
    std::string err = WalkXml(
        *xml,
        [&](xmlTextReader* r, std::string_view name) {
          if (name == "Relationship") targets[Attribute(r, "Id")] = Attribute(r, "Target");
        },
        [](std::string_view) {}, [](std::string_view) {});
    if (!err.empty()) return Fail("xl/_rels/workbook.xml.rels", err, kSaveFix);
  }

  // Shared strings: the text of each <si>, without phonetic runs (<rPh>).
  if (auto xml = Part("xl/sharedStrings.xml", false)) {
    bool in_t = false;
    int in_phonetic = 0;
    std::string err = WalkXml(
        *xml,
        [&](xmlTextReader*, std::string_view name) {
          if (name == "si") {
            if (shared_.size() >= kMaxXlsxCells) return;
            shared_.emplace_back();
          }
          if (name == "rPh") ++in_phonetic;
          if (name == "t") in_t = true;
        },
        [&](std::string_view name) {
          if (name == "t") in_t = false;
          if (name == "rPh" && in_phonetic > 0) --in_phonetic;
        },
        [&](std::string_view text) {
          if (in_t && in_phonetic == 0 && !shared_.empty()) shared_.back() += text;
        });
    if (!err.empty()) return Fail("xl/sharedStrings.xml", err, kSaveFix);
  } else if (problem_) {
    return problem_;
  }

  // Which cell styles (cellXfs entries) show numbers as dates.
  if (auto xml = Part("xl/styles.xml", false)) {
    std::map<int, bool> custom;  // numFmtId -> is a date
    bool in_xfs = false;
    std::string err = WalkXml(
        *xml,
        [&](xmlTextReader* r, std::string_view name) {
          if (name == "numFmt") {
            custom[std::atoi(Attribute(r, "numFmtId").c_str())] =
                IsDateFormatCode(Attribute(r, "formatCode"));
          } else if (name == "cellXfs") {
            in_xfs = true;
          } else if (name == "xf" && in_xfs) {
            int id = std::atoi(Attribute(r, "numFmtId").c_str());
            auto it = custom.find(id);
            date_style_.push_back(it != custom.end() ? it->second : IsDateFormatId(id));
          }
        },
        [&](std::string_view name) {
          if (name == "cellXfs") in_xfs = false;
        },
        [](std::string_view) {});
    if (!err.empty()) return Fail("xl/styles.xml", err, kSaveFix);
  } else if (problem_) {
    return problem_;
  }

  for (const auto& [name, rid] : order) {
    auto target = targets.find(rid);
    if (target == targets.end()) {
      return Fail("xl/workbook.xml", "xlsx_sheet_no_part", kSaveFix, {{"sheet", name}});
    }
    std::string part = target->second;
    part = part.starts_with('/') ? part.substr(1) : "xl/" + part;
    XlsxSheet& sheet = sheets.emplace_back();
    sheet.name = name;
    if (auto p = ReadSheet(part, sheet)) return p;
  }
  return std::nullopt;
}

std::optional<XlsxProblem> Workbook::ReadSheet(const std::string& part, XlsxSheet& sheet) {
  auto xml = Part(part, true);
  if (!xml) return problem_;
  int64_t row_number = 0;
  int next_column = 0;
  XlsxCell* cell = nullptr;
  std::string type;
  int style = -1;
  bool in_v = false, in_inline = false, in_t = false, in_data = false;
  std::string value;
  std::optional<XlsxProblem> problem;
  std::string err = WalkXml(
      *xml,
      [&](xmlTextReader* r, std::string_view name) {
        if (problem) return;
        if (name == "sheetData") {
          in_data = true;
        } else if (name == "row" && in_data) {
          std::string rn = Attribute(r, "r");
          int64_t n = rn.empty() ? row_number + 1 : std::atoll(rn.c_str());
          if (n <= row_number || n > 1048576) {
            problem = XlsxProblem{part, "xlsx_row_order", kSaveFix, {{"row", rn}}};
            return;
          }
          row_number = n;
          next_column = 0;
          cell = nullptr;
          sheet.rows.push_back({row_number, {}});
        } else if (name == "c" && in_data && !sheet.rows.empty()) {
          if (++cells_ > kMaxXlsxCells) {
            problem = XlsxProblem{"",
                                  "xlsx_too_many_cells",
                                  "fix_xlsx_split",
                                  {{"count", std::to_string(kMaxXlsxCells)}}};
            return;
          }
          std::string ref = Attribute(r, "r");
          int column = next_column;
          int64_t row = row_number;
          if (!ref.empty() && (!ParseCellRef(ref, column, row) || row != row_number)) {
            problem = XlsxProblem{part,
                                  "xlsx_cell_ref",
                                  kSaveFix,
                                  {{"ref", ref}, {"row", std::to_string(row_number)}}};
            return;
          }
          next_column = column + 1;
          type = Attribute(r, "t");
          std::string s = Attribute(r, "s");
          style = s.empty() ? -1 : std::atoi(s.c_str());
          cell = &sheet.rows.back().cells.emplace_back();
          cell->column = column;
          value.clear();
        } else if (cell != nullptr && name == "f") {
          cell->formula = true;
        } else if (cell != nullptr && name == "v") {
          in_v = true;
        } else if (cell != nullptr && name == "is") {
          in_inline = true;
        } else if (cell != nullptr && in_inline && name == "t") {
          in_t = true;
        } else if (name == "mergeCell") {
          if (sheet.merged.size() < 1000) sheet.merged.push_back(Attribute(r, "ref"));
        }
      },
      [&](std::string_view name) {
        if (problem) return;
        if (name == "sheetData") in_data = false;
        if (name == "v") in_v = false;
        if (name == "t") in_t = false;
        if (name == "is") in_inline = false;
        if (name == "c" && cell != nullptr) {
          if (type == "s") {
            char* end = nullptr;
            unsigned long index = std::strtoul(value.c_str(), &end, 10);
            if (value.empty() || *end != '\0' || index >= shared_.size()) {
              problem = XlsxProblem{part,
                                    "xlsx_shared_string",
                                    kSaveFix,
                                    {{"index", value}, {"count", std::to_string(shared_.size())}}};
              return;
            }
            cell->text = shared_[index];
          } else if (type == "b") {
            cell->text = value == "1" ? "TRUE" : "FALSE";
          } else {
            cell->text = std::move(value);
            const bool number = type.empty() || type == "n";
            cell->date = number && !cell->text.empty() && style >= 0 &&
                         static_cast<size_t>(style) < date_style_.size() && date_style_[style];
          }
          value.clear();
          cell = nullptr;
        }
      },
      [&](std::string_view text) {
        if (cell != nullptr && (in_v || in_t) && value.size() < 32768) value += text;
      });
  if (problem) return problem;
  if (!err.empty()) return Fail(part, err, kSaveFix);
  // Keep only rows with a cell; cells in column order.
  std::erase_if(sheet.rows, [](const XlsxRow& r) { return r.cells.empty(); });
  for (XlsxRow& r : sheet.rows) {
    std::stable_sort(r.cells.begin(), r.cells.end(),
                     [](const XlsxCell& a, const XlsxCell& b) { return a.column < b.column; });
  }
  return std::nullopt;
}

}  // namespace

std::string ColumnName(int column) {
  std::string out;
  for (int c = column + 1; c > 0; c = (c - 1) / 26) {
    out.insert(out.begin(), static_cast<char>('A' + (c - 1) % 26));
  }
  return out;
}

bool LooksLikeZip(std::string_view data) {
  return data.starts_with(std::string_view("PK\x03\x04", 4));
}

std::optional<XlsxProblem> ReadXlsx(std::string_view data, std::vector<XlsxSheet>& sheets) {
  Workbook workbook(data);
  return workbook.Read(sheets);
}

}  // namespace spcoop::ingest
