// Import of observation files: formats, error text, hashing, and ImportFile/ImportData on top of
// Parse() (parse.cc) and Store::ApplyImport().
#include "spcoop/ingest/ingest.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <array>
#include <string>
#include <utility>

#include "internal.h"
#include "spcoop/ingest/messages.h"

namespace spcoop::ingest {

std::string_view FormatName(Format f) {
  switch (f) {
    case Format::kAuto:
      return "auto";
    case Format::kSdgCsv:
      return "sdg-csv";
    case Format::kIlostatCsv:
      return "ilostat-csv";
    case Format::kTidyCsv:
      return "tidy-csv";
    case Format::kSdmxCsv:
      return "sdmx-csv";
    case Format::kSdmxMl:
      return "sdmx-ml";
    case Format::kXlsx:
      return "xlsx";
  }
  return "auto";
}

std::optional<Format> ParseFormat(std::string_view name) {
  std::string n = internal::ToLower(internal::Trim(name));
  if (n == "auto" || n.empty()) return Format::kAuto;
  if (n == "sdg-csv" || n == "sdg") return Format::kSdgCsv;
  if (n == "ilostat-csv" || n == "ilostat") return Format::kIlostatCsv;
  if (n == "tidy-csv" || n == "tidy") return Format::kTidyCsv;
  if (n == "sdmx-csv") return Format::kSdmxCsv;
  if (n == "sdmx-ml") return Format::kSdmxMl;
  if (n == "xlsx") return Format::kXlsx;
  return std::nullopt;
}

std::string_view DefaultSource(Format f) {
  switch (f) {
    case Format::kSdgCsv:
      return "UN SDG Global Database";
    case Format::kIlostatCsv:
      return "ILOSTAT SDG_0131_SEX_SOC_RT";
    case Format::kTidyCsv:
      return "spcoop tidy CSV";
    case Format::kSdmxCsv:
      return "SDMX-CSV file";
    case Format::kSdmxMl:
      return "SDMX-ML message";
    case Format::kXlsx:
      return "XLSX workbook";
    case Format::kAuto:
      break;
  }
  return "";
}

std::string RowError::Location() const {
  std::string out = line <= 0     ? file
                    : column <= 0 ? fmt::format("{}:{}", file, line)
                                  : fmt::format("{}:{}:{}", file, line, column);
  if (!element.empty()) out += fmt::format(" ({})", element);
  return out;
}

std::string RowError::Message() const {
  std::string out;
  if (!field.empty()) out = fmt::format("{} '{}': ", field, value);
  out += problem;
  if (!fix.empty()) {
    out += ". Fix: ";
    out += fix;
  }
  return out;
}

std::string RowError::ToString() const { return Location() + ": " + Message(); }

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    return "";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

namespace {

std::vector<StatusDetail> Details(const ParsedFile& parsed, std::string_view file,
                                  size_t max_errors, Language lang) {
  std::vector<StatusDetail> details;
  details.reserve(parsed.errors.size() + 1);
  for (const RowError& e : parsed.errors) {
    details.push_back({RenderRowErrorLocation(e, lang), RenderRowErrorMessage(e, lang)});
  }
  if (parsed.truncated_errors) {
    details.push_back({std::string(file), RenderMessage("import_errors_truncated", lang,
                                                        {{"max", std::to_string(max_errors)}})});
  }
  return details;
}

}  // namespace

Result<ImportReport> ImportData(Store& store, std::string_view data, std::string_view display_name,
                                const ImportRequest& request) {
  const std::string file = internal::BaseName(display_name);
  SPCOOP_ASSIGN_OR_RETURN(std::vector<Economy> economies, store.ListEconomies());
  if (economies.empty()) {
    return Err(Status::FailedPrecondition(
        "the database has no economies to check the file against; run `spcoop init` first"));
  }
  ParseOptions options = request.parse;
  if (options.default_source.empty()) options.default_source = request.source;
  SPCOOP_ASSIGN_OR_RETURN(ParsedFile parsed, Parse(data, display_name, economies, options));

  const Language lang = request.lang;
  if (parsed.file_error) {
    // The first problem with the file as a whole (line 1, no field), else the first problem.
    std::string first;
    if (parsed.errors.empty()) {
      first = RenderMessage("import_cannot_read", lang, {});
    } else {
      const RowError* chosen = &parsed.errors[0];
      for (const RowError& e : parsed.errors) {
        if (e.line <= 1 && e.field.empty()) {
          chosen = &e;
          break;
        }
      }
      first = chosen->code.empty() ? chosen->problem
                                   : RenderMessage(chosen->code, lang, chosen->args);
    }
    return Err(Status::InvalidArgument(
                   RenderMessage("import_file_error", lang, {{"file", file}, {"problem", first}}))
                   .WithDetails(Details(parsed, file, options.max_errors, lang)));
  }
  if (parsed.bad_rows > 0 && (!request.skip_bad_rows || parsed.rows.empty())) {
    std::string message =
        parsed.rows.empty()
            ? (parsed.rows_read == 1
                   ? RenderMessage("import_only_row_bad", lang, {{"file", file}})
                   : RenderMessage("import_all_rows_bad", lang,
                                   {{"file", file}, {"rows", std::to_string(parsed.rows_read)}}))
            : RenderMessage("import_some_rows_bad", lang,
                            {{"file", file},
                             {"bad", std::to_string(parsed.bad_rows)},
                             {"rows", std::to_string(parsed.rows_read)}});
    return Err(Status::InvalidArgument(std::move(message))
                   .WithDetails(Details(parsed, file, options.max_errors, lang)));
  }

  ImportReport report;
  report.format = parsed.format;
  report.dry_run = request.dry_run;
  ImportRecord record;
  record.file_name = file;
  record.sha256 = parsed.sha256;
  record.format = std::string(FormatName(parsed.format));
  record.source =
      !request.source.empty() ? request.source : std::string(DefaultSource(parsed.format));
  record.vintage = request.vintage;
  record.provenance = request.provenance;
  record.skipped = parsed.bad_rows;
  SPCOOP_ASSIGN_OR_RETURN(
      report.record,
      store.ApplyImport(std::move(record), parsed.rows, {request.dry_run, request.write_progress}));
  if (request.dry_run) report.record.id = 0;
  report.skipped = std::move(parsed.errors);
  return report;
}

Result<ImportReport> ImportFile(Store& store, const ImportRequest& request) {
  SPCOOP_ASSIGN_OR_RETURN(std::string data, internal::ReadWholeFile(request.path));
  return ImportData(store, data, request.path, request);
}

}  // namespace spcoop::ingest
