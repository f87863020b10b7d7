// spcoop/simulate/report.h — a SimulationResult as JSON, CSV or a readable text report.
//
//   nlohmann::json j = ResultToJson(result);          // what the HTTP job endpoint will store
//   PrintReport(std::cout, result);                   // cost, coverage, poverty, inequality
//   PrintCsv(std::cout, result);                      // one row per scenario x indicator
//
// Every output of a synthetic population says so: JSON has "synthetic": true and the
// assumptions; the text report starts with a SYNTHETIC banner; CSV rows carry synthetic=true.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "spcoop/simulate/engine.h"

namespace spcoop::simulate {

nlohmann::json ResultToJson(const SimulationResult& result);
// verbose: also breakdowns, deciles and projections.
void PrintReport(std::ostream& out, const SimulationResult& result, bool verbose = false);
// Long format: scenario, scheme, indicator, group, value.
void PrintCsv(std::ostream& out, const SimulationResult& result);

}  // namespace spcoop::simulate
