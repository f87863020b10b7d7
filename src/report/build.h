// Internal to spcoop::report: turns the Store's data and the published narratives into a
// Document (document.h). National() and Regional() in report.cc validate the request first.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "document.h"
#include "spcoop/report/report.h"
#include "spcoop/store/store.h"

namespace spcoop::report {

Result<Document> BuildNational(Store& store, const NationalRequest& request, int period,
                               std::span<const Narrative> narratives);
Result<Document> BuildRegional(Store& store, const RegionalRequest& request, int period,
                               std::span<const Narrative> narratives);

// "8.1": one decimal, as every percentage in the reports.
std::string Percent(double value);
// Persons rounded to a whole number with thousands separators: "835,971" (en, zh),
// "835 971" with a no-break space (ru, fr).
std::string Persons(double value, Language lang);
// The first sentence of a text (up to ". ", "。", "！", "？", "! ", "? "), at most 300 bytes,
// cut on a UTF-8 character boundary.
std::string FirstSentence(std::string_view text);

}  // namespace spcoop::report
