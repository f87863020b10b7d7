#include "spcoop/simulate/microdata.h"

#include <fmt/format.h>
#include <readstat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <unordered_map>

#include "csv_util.h"
#include "hash_util.h"
#include "yaml_util.h"

namespace spcoop::simulate {

namespace {

constexpr size_t kMaxProblems = 200;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Result<CodedVariable> ParseCoded(const YAML::Node& n, const std::string& file,
                                 const std::string& key,
                                 std::initializer_list<const char*> categories) {
  CodedVariable v;
  if (n.IsScalar()) {
    return Err(
        Status::InvalidArgument(
            fmt::format(
                "variables.{}: give the variable and its codes, e.g. {{variable: x, {}: [1]}}", key,
                *categories.begin()))
            .At(yamlutil::Where(file, n)));
  }
  SPCOOP_ASSIGN_OR_RETURN(v.variable,
                          yamlutil::Required<std::string>(n, "variable", file, "variables." + key));
  for (const char* c : categories) {
    if (!n[c]) continue;
    const YAML::Node list = n[c];
    if (list.IsSequence()) {
      for (const auto& x : list) v.codes[c].push_back(x.Scalar());
    } else {
      v.codes[c].push_back(list.Scalar());
    }
  }
  for (const auto& kv : n) {
    const std::string k = kv.first.as<std::string>();
    if (k == "variable") continue;
    if (std::none_of(categories.begin(), categories.end(), [&](const char* c) { return k == c; })) {
      std::string list;
      for (const char* c : categories) list += (list.empty() ? "" : ", ") + std::string(c);
      return Err(Status::InvalidArgument(
                     fmt::format("variables.{}.{}: unknown category (expected {})", key, k, list))
                     .At(yamlutil::Where(file, kv.first)));
    }
  }
  return v;
}

Result<double> PeriodsPerYear(const YAML::Node& n, const std::string& file,
                              const std::string& key) {
  if (!n) return 1.0;
  const std::string p = n.as<std::string>();
  if (p == "year") return 1.0;
  if (p == "month") return 12.0;
  if (p == "day") return 365.0;
  return Err(Status::InvalidArgument(fmt::format("{}: '{}' is not year, month or day", key, p))
                 .At(yamlutil::Where(file, n)));
}

Result<Mapping> ParseMappingNode(const YAML::Node& root, const std::string& file) {
  Mapping m;
  m.file = file;
  if (root["economy"]) m.economy = root["economy"].as<std::string>();
  SPCOOP_ASSIGN_OR_RETURN(m.year, yamlutil::Required<int>(root, "year", file, "mapping"));
  const YAML::Node cur = root["currency"];
  if (!cur) {
    return Err(Status::InvalidArgument(
                   "currency: required (code, year, ppp_factor, cpi_index, gdp_per_capita are "
                   "declared inputs; nothing is guessed)")
                   .At(yamlutil::Where(file, root)));
  }
  SPCOOP_ASSIGN_OR_RETURN(m.currency_code,
                          yamlutil::Required<std::string>(cur, "code", file, "currency"));
  SPCOOP_ASSIGN_OR_RETURN(m.currency_year, yamlutil::Required<int>(cur, "year", file, "currency"));
  SPCOOP_ASSIGN_OR_RETURN(m.ppp_factor,
                          yamlutil::Required<double>(cur, "ppp_factor", file, "currency"));
  SPCOOP_ASSIGN_OR_RETURN(m.cpi_index,
                          yamlutil::Required<double>(cur, "cpi_index", file, "currency"));
  SPCOOP_ASSIGN_OR_RETURN(m.gdp_per_capita,
                          yamlutil::Required<double>(cur, "gdp_per_capita", file, "currency"));
  if (m.ppp_factor <= 0 || m.cpi_index <= 0 || m.gdp_per_capita <= 0) {
    return Err(
        Status::InvalidArgument("currency: ppp_factor, cpi_index and gdp_per_capita must be > 0")
            .At(yamlutil::Where(file, cur)));
  }
  if (cur["gov_revenue_pct_gdp"]) {
    SPCOOP_ASSIGN_OR_RETURN(double r, yamlutil::AsDouble(cur["gov_revenue_pct_gdp"], file,
                                                         "currency.gov_revenue_pct_gdp"));
    m.gov_revenue_pct_gdp = r;
  }
  if (const YAML::Node nl = root["national_poverty_line"]) {
    SPCOOP_ASSIGN_OR_RETURN(double v,
                            yamlutil::Required<double>(nl, "value", file, "national_poverty_line"));
    SPCOOP_ASSIGN_OR_RETURN(double per,
                            PeriodsPerYear(nl["period"], file, "national_poverty_line.period"));
    m.national_line = v * per;
  }
  const YAML::Node v = root["variables"];
  if (!v || !v.IsMap()) {
    return Err(
        Status::InvalidArgument("variables: required map from roles to the survey's variables")
            .At(yamlutil::Where(file, root)));
  }
  SPCOOP_ASSIGN_OR_RETURN(m.household_id,
                          yamlutil::Required<std::string>(v, "household_id", file, "variables"));
  SPCOOP_ASSIGN_OR_RETURN(m.weight,
                          yamlutil::Required<std::string>(v, "weight", file, "variables"));
  SPCOOP_ASSIGN_OR_RETURN(m.age, yamlutil::Required<std::string>(v, "age", file, "variables"));
  if (!v["sex"])
    return Err(Status::InvalidArgument("variables.sex: required").At(yamlutil::Where(file, v)));
  SPCOOP_ASSIGN_OR_RETURN(m.sex, ParseCoded(v["sex"], file, "sex", {"female", "male"}));
  if (v["disability"]) {
    SPCOOP_ASSIGN_OR_RETURN(m.disability, ParseCoded(v["disability"], file, "disability", {"yes"}));
  }
  if (v["area"]) {
    SPCOOP_ASSIGN_OR_RETURN(m.area, ParseCoded(v["area"], file, "area", {"urban", "rural"}));
  }
  if (v["labour_status"]) {
    SPCOOP_ASSIGN_OR_RETURN(m.labour_status, ParseCoded(v["labour_status"], file, "labour_status",
                                                        {"employed", "unemployed", "inactive"}));
  }
  if (v["contributory_pension"]) {
    SPCOOP_ASSIGN_OR_RETURN(m.contributory_pension, ParseCoded(v["contributory_pension"], file,
                                                               "contributory_pension", {"yes"}));
  }
  if (v["region"]) m.region = v["region"].as<std::string>();
  if (v["pmt_score"]) m.pmt_score = v["pmt_score"].as<std::string>();
  const YAML::Node w = v["welfare"];
  if (!w)
    return Err(Status::InvalidArgument("variables.welfare: required").At(yamlutil::Where(file, v)));
  if (w.IsScalar()) {
    m.welfare = w.Scalar();
  } else {
    SPCOOP_ASSIGN_OR_RETURN(
        m.welfare, yamlutil::Required<std::string>(w, "variable", file, "variables.welfare"));
    if (w["per"]) {
      const std::string per = w["per"].as<std::string>();
      if (per != "capita" && per != "household") {
        return Err(Status::InvalidArgument(
                       fmt::format("variables.welfare.per: '{}' is not capita or household", per))
                       .At(yamlutil::Where(file, w["per"])));
      }
      m.welfare_per_capita = per == "capita";
    }
    SPCOOP_ASSIGN_OR_RETURN(m.welfare_periods_per_year,
                            PeriodsPerYear(w["period"], file, "variables.welfare.period"));
  }
  if (const YAML::Node t = v["existing_transfers"]) {
    if (t.IsScalar()) {
      m.existing_transfers = t.Scalar();
    } else {
      SPCOOP_ASSIGN_OR_RETURN(
          m.existing_transfers,
          yamlutil::Required<std::string>(t, "variable", file, "variables.existing_transfers"));
      SPCOOP_ASSIGN_OR_RETURN(
          m.transfers_periods_per_year,
          PeriodsPerYear(t["period"], file, "variables.existing_transfers.period"));
    }
  }
  return m;
}

// One column of the input file.
struct Column {
  bool text = false;
  std::vector<double> num;
  std::vector<std::string> str;
};

struct Table {
  std::vector<std::string> names;                // all variables in the file
  std::unordered_map<std::string, Column> cols;  // only the wanted ones
  int64_t rows = 0;
  std::vector<int64_t> line_of;  // CSV: physical line of each row
};

struct ReadCtx {
  Table* table;
  const std::vector<std::string>* wanted;
  std::vector<Column*> by_index;
  int64_t rows = 0;
};

int OnMetadata(readstat_metadata_t* md, void* ctx) {
  auto* c = static_cast<ReadCtx*>(ctx);
  c->rows = readstat_get_row_count(md);
  return READSTAT_HANDLER_OK;
}

int OnVariable(int index, readstat_variable_t* var, const char*, void* ctx) {
  auto* c = static_cast<ReadCtx*>(ctx);
  const std::string name = readstat_variable_get_name(var);
  c->table->names.push_back(name);
  if (static_cast<int>(c->by_index.size()) <= index) c->by_index.resize(index + 1, nullptr);
  if (std::find(c->wanted->begin(), c->wanted->end(), name) != c->wanted->end()) {
    Column& col = c->table->cols[name];
    col.text = readstat_variable_get_type(var) == READSTAT_TYPE_STRING;
    if (c->rows > 0) {
      if (col.text)
        col.str.reserve(c->rows);
      else
        col.num.reserve(c->rows);
    }
    c->by_index[index] = &col;
  }
  return READSTAT_HANDLER_OK;
}

int OnValue(int obs, readstat_variable_t* var, readstat_value_t value, void* ctx) {
  auto* c = static_cast<ReadCtx*>(ctx);
  const int index = readstat_variable_get_index(var);
  if (obs + 1 > c->table->rows) c->table->rows = obs + 1;
  if (index >= static_cast<int>(c->by_index.size()) || c->by_index[index] == nullptr) {
    return READSTAT_HANDLER_OK;
  }
  Column& col = *c->by_index[index];
  if (col.text) {
    const char* s = readstat_string_value(value);
    col.str.push_back(s ? s : "");
  } else if (readstat_value_is_system_missing(value) || readstat_value_is_tagged_missing(value) ||
             readstat_value_is_defined_missing(value, var)) {
    col.num.push_back(kNaN);
  } else {
    col.num.push_back(readstat_double_value(value));
  }
  return READSTAT_HANDLER_OK;
}

Result<Table> ReadStatFile(const std::string& path, bool sav,
                           const std::vector<std::string>& wanted) {
  Table t;
  ReadCtx ctx{&t, &wanted, {}, 0};
  readstat_parser_t* parser = readstat_parser_init();
  readstat_set_metadata_handler(parser, &OnMetadata);
  readstat_set_variable_handler(parser, &OnVariable);
  readstat_set_value_handler(parser, &OnValue);
  const readstat_error_t err = sav ? readstat_parse_sav(parser, path.c_str(), &ctx)
                                   : readstat_parse_dta(parser, path.c_str(), &ctx);
  readstat_parser_free(parser);
  if (err != READSTAT_OK) {
    if (!std::filesystem::exists(path))
      return Err(Status::NotFound(fmt::format("cannot open '{}'", path)));
    return Err(
        Status::InvalidArgument(fmt::format("cannot read the {} file: {}", sav ? "SPSS" : "Stata",
                                            readstat_error_message(err)))
            .At(path));
  }
  return t;
}

Result<Table> ReadCsvFile(const std::string& path, const std::vector<std::string>& wanted) {
  Table t;
  std::vector<int64_t> line_of;
  SPCOOP_ASSIGN_OR_RETURN(auto rows, csvutil::ReadCsv(path, &line_of));
  if (rows.empty()) return Err(Status::InvalidArgument("the file is empty").At(path));
  t.names = rows[0];
  t.rows = static_cast<int64_t>(rows.size()) - 1;
  t.line_of.assign(line_of.begin() + 1, line_of.end());
  for (size_t c = 0; c < rows[0].size(); ++c) {
    if (std::find(wanted.begin(), wanted.end(), rows[0][c]) == wanted.end()) continue;
    Column& col = t.cols[rows[0][c]];
    col.text = true;
    col.str.reserve(t.rows);
    for (size_t r = 1; r < rows.size(); ++r)
      col.str.push_back(c < rows[r].size() ? rows[r][c] : "");
  }
  return t;
}

// A cell as text and, when numeric, as a number (NaN when empty or missing).
struct Cell {
  std::string text;
  double num = kNaN;
  bool numeric = false;  // parsed as a number
};

Cell GetCell(const Column& col, int64_t r) {
  Cell c;
  if (col.text) {
    c.text = col.str[r];
    if (!c.text.empty()) {
      char* end = nullptr;
      const double v = std::strtod(c.text.c_str(), &end);
      if (end && *end == '\0') {
        c.num = v;
        c.numeric = true;
      }
    }
  } else {
    c.num = col.num[r];
    c.numeric = !std::isnan(c.num);
    c.text = c.numeric ? fmt::format("{}", c.num) : "";
  }
  return c;
}

// Which category of `v` the cell's value belongs to, or empty.
std::string Categorize(const CodedVariable& v, const Cell& cell) {
  for (const auto& [category, codes] : v.codes) {
    for (const std::string& code : codes) {
      char* end = nullptr;
      const double num = std::strtod(code.c_str(), &end);
      const bool code_numeric = !code.empty() && end && *end == '\0';
      if (code_numeric && cell.numeric && num == cell.num) return category;
      if (cell.text == code) return category;
    }
  }
  return "";
}

}  // namespace

Result<Mapping> ParseMapping(const std::string& yaml_text, const std::string& file_name) {
  SPCOOP_ASSIGN_OR_RETURN(YAML::Node root, yamlutil::Parse(yaml_text, file_name));
  try {
    return ParseMappingNode(root, file_name);
  } catch (const YAML::Exception& e) {
    return Err(yamlutil::FromException(e, file_name));
  }
}

Result<Mapping> LoadMapping(const std::string& path) {
  SPCOOP_ASSIGN_OR_RETURN(std::string text, yamlutil::ReadFile(path));
  return ParseMapping(text, path);
}

Result<std::unique_ptr<InMemorySource>> ReadMicrodata(const std::string& path, const Mapping& m,
                                                      int64_t chunk_persons) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  std::vector<std::string> wanted = {m.household_id, m.weight, m.age, m.sex.variable, m.welfare};
  for (const std::string* opt :
       {&m.disability.variable, &m.area.variable, &m.region, &m.pmt_score,
        &m.labour_status.variable, &m.contributory_pension.variable, &m.existing_transfers}) {
    if (!opt->empty()) wanted.push_back(*opt);
  }
  Table t;
  if (ext == ".csv") {
    SPCOOP_ASSIGN_OR_RETURN(t, ReadCsvFile(path, wanted));
  } else if (ext == ".dta") {
    SPCOOP_ASSIGN_OR_RETURN(t, ReadStatFile(path, false, wanted));
  } else if (ext == ".sav" || ext == ".zsav") {
    SPCOOP_ASSIGN_OR_RETURN(t, ReadStatFile(path, true, wanted));
  } else {
    return Err(Status::InvalidArgument(fmt::format(
        "'{}': unknown microdata format '{}' (expected .csv, .dta or .sav)", path, ext)));
  }
  // Missing variables, all at once.
  std::vector<StatusDetail> problems;
  for (const std::string& v : wanted) {
    if (!t.cols.count(v)) {
      std::string names;
      for (size_t i = 0; i < t.names.size() && i < 40; ++i) names += (i ? ", " : "") + t.names[i];
      problems.push_back({path, fmt::format("variable '{}' (named in {}) is not in the file; its "
                                            "variables are: {}",
                                            v, m.file, names)});
    }
  }
  if (!problems.empty()) {
    return Err(Status::InvalidArgument(
                   fmt::format("{} mapped variable(s) missing from the file", problems.size()))
                   .At(path)
                   .WithDetails(std::move(problems)));
  }
  auto where = [&](int64_t r) {
    return t.line_of.empty() ? fmt::format("{}:row {}", path, r + 1)
                             : fmt::format("{}:{}", path, t.line_of[r]);
  };
  auto problem = [&](int64_t r, const std::string& var, const std::string& value,
                     const std::string& what) {
    if (problems.size() < kMaxProblems) {
      problems.push_back({where(r), fmt::format("variable '{}' = '{}': {}", var, value, what)});
    }
  };
  auto col = [&](const std::string& name) -> const Column& { return t.cols.at(name); };

  // Group rows by household, in order of first appearance.
  std::vector<int64_t> hh_of_row(t.rows, -1);
  std::vector<int64_t> hh_ids;
  std::vector<std::vector<int64_t>> members;
  std::unordered_map<std::string, int64_t> index_of;
  bool numeric_ids = true;
  for (int64_t r = 0; r < t.rows; ++r) {
    const Cell c = GetCell(col(m.household_id), r);
    if (c.text.empty()) {
      problem(r, m.household_id, "", "household id is missing");
      continue;
    }
    auto [it, inserted] = index_of.emplace(c.text, static_cast<int64_t>(hh_ids.size()));
    if (inserted) {
      const bool integral = c.numeric && c.num == std::floor(c.num) && std::abs(c.num) < 9e15;
      numeric_ids = numeric_ids && integral;
      hh_ids.push_back(integral ? static_cast<int64_t>(c.num) : 0);
      members.emplace_back();
    }
    hh_of_row[r] = it->second;
    members[it->second].push_back(r);
  }
  if (!numeric_ids) {
    for (size_t h = 0; h < hh_ids.size(); ++h) hh_ids[h] = static_cast<int64_t>(h) + 1;
  }

  PopulationInfo info;
  info.economy = m.economy;
  info.year = m.year;
  info.synthetic = false;
  info.source = path;
  auto hash = hashutil::HashFile(path);
  info.data_hash = hash ? *hash : "";
  info.currency = fmt::format("{} {}", m.currency_code, m.currency_year);
  info.gdp_per_capita = m.gdp_per_capita;
  info.gov_revenue_pct_gdp = m.gov_revenue_pct_gdp;
  info.international_line = 1.90 * 365.0 * m.ppp_factor * m.cpi_index;
  info.national_line = m.national_line;
  info.columns.disability = !m.disability.variable.empty();
  info.columns.area = !m.area.variable.empty();
  info.columns.region = !m.region.empty();
  info.columns.pmt_score = !m.pmt_score.empty();
  info.columns.labour_status = !m.labour_status.variable.empty();
  info.columns.contributory_pension = !m.contributory_pension.variable.empty();
  info.columns.existing_transfers = !m.existing_transfers.empty();
  info.assumptions.push_back(fmt::format(
      "international line $1.90 a day (2011 PPP) = 693.5 x PPP factor {} x CPI index {} = {:.2f} "
      "{} per person per year (declared in {})",
      m.ppp_factor, m.cpi_index, info.international_line, m.currency_code, m.file));
  if (!numeric_ids) {
    info.assumptions.push_back(fmt::format(
        "household ids in '{}' are not integers: households are numbered 1..{} in file order",
        m.household_id, hh_ids.size()));
  }

  Population pop;
  pop.Reserve(static_cast<int64_t>(hh_ids.size()), t.rows);
  std::unordered_map<std::string, int32_t> region_index;
  for (size_t h = 0; h < hh_ids.size(); ++h) {
    const auto& rows = members[h];
    const int64_t r0 = rows.front();
    const Cell w = GetCell(col(m.weight), r0);
    const Cell y = GetCell(col(m.welfare), r0);
    if (!w.numeric)
      problem(r0, m.weight, w.text, "household has no weight (missing or not a number)");
    else if (!(w.num > 0))
      problem(r0, m.weight, w.text, "weight must be positive");
    if (!y.numeric)
      problem(r0, m.welfare, y.text, "welfare is missing or not a number");
    else if (y.num < 0)
      problem(r0, m.welfare, y.text, "welfare is negative");
    const int n = static_cast<int>(rows.size());
    double welfare = y.numeric ? y.num * m.welfare_periods_per_year : 0;
    if (!m.welfare_per_capita) welfare /= n;
    const int32_t hh = pop.AddHousehold(hh_ids[h], w.numeric ? w.num : 0, welfare);
    std::string area_cat, region_text;
    for (size_t k = 0; k < rows.size(); ++k) {
      const int64_t r = rows[k];
      if (k > 0) {
        const Cell wk = GetCell(col(m.weight), r), yk = GetCell(col(m.welfare), r);
        if (wk.text != w.text) {
          problem(r, m.weight, wk.text,
                  fmt::format("members of household {} have different weights ({} first)",
                              hh_ids[h], w.text));
        }
        if (yk.text != y.text) {
          problem(r, m.welfare, yk.text,
                  fmt::format("members of household {} have different welfare ({} first)",
                              hh_ids[h], y.text));
        }
      }
      const Cell a = GetCell(col(m.age), r);
      int age = 0;
      if (!a.numeric || a.num != std::floor(a.num) || a.num < 0 || a.num > 120) {
        problem(r, m.age, a.text, "impossible age (expected a whole number 0-120)");
      } else {
        age = static_cast<int>(a.num);
      }
      const Cell s = GetCell(col(m.sex.variable), r);
      const std::string sex = Categorize(m.sex, s);
      if (sex.empty()) problem(r, m.sex.variable, s.text, "code is not mapped to female or male");
      bool disabled = false;
      if (info.columns.disability) {
        const Cell d = GetCell(col(m.disability.variable), r);
        disabled = Categorize(m.disability, d) == "yes";
      }
      pop.AddPerson(hh, age, sex == "male" ? Sex::kMale : Sex::kFemale, disabled);
      if (info.columns.labour_status) {
        const Cell l = GetCell(col(m.labour_status.variable), r);
        const std::string cat = Categorize(m.labour_status, l);
        pop.labour.back() = cat == "employed"     ? LabourStatus::kEmployed
                            : cat == "unemployed" ? LabourStatus::kUnemployed
                            : cat == "inactive"   ? LabourStatus::kInactive
                                                  : LabourStatus::kUnknown;
      }
      if (info.columns.contributory_pension) {
        const Cell p = GetCell(col(m.contributory_pension.variable), r);
        pop.contributory_pension.back() = Categorize(m.contributory_pension, p) == "yes" ? 1 : 0;
      }
      if (info.columns.area) {
        const Cell ac = GetCell(col(m.area.variable), r);
        const std::string cat = Categorize(m.area, ac);
        if (cat.empty())
          problem(r, m.area.variable, ac.text, "code is not mapped to urban or rural");
        if (k == 0)
          area_cat = cat;
        else if (cat != area_cat) {
          problem(r, m.area.variable, ac.text,
                  fmt::format("members of household {} differ in area", hh_ids[h]));
        }
      }
      if (info.columns.region) {
        const Cell rc = GetCell(col(m.region), r);
        if (k == 0)
          region_text = rc.text;
        else if (rc.text != region_text) {
          problem(r, m.region, rc.text,
                  fmt::format("members of household {} differ in region", hh_ids[h]));
        }
      }
    }
    if (info.columns.area)
      pop.area[hh] = area_cat == "urban"   ? Area::kUrban
                     : area_cat == "rural" ? Area::kRural
                                           : Area::kUnknown;
    if (info.columns.region) {
      auto [it, inserted] =
          region_index.emplace(region_text, static_cast<int32_t>(info.regions.size()));
      if (inserted) info.regions.push_back(region_text);
      pop.region[hh] = it->second;
    }
    if (info.columns.pmt_score) {
      const Cell p = GetCell(col(m.pmt_score), r0);
      if (!p.numeric) problem(r0, m.pmt_score, p.text, "PMT score is missing or not a number");
      pop.pmt_score[hh] = p.num;
    }
    if (info.columns.existing_transfers) {
      const Cell x = GetCell(col(m.existing_transfers), r0);
      pop.existing_transfers[hh] = x.numeric ? x.num * m.transfers_periods_per_year : 0;
    }
  }
  if (t.rows == 0) problems.push_back({path, "the file has no rows"});
  if (!problems.empty()) {
    return Err(Status::InvalidArgument(
                   fmt::format("{}{} problem(s) in the microdata",
                               problems.size() >= kMaxProblems ? "at least " : "", problems.size()))
                   .At(path)
                   .WithDetails(std::move(problems)));
  }
  return std::make_unique<InMemorySource>(std::move(info), std::move(pop), chunk_persons);
}

namespace {
ssize_t WriteBytes(const void* data, size_t len, void* ctx) {
  return static_cast<ssize_t>(std::fwrite(data, 1, len, static_cast<FILE*>(ctx)));
}
}  // namespace

Status WriteStata(const Population& pop, const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status::NotFound(fmt::format("cannot create '{}'", path));
  readstat_writer_t* w = readstat_writer_init();
  readstat_set_data_writer(w, &WriteBytes);
  if (path.size() <= 4 || path.substr(path.size() - 4) != ".sav") {
    readstat_writer_set_file_format_version(w, 118);
  }
  readstat_writer_set_file_label(w, "spcoop population");
  auto* v_id = readstat_add_variable(w, "hhid", READSTAT_TYPE_DOUBLE, 0);
  auto* v_w = readstat_add_variable(w, "weight", READSTAT_TYPE_DOUBLE, 0);
  auto* v_age = readstat_add_variable(w, "age", READSTAT_TYPE_INT16, 0);
  auto* v_sex = readstat_add_variable(w, "sex", READSTAT_TYPE_INT8, 0);
  auto* v_dis = readstat_add_variable(w, "disab", READSTAT_TYPE_INT8, 0);
  auto* v_urb = readstat_add_variable(w, "urban", READSTAT_TYPE_INT8, 0);
  auto* v_y = readstat_add_variable(w, "welfare", READSTAT_TYPE_DOUBLE, 0);
  bool has_pmt = false;
  for (double s : pop.pmt_score) has_pmt = has_pmt || !std::isnan(s);
  readstat_variable_t* v_pmt =
      has_pmt ? readstat_add_variable(w, "pmt", READSTAT_TYPE_DOUBLE, 0) : nullptr;
  readstat_variable_set_label(v_sex, "1 male, 2 female");
  readstat_variable_set_label(v_y, "welfare per capita per year");
  const bool sav = path.size() > 4 && path.substr(path.size() - 4) == ".sav";
  readstat_error_t err = sav ? readstat_begin_writing_sav(w, f, static_cast<long>(pop.persons()))
                             : readstat_begin_writing_dta(w, f, static_cast<long>(pop.persons()));
  for (int64_t h = 0; h < pop.households() && err == READSTAT_OK; ++h) {
    for (int m = 0; m < pop.size[h] && err == READSTAT_OK; ++m) {
      const int64_t i = pop.first[h] + m;
      readstat_begin_row(w);
      readstat_insert_double_value(w, v_id, static_cast<double>(pop.hh_id[h]));
      readstat_insert_double_value(w, v_w, pop.weight[h]);
      readstat_insert_int16_value(w, v_age, pop.age[i]);
      readstat_insert_int8_value(w, v_sex, pop.sex[i] == Sex::kMale ? 1 : 2);
      readstat_insert_int8_value(w, v_dis, pop.disabled[i]);
      readstat_insert_int8_value(w, v_urb, static_cast<int8_t>(pop.area[h]));
      readstat_insert_double_value(w, v_y, pop.welfare[h]);
      if (v_pmt) readstat_insert_double_value(w, v_pmt, pop.pmt_score[h]);
      err = readstat_end_row(w);
    }
  }
  if (err == READSTAT_OK) err = readstat_end_writing(w);
  readstat_writer_free(w);
  std::fclose(f);
  if (err != READSTAT_OK) {
    return Status::Internal(fmt::format("writing '{}': {}", path, readstat_error_message(err)));
  }
  return Status::Ok();
}

}  // namespace spcoop::simulate
