// spcoop/report/report.h — the Action Plan's progress reports: the voluntary national progress
// report (one economy, one reporting period, one language) and the periodic regional progress
// report, as printable HTML or as PDF drawn with Cairo and Pango. Structure and method:
// docs/reports.md.
//
//   SPCOOP_ASSIGN_OR_RETURN(report::Format format, report::ParseFormat("pdf"));
//   SPCOOP_ASSIGN_OR_RETURN(Language lang, report::ParseReportLanguage("zh"));
//   SPCOOP_ASSIGN_OR_RETURN(std::string pdf,
//       report::National(store, {.economy = "KHM", .period = "2025", .lang = lang}, narratives,
//                        format));
//
// Contract:
// - Figures come from the Store's current (published) observations, targets, population and
//   imports, through spcoop::analysis, so a report shows the same numbers as `spcoop progress`
//   and GET /api/v1/progress.
// - `narratives` are the published narratives (Store::ListNarratives). Only those of the report's
//   economy (national) or of regional economies (regional) and of its period are used; each is
//   shown in the language it was written in, whatever the report's language.
// - Errors: kInvalidArgument for a bad period, language or format; kNotFound for an unknown
//   economy, or a period for which there is neither an observation (in or before it) nor a
//   published narrative; the Store's errors unchanged; kInternal if Cairo fails.
// - The result is the whole file: a UTF-8 HTML document or a PDF.
// Thread safety: the functions keep no state; the Store must not be shared across threads.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "spcoop/core/status.h"
#include "spcoop/core/types.h"
#include "spcoop/store/store.h"

namespace spcoop::report {

enum class Format { kHtml, kPdf };

// "html" or "pdf" (any case). kInvalidArgument naming the accepted values otherwise.
Result<Format> ParseFormat(std::string_view name);
// "en", "zh", "ru", "fr" (any case). kInvalidArgument naming the supported languages otherwise.
Result<Language> ParseReportLanguage(std::string_view code);
// A reporting period is a year, 2015..2035 ("2025"). kInvalidArgument otherwise.
Result<int> ParsePeriod(std::string_view period);

// "text/html; charset=utf-8" or "application/pdf".
std::string_view ContentType(Format format);
// "spcoop-national-KHM-2025-zh.pdf", "spcoop-regional-2025-en.html".
std::string FileName(Format format, std::string_view economy, std::string_view period,
                     Language lang);

struct NationalRequest {
  std::string economy;  // ISO3
  std::string period;   // "2025"
  Language lang = Language::kEn;
};

struct RegionalRequest {
  std::string period;
  Language lang = Language::kEn;
};

// The voluntary national progress report.
Result<std::string> National(Store& store, const NationalRequest& request,
                             std::span<const Narrative> narratives, Format format);

// The regional progress report over every regional ESCAP economy (those with a subregion).
Result<std::string> Regional(Store& store, const RegionalRequest& request,
                             std::span<const Narrative> narratives, Format format);

// The Action Plan's national measures "a".."l": a short title of each, in `lang`. Empty for
// anything else.
std::string_view MeasureTitle(std::string_view measure, Language lang);

}  // namespace spcoop::report
