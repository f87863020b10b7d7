// spcoop/ingest/messages.h — the import's validation messages in English, Chinese, Russian and
// French.
//
//   auto parsed = ingest::Parse(data, "upload.csv", economies, {});
//   for (const ingest::RowError& e : parsed->errors)
//     print(ingest::RenderRowError(e, Language::kZh));   // "upload.csv:2:6: value“150”：..."
//   std::string s = ingest::RenderMessage("file_empty", Language::kFr, {});  // "le fichier est
//   vide"
//
// Every RowError the parser makes carries a stable code (its problem), a fix code and the
// arguments both need; its English `problem` and `fix` are the catalogue's English texts. The
// catalogue is src/ingest/messages.json, compiled into the library: one entry per code with its
// text in each language and {name} placeholders that every language of the entry shares.
// Codes are stable and may be relied on by API clients. An error without a code (the bundled
// reference data loader's) renders in English whatever the language.
// Thread safety: every function may be called from any thread (the catalogue is read once, on
// first use, and never changes).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spcoop/core/types.h"
#include "spcoop/ingest/ingest.h"

namespace spcoop::ingest {

// The text of `code` in `lang` with its {placeholders} replaced by `args` (name, value).
// A placeholder without an argument is left as it is. An unknown code renders as the code.
std::string RenderMessage(std::string_view code, Language lang, const MessageArgs& args);

// The error in `lang`: "file:line:column: field 'value': problem. Fix: fix", with the frame,
// problem, fix and the location's element (Obs 12, sheet 'X' cell C5) in that language; file,
// field and value are as written in the file. Equals
// e.ToString() for Language::kEn.
std::string RenderRowError(const RowError& e, Language lang);
// The same without the location (the message half, as in StatusDetail::message).
std::string RenderRowErrorMessage(const RowError& e, Language lang);
// The location half (StatusDetail::path): "file:line:column", with the element in `lang`:
// "data.xml:50 (第 4 个 Obs)", "book.xlsx:5 (feuille « SI_COV_CHLD », cellule C5)". Equals
// e.Location() for Language::kEn.
std::string RenderRowErrorLocation(const RowError& e, Language lang);

// Every code in the catalogue, sorted, and the raw text of one (nullopt when missing).
std::vector<std::string> MessageCodes();
std::optional<std::string> MessageText(std::string_view code, Language lang);

}  // namespace spcoop::ingest
