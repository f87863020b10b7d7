// ReadSdmxMl(): SDMX-ML 2.1 data messages into rows of component values (see sdmx_ml.h), with
// libxml2's streaming xmlTextReader.
#include "sdmx_ml.h"

#include <fmt/format.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include <climits>
#include <memory>
#include <unordered_map>
#include <utility>

namespace spcoop::ingest {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

std::string_view Str(const xmlChar* s) {
  return s == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(s));
}

struct ReaderDeleter {
  void operator()(xmlTextReader* r) const { xmlFreeTextReader(r); }
};

class Reader {
 public:
  Reader(std::string_view data, SdmxTable& table) : data_(data), table_(table) {}

  std::optional<SdmxProblem> Run();

 private:
  void Start(std::string_view name, bool empty);
  void End(std::string_view name);
  void Fail(std::string code, std::string fix_code, MessageArgs args = {}) {
    if (!problem_) {
      problem_ = SdmxProblem{Line(), std::move(code), std::move(fix_code), std::move(args)};
    }
  }
  int64_t Line() const {
    xmlNodePtr node = xmlTextReaderCurrentNode(reader_.get());
    long line = node != nullptr ? xmlGetLineNo(node) : -1;
    if (line <= 0) line = xmlTextReaderGetParserLineNumber(reader_.get());
    return line > 0 ? line : 1;
  }
  std::string Attribute(const char* name) {
    xmlChar* v = xmlTextReaderGetAttribute(reader_.get(), reinterpret_cast<const xmlChar*>(name));
    std::string out(Str(v));
    xmlFree(v);
    return out;
  }
  // The unprefixed attributes of the current element (StructureSpecificData components).
  void UnprefixedAttributes(Pairs& into);
  void Set(Pairs& into, std::string id, std::string value);
  void EmitRow();
  std::string_view Parent(size_t up) const {
    return stack_.size() > up ? std::string_view(stack_[stack_.size() - 1 - up])
                              : std::string_view();
  }

  std::string_view data_;
  SdmxTable& table_;
  std::unique_ptr<xmlTextReader, ReaderDeleter> reader_;
  std::optional<SdmxProblem> problem_;
  std::vector<std::string> stack_;  // local names of the open elements
  std::unordered_map<std::string, size_t> index_;
  bool generic_ = true;
  bool error_message_ = false;
  std::string error_text_;
  std::string dim_at_obs_ = "TIME_PERIOD";
  Pairs dataset_, series_, obs_;
  bool in_series_ = false;
  int64_t obs_line_ = 0;
  int64_t ordinal_ = 0;
};

void StructuredError(void* user, xmlErrorPtr error) {
  auto* problem = static_cast<std::optional<SdmxProblem>*>(user);
  if (error == nullptr || problem->has_value() || error->level < XML_ERR_ERROR) return;
  std::string message(error->message != nullptr ? error->message : "malformed XML");
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  *problem = SdmxProblem{error->line > 0 ? error->line : 1, "xml_not_well_formed_detail",
                         "fix_xml_check", MessageArgs{{"detail", message}}};
}

std::optional<SdmxProblem> Reader::Run() {
  if (data_.size() > static_cast<size_t>(INT_MAX)) {
    return SdmxProblem{1, "xml_too_large", "fix_xml_split", {}};
  }
  xmlInitParser();
  // No XML_PARSE_NOENT (entities stay unexpanded), no DTD loading, no network.
  reader_.reset(xmlReaderForMemory(data_.data(), static_cast<int>(data_.size()), nullptr, nullptr,
                                   XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR));
  if (!reader_) return SdmxProblem{1, "xml_reader_failed", "fix_try_again", {}};
  std::optional<SdmxProblem> xml_error;
  xmlTextReaderSetStructuredErrorHandler(reader_.get(), StructuredError, &xml_error);

  int ret = 0;
  while (!problem_ && (ret = xmlTextReaderRead(reader_.get())) == 1) {
    const int type = xmlTextReaderNodeType(reader_.get());
    if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
      Fail("xml_doctype", "fix_xml_doctype");
      break;
    }
    if (type == XML_READER_TYPE_ENTITY_REFERENCE || type == XML_READER_TYPE_ENTITY) {
      Fail("xml_entity", "fix_xml_entity");
      break;
    }
    if (xmlTextReaderDepth(reader_.get()) >= kMaxXmlDepth) {
      Fail("xml_too_deep", "fix_sdmx_message", {{"depth", std::to_string(kMaxXmlDepth)}});
      break;
    }
    if (type == XML_READER_TYPE_ELEMENT) {
      std::string_view name = Str(xmlTextReaderConstLocalName(reader_.get()));
      const bool empty = xmlTextReaderIsEmptyElement(reader_.get()) == 1;
      stack_.emplace_back(name);
      Start(stack_.back(), empty);
      if (empty && !problem_) {
        End(stack_.back());
        stack_.pop_back();
      }
    } else if (type == XML_READER_TYPE_END_ELEMENT) {
      if (!stack_.empty()) {
        End(stack_.back());
        stack_.pop_back();
      }
    } else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) && error_message_) {
      if (error_text_.size() < 1000) {
        if (!error_text_.empty()) error_text_ += ' ';
        error_text_ += Str(xmlTextReaderConstValue(reader_.get()));
      }
    }
  }
  if (problem_) return problem_;
  if (xml_error) return xml_error;
  if (ret < 0) {
    return SdmxProblem{Line(), "xml_not_well_formed", "fix_xml_check", {}};
  }
  if (error_message_) {
    return SdmxProblem{
        1, "sdmx_error_message", "fix_sdmx_error_message",
        MessageArgs{{"text", error_text_.empty() ? std::string("-") : error_text_.substr(0, 200)}}};
  }
  return std::nullopt;
}

void Reader::UnprefixedAttributes(Pairs& into) {
  xmlTextReader* r = reader_.get();
  if (xmlTextReaderHasAttributes(r) != 1) return;
  while (!problem_ && xmlTextReaderMoveToNextAttribute(r) == 1) {
    if (xmlTextReaderIsNamespaceDecl(r) == 1) continue;
    if (xmlTextReaderConstPrefix(r) != nullptr) continue;  // xsi:type, ss:structureRef, ...
    Set(into, std::string(Str(xmlTextReaderConstLocalName(r))),
        std::string(Str(xmlTextReaderConstValue(r))));
  }
  xmlTextReaderMoveToElement(r);
}

void Reader::Set(Pairs& into, std::string id, std::string value) {
  if (id.empty()) {
    Fail("sdmx_value_without_id", "fix_sdmx_value_id");
    return;
  }
  for (auto& [k, v] : into) {
    if (k == id) {
      v = std::move(value);
      return;
    }
  }
  if (into.size() >= kMaxComponents) {
    Fail("sdmx_too_many_components", "fix_sdmx_message",
         {{"count", std::to_string(kMaxComponents)}});
    return;
  }
  into.emplace_back(std::move(id), std::move(value));
}

void Reader::Start(std::string_view name, bool /*empty*/) {
  const size_t depth = stack_.size() - 1;  // 0 for the root
  if (depth == 0) {
    if (name == "GenericData" || name == "GenericTimeSeriesData") {
      generic_ = true;
    } else if (name == "StructureSpecificData" || name == "StructureSpecificTimeSeriesData") {
      generic_ = false;
    } else if (name == "Error") {
      error_message_ = true;
    } else if (name == "Structure") {
      Fail("sdmx_structure_message", "fix_sdmx_message");
    } else {
      Fail("sdmx_not_data_message", "fix_sdmx_message", {{"root", std::string(name)}});
    }
    return;
  }
  if (error_message_) return;
  const std::string_view parent = Parent(1);
  if (name == "Structure" && parent == "Header") {
    std::string dim = Attribute("dimensionAtObservation");
    if (!dim.empty()) dim_at_obs_ = dim;
    return;
  }
  if (name == "DataSet" && depth == 1) {
    dataset_.clear();
    std::string action = Attribute("action");
    if (action.empty()) action = Attribute("ss:action");
    if (action == "Delete") {
      Fail("sdmx_delete", "fix_sdmx_delete");
      return;
    }
    if (!generic_) {
      Pairs all;
      UnprefixedAttributes(all);
      for (auto& [k, v] : all) {
        if (k == "structureRef" || k == "action" || k == "setID" || k == "dataScope" ||
            k.starts_with("reporting") || k.starts_with("valid") || k.starts_with("publication")) {
          continue;
        }
        Set(dataset_, std::move(k), std::move(v));
      }
    }
    return;
  }
  if (parent == "DataSet" && name == "Series") {
    in_series_ = true;
    series_.clear();
    if (!generic_) UnprefixedAttributes(series_);
    return;
  }
  if (name == "Obs" && (parent == "DataSet" || parent == "Series")) {
    obs_.clear();
    ++ordinal_;
    obs_line_ = Line();
    if (!generic_) UnprefixedAttributes(obs_);
    return;
  }
  if (!generic_) return;
  if (name == "ObsDimension" && parent == "Obs") {
    std::string id = Attribute("id");
    if (id.empty()) id = dim_at_obs_ == "AllDimensions" ? "TIME_PERIOD" : dim_at_obs_;
    Set(obs_, std::move(id), Attribute("value"));
  } else if (name == "ObsValue" && parent == "Obs") {
    Set(obs_, "OBS_VALUE", Attribute("value"));
  } else if (name == "Value") {
    const std::string_view grandparent = Parent(2);
    Pairs* into = nullptr;
    if (parent == "SeriesKey") {
      into = &series_;
    } else if (parent == "ObsKey") {
      into = &obs_;
    } else if (parent == "Attributes") {
      if (grandparent == "Series") into = &series_;
      if (grandparent == "Obs") into = &obs_;
      if (grandparent == "DataSet") into = &dataset_;
    }
    if (into != nullptr) Set(*into, Attribute("id"), Attribute("value"));  // Group values: skipped
  }
}

void Reader::End(std::string_view name) {
  if (problem_ || error_message_) return;
  const std::string_view parent = Parent(1);
  if (name == "Obs" && (parent == "DataSet" || parent == "Series")) {
    EmitRow();
  } else if (name == "Series" && parent == "DataSet") {
    in_series_ = false;
  }
}

void Reader::EmitRow() {
  SdmxRow& row = table_.rows.emplace_back();
  row.line = obs_line_;
  row.ordinal = ordinal_;
  auto put = [&](const Pairs& pairs) {
    for (const auto& [id, value] : pairs) {
      auto [it, inserted] = index_.try_emplace(id, table_.names.size());
      if (inserted) {
        if (table_.names.size() >= kMaxComponents) {
          Fail("sdmx_too_many_components", "fix_sdmx_message",
               {{"count", std::to_string(kMaxComponents)}});
          return;
        }
        table_.names.push_back(id);
      }
      if (row.values.size() <= it->second) row.values.resize(it->second + 1);
      row.values[it->second] = value;
    }
  };
  put(dataset_);
  if (in_series_) put(series_);
  put(obs_);
}

}  // namespace

bool LooksLikeXml(std::string_view data) {
  if (data.starts_with("\xEF\xBB\xBF")) data.remove_prefix(3);
  size_t i = data.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && data[i] == '<';
}

std::optional<SdmxProblem> ReadSdmxMl(std::string_view data, SdmxTable& table) {
  Reader reader(data, table);
  return reader.Run();
}

}  // namespace spcoop::ingest
