// The message catalogue (messages.json, compiled in as kMessagesJson) and the rendering of row
// errors in a language. See messages.h.
#include "spcoop/ingest/messages.h"

#include <fmt/format.h>

#include <array>
#include <map>
#include <nlohmann/json.hpp>

namespace spcoop::ingest {
namespace internal {
extern const char kMessagesJson[];  // messages_data.cc, generated from messages.json
}  // namespace internal

namespace {

constexpr std::array<const char*, kLanguageCount> kLanguageKeys = {"en", "zh", "ru", "fr"};

using Catalogue = std::map<std::string, std::array<std::string, kLanguageCount>, std::less<>>;

// Parsed once. A malformed catalogue is a build defect, caught by message_test; here it leaves
// the catalogue empty so codes render as themselves rather than aborting an import.
const Catalogue& Messages() {
  static const Catalogue catalogue = [] {
    Catalogue out;
    auto json = nlohmann::json::parse(internal::kMessagesJson, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.contains("messages")) return out;
    for (const auto& [code, texts] : json["messages"].items()) {
      auto& entry = out[code];
      for (int i = 0; i < kLanguageCount; ++i) {
        if (texts.contains(kLanguageKeys[i]) && texts[kLanguageKeys[i]].is_string()) {
          entry[i] = texts[kLanguageKeys[i]].get<std::string>();
        }
      }
    }
    return out;
  }();
  return catalogue;
}

std::string Fill(std::string_view text, const MessageArgs& args) {
  std::string out;
  out.reserve(text.size() + 32);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find('{', pos);
    if (open == std::string_view::npos) break;
    size_t close = text.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    std::string_view name = text.substr(open + 1, close - open - 1);
    const std::string* value = nullptr;
    for (const auto& [k, v] : args) {
      if (k == name) {
        value = &v;
        break;
      }
    }
    if (value) {
      out += *value;
    } else {
      out.append(text.substr(open, close - open + 1));
    }
    pos = close + 1;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace

std::optional<std::string> MessageText(std::string_view code, Language lang) {
  const Catalogue& c = Messages();
  auto it = c.find(code);
  if (it == c.end()) return std::nullopt;
  const std::string& text = it->second[static_cast<size_t>(lang)];
  if (text.empty()) return std::nullopt;
  return text;
}

std::vector<std::string> MessageCodes() {
  std::vector<std::string> out;
  for (const auto& [code, texts] : Messages()) out.push_back(code);
  return out;
}

std::string RenderMessage(std::string_view code, Language lang, const MessageArgs& args) {
  auto text = MessageText(code, lang);
  if (!text) text = MessageText(code, Language::kEn);
  if (!text) return std::string(code);
  return Fill(*text, args);
}

std::string RenderRowErrorMessage(const RowError& e, Language lang) {
  if (e.code.empty() || lang == Language::kEn) return e.Message();
  std::string out = RenderMessage(e.code, lang, e.args);
  if (!e.field.empty()) {
    out = RenderMessage("frame_field", lang,
                        {{"field", e.field}, {"value", e.value}, {"problem", out}});
  }
  if (!e.fix_code.empty()) {
    out = RenderMessage("frame_fix", lang,
                        {{"message", out}, {"fix", RenderMessage(e.fix_code, lang, e.args)}});
  } else if (!e.fix.empty()) {
    out = RenderMessage("frame_fix", lang, {{"message", out}, {"fix", e.fix}});
  }
  return out;
}

std::string RenderRowErrorLocation(const RowError& e, Language lang) {
  if (e.element_code.empty() || lang == Language::kEn) return e.Location();
  RowError plain = e;
  plain.element.clear();
  return RenderMessage("frame_where", lang,
                       {{"location", plain.Location()},
                        {"element", RenderMessage(e.element_code, lang, e.element_args)}});
}

std::string RenderRowError(const RowError& e, Language lang) {
  return RenderRowErrorLocation(e, lang) + ": " + RenderRowErrorMessage(e, lang);
}

}  // namespace spcoop::ingest
