#include "spcoop/simulate/rules.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "yaml_util.h"

namespace spcoop::simulate {

std::string_view SchemeTypeName(SchemeType t) {
  switch (t) {
    case SchemeType::kChild:
      return "child";
    case SchemeType::kDisability:
      return "disability";
    case SchemeType::kOldAge:
      return "old_age";
    case SchemeType::kMaternity:
      return "maternity";
    case SchemeType::kUnemployment:
      return "unemployment";
    case SchemeType::kHousehold:
      return "household";
  }
  return "?";
}

std::string_view TargetingMethodName(TargetingMethod m) {
  switch (m) {
    case TargetingMethod::kUniversal:
      return "universal";
    case TargetingMethod::kMeansTest:
      return "means_test";
    case TargetingMethod::kProxyMeansTest:
      return "pmt";
    case TargetingMethod::kQuantile:
      return "quantile";
  }
  return "?";
}

double Parameter::At(int year, bool* before_first) const {
  if (before_first) *before_first = false;
  if (values.empty()) return 0;
  double v = values.front().value;
  bool found = false;
  for (const auto& dv : values) {
    // In force on 1 January of `year`: starts on or before year-01-01.
    const bool starts_by = dv.year < year || (dv.year == year && dv.month == 1 && dv.day == 1);
    if (starts_by) {
      v = dv.value;
      found = true;
    }
  }
  if (!found && before_first) *before_first = true;
  return v;
}

double ToCurrencyPerYear(const Parameter& p, int year, const MoneyContext& ctx) {
  double v = p.At(year);
  if (p.period == Period::kMonth) v *= 12;
  switch (p.unit) {
    case AmountUnit::kCurrency:
      return v;
    case AmountUnit::kPctGdpPerCapita:
      return v / 100.0 * ctx.gdp_per_capita;
    case AmountUnit::kPctPovertyLine:
      return v / 100.0 * ctx.poverty_line;
    case AmountUnit::kShare:
      return v;
  }
  return v;
}

namespace {

using yamlutil::Where;

Result<Parameter> ParseParameter(const YAML::Node& n, const std::string& file,
                                 const std::string& key, AmountUnit default_unit) {
  Parameter p;
  p.present = true;
  p.unit = default_unit;
  if (n.IsScalar()) {  // shorthand: a single value in force from the start
    SPCOOP_ASSIGN_OR_RETURN(double v, yamlutil::AsDouble(n, file, key));
    p.values.push_back({1900, 1, 1, v});
    return p;
  }
  if (!n.IsMap()) {
    return Err(Status::InvalidArgument(fmt::format("{}: expected a map with unit and values", key))
                   .At(Where(file, n)));
  }
  if (n["unit"]) {
    SPCOOP_ASSIGN_OR_RETURN(std::string u, yamlutil::AsString(n["unit"], file, key + ".unit"));
    if (u == "currency")
      p.unit = AmountUnit::kCurrency;
    else if (u == "pct_gdp_per_capita")
      p.unit = AmountUnit::kPctGdpPerCapita;
    else if (u == "pct_poverty_line")
      p.unit = AmountUnit::kPctPovertyLine;
    else if (u == "share")
      p.unit = AmountUnit::kShare;
    else {
      return Err(Status::InvalidArgument(
                     fmt::format("{}.unit: '{}' is not one of currency, pct_gdp_per_capita, "
                                 "pct_poverty_line, share",
                                 key, u))
                     .At(Where(file, n["unit"])));
    }
  }
  if (n["period"]) {
    SPCOOP_ASSIGN_OR_RETURN(std::string per,
                            yamlutil::AsString(n["period"], file, key + ".period"));
    if (per == "year")
      p.period = Period::kYear;
    else if (per == "month")
      p.period = Period::kMonth;
    else {
      return Err(
          Status::InvalidArgument(fmt::format("{}.period: '{}' is not year or month", key, per))
              .At(Where(file, n["period"])));
    }
  }
  if (n["reference"]) {
    SPCOOP_ASSIGN_OR_RETURN(p.reference,
                            yamlutil::AsString(n["reference"], file, key + ".reference"));
  }
  const YAML::Node values = n["values"];
  if (!values || !values.IsMap() || values.size() == 0) {
    return Err(Status::InvalidArgument(
                   fmt::format("{}.values: expected dated values, e.g. {{2024-01-01: 5}}", key))
                   .At(Where(file, n)));
  }
  for (const auto& kv : values) {
    const std::string date = kv.first.as<std::string>();
    Parameter::DatedValue dv;
    if (std::sscanf(date.c_str(), "%d-%d-%d", &dv.year, &dv.month, &dv.day) != 3 || dv.month < 1 ||
        dv.month > 12 || dv.day < 1 || dv.day > 31) {
      return Err(Status::InvalidArgument(
                     fmt::format("{}.values: '{}' is not a date (YYYY-MM-DD)", key, date))
                     .At(Where(file, kv.first)));
    }
    SPCOOP_ASSIGN_OR_RETURN(dv.value, yamlutil::AsDouble(kv.second, file, key + ".values." + date));
    p.values.push_back(dv);
  }
  std::sort(p.values.begin(), p.values.end(), [](const auto& a, const auto& b) {
    return std::tie(a.year, a.month, a.day) < std::tie(b.year, b.month, b.day);
  });
  return p;
}

Status CheckKeys(const YAML::Node& n, const std::string& file, const std::string& where,
                 std::initializer_list<const char*> allowed) {
  if (!n.IsMap()) return Status::Ok();
  for (const auto& kv : n) {
    const std::string k = kv.first.as<std::string>();
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; })) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return Status::InvalidArgument(fmt::format("{}{}: unknown key (expected one of {})",
                                                 where.empty() ? "" : where + ".", k, list))
          .At(Where(file, kv.first));
    }
  }
  return Status::Ok();
}

Result<Scheme> ParseSchemeNode(const YAML::Node& root, const std::string& file) {
  const YAML::Node n = root["scheme"];
  if (!n || !n.IsMap()) {
    return Err(Status::InvalidArgument("expected a top-level 'scheme:' map").At(Where(file, root)));
  }
  SPCOOP_RETURN_IF_ERROR(CheckKeys(n, file, "scheme",
                                   {"id", "name", "type", "references", "eligibility", "targeting",
                                    "take_up", "benefit", "admin_cost_pct", "description"}));
  Scheme s;
  s.file = file;
  SPCOOP_ASSIGN_OR_RETURN(s.id, yamlutil::Required<std::string>(n, "id", file, "scheme"));
  SPCOOP_ASSIGN_OR_RETURN(s.name, yamlutil::Required<std::string>(n, "name", file, "scheme"));
  SPCOOP_ASSIGN_OR_RETURN(std::string type,
                          yamlutil::Required<std::string>(n, "type", file, "scheme"));
  static const std::pair<const char*, SchemeType> kTypes[] = {
      {"child", SchemeType::kChild},
      {"disability", SchemeType::kDisability},
      {"old_age", SchemeType::kOldAge},
      {"maternity", SchemeType::kMaternity},
      {"unemployment", SchemeType::kUnemployment},
      {"household", SchemeType::kHousehold}};
  bool type_ok = false;
  for (const auto& [name, t] : kTypes) {
    if (type == name) {
      s.type = t;
      type_ok = true;
    }
  }
  if (!type_ok) {
    return Err(Status::InvalidArgument(
                   fmt::format("scheme.type: '{}' is not one of child, disability, old_age, "
                               "maternity, unemployment, household",
                               type))
                   .At(Where(file, n["type"])));
  }
  // Defaults by type (overridable in eligibility).
  s.unit = s.type == SchemeType::kHousehold ? BenefitUnit::kHousehold : BenefitUnit::kPerson;
  if (s.type == SchemeType::kMaternity) {
    s.sex = SexRule::kFemale;
    s.min_age = 15;
    s.max_age = 49;
  }
  if (n["references"]) {
    for (const auto& r : n["references"]) s.references.push_back(r.as<std::string>());
  }
  if (const YAML::Node e = n["eligibility"]) {
    SPCOOP_RETURN_IF_ERROR(
        CheckKeys(e, file, "eligibility",
                  {"age", "sex", "disability", "area", "regions", "pension_test", "household"}));
    if (const YAML::Node a = e["age"]) {
      SPCOOP_RETURN_IF_ERROR(CheckKeys(a, file, "eligibility.age", {"min", "max"}));
      if (a["min"]) {
        SPCOOP_ASSIGN_OR_RETURN(s.min_age, yamlutil::AsInt(a["min"], file, "eligibility.age.min"));
      }
      if (a["max"]) {
        SPCOOP_ASSIGN_OR_RETURN(s.max_age, yamlutil::AsInt(a["max"], file, "eligibility.age.max"));
      }
      if (s.min_age < 0 || s.max_age < s.min_age) {
        return Err(Status::InvalidArgument(
                       fmt::format("eligibility.age: min {} and max {} are not a valid range",
                                   s.min_age, s.max_age))
                       .At(Where(file, a)));
      }
    }
    if (e["sex"]) {
      const std::string v = e["sex"].as<std::string>();
      if (v == "any")
        s.sex = SexRule::kAny;
      else if (v == "female")
        s.sex = SexRule::kFemale;
      else if (v == "male")
        s.sex = SexRule::kMale;
      else {
        return Err(Status::InvalidArgument(
                       fmt::format("eligibility.sex: '{}' is not any, female or male", v))
                       .At(Where(file, e["sex"])));
      }
    }
    if (e["disability"]) {
      const std::string v = e["disability"].as<std::string>();
      if (v != "any" && v != "required") {
        return Err(Status::InvalidArgument(
                       fmt::format("eligibility.disability: '{}' is not any or required", v))
                       .At(Where(file, e["disability"])));
      }
      s.disability_required = v == "required";
    }
    if (e["area"]) {
      const std::string v = e["area"].as<std::string>();
      if (v == "any")
        s.area = AreaRule::kAny;
      else if (v == "urban")
        s.area = AreaRule::kUrban;
      else if (v == "rural")
        s.area = AreaRule::kRural;
      else {
        return Err(Status::InvalidArgument(
                       fmt::format("eligibility.area: '{}' is not any, urban or rural", v))
                       .At(Where(file, e["area"])));
      }
    }
    if (e["regions"]) {
      for (const auto& r : e["regions"]) s.regions.push_back(r.as<std::string>());
    }
    if (e["pension_test"]) s.pension_test = e["pension_test"].as<bool>();
    if (const YAML::Node h = e["household"]) {
      SPCOOP_RETURN_IF_ERROR(CheckKeys(h, file, "eligibility.household",
                                       {"min_children", "child_max_age", "min_members"}));
      if (h["min_children"]) {
        SPCOOP_ASSIGN_OR_RETURN(s.min_children,
                                yamlutil::AsInt(h["min_children"], file, "min_children"));
      }
      if (h["child_max_age"]) {
        SPCOOP_ASSIGN_OR_RETURN(s.child_max_age,
                                yamlutil::AsInt(h["child_max_age"], file, "child_max_age"));
      }
      if (h["min_members"]) {
        SPCOOP_ASSIGN_OR_RETURN(s.min_members,
                                yamlutil::AsInt(h["min_members"], file, "min_members"));
      }
    }
  }
  if (const YAML::Node t = n["targeting"]) {
    SPCOOP_RETURN_IF_ERROR(CheckKeys(t, file, "targeting",
                                     {"method", "threshold", "share", "cutoff", "pmt_error_sd"}));
    SPCOOP_ASSIGN_OR_RETURN(std::string m,
                            yamlutil::Required<std::string>(t, "method", file, "targeting"));
    if (m == "universal")
      s.targeting = TargetingMethod::kUniversal;
    else if (m == "means_test")
      s.targeting = TargetingMethod::kMeansTest;
    else if (m == "pmt")
      s.targeting = TargetingMethod::kProxyMeansTest;
    else if (m == "quantile")
      s.targeting = TargetingMethod::kQuantile;
    else {
      return Err(Status::InvalidArgument(
                     fmt::format("targeting.method: '{}' is not one of universal, means_test, pmt, "
                                 "quantile",
                                 m))
                     .At(Where(file, t["method"])));
    }
    if (s.targeting == TargetingMethod::kMeansTest) {
      if (!t["threshold"]) {
        return Err(Status::InvalidArgument("targeting.threshold: required for means_test")
                       .At(Where(file, t)));
      }
      SPCOOP_ASSIGN_OR_RETURN(
          s.threshold,
          ParseParameter(t["threshold"], file, "targeting.threshold", AmountUnit::kCurrency));
    }
    if (t["share"]) {
      SPCOOP_ASSIGN_OR_RETURN(s.share, yamlutil::AsDouble(t["share"], file, "targeting.share"));
    }
    if (t["cutoff"]) {
      SPCOOP_ASSIGN_OR_RETURN(double c, yamlutil::AsDouble(t["cutoff"], file, "targeting.cutoff"));
      s.pmt_cutoff = c;
    }
    if (t["pmt_error_sd"]) {
      SPCOOP_ASSIGN_OR_RETURN(
          s.pmt_error_sd, yamlutil::AsDouble(t["pmt_error_sd"], file, "targeting.pmt_error_sd"));
    }
    const bool needs_share = s.targeting == TargetingMethod::kQuantile ||
                             (s.targeting == TargetingMethod::kProxyMeansTest && !s.pmt_cutoff);
    if (needs_share && (s.share <= 0 || s.share >= 1)) {
      return Err(Status::InvalidArgument(
                     fmt::format("targeting.share: {} must be between 0 and 1 (exclusive) for {}",
                                 s.share, m))
                     .At(Where(file, t)));
    }
  }
  if (n["take_up"]) {
    SPCOOP_ASSIGN_OR_RETURN(s.take_up,
                            ParseParameter(n["take_up"], file, "take_up", AmountUnit::kShare));
    for (const auto& v : s.take_up.values) {
      if (v.value < 0 || v.value > 1) {
        return Err(Status::InvalidArgument(
                       fmt::format("take_up: {} is not a share between 0 and 1", v.value))
                       .At(Where(file, n["take_up"])));
      }
    }
  }
  const YAML::Node b = n["benefit"];
  if (!b) return Err(Status::InvalidArgument("scheme.benefit: required").At(Where(file, n)));
  SPCOOP_RETURN_IF_ERROR(CheckKeys(
      b, file, "benefit", {"unit", "amount", "max_beneficiaries_per_household", "household_cap"}));
  if (b["unit"]) {
    const std::string u = b["unit"].as<std::string>();
    if (u == "person")
      s.unit = BenefitUnit::kPerson;
    else if (u == "household")
      s.unit = BenefitUnit::kHousehold;
    else {
      return Err(
          Status::InvalidArgument(fmt::format("benefit.unit: '{}' is not person or household", u))
              .At(Where(file, b["unit"])));
    }
  }
  if (!b["amount"])
    return Err(Status::InvalidArgument("benefit.amount: required").At(Where(file, b)));
  SPCOOP_ASSIGN_OR_RETURN(
      s.amount, ParseParameter(b["amount"], file, "benefit.amount", AmountUnit::kCurrency));
  if (s.amount.unit == AmountUnit::kShare) {
    return Err(Status::InvalidArgument("benefit.amount.unit: share is not a money unit")
                   .At(Where(file, b["amount"])));
  }
  if (b["max_beneficiaries_per_household"]) {
    SPCOOP_ASSIGN_OR_RETURN(s.max_beneficiaries_per_household,
                            yamlutil::AsInt(b["max_beneficiaries_per_household"], file,
                                            "benefit.max_beneficiaries_per_household"));
  }
  if (b["household_cap"]) {
    SPCOOP_ASSIGN_OR_RETURN(
        s.household_cap,
        ParseParameter(b["household_cap"], file, "benefit.household_cap", AmountUnit::kCurrency));
  }
  if (n["admin_cost_pct"]) {
    SPCOOP_ASSIGN_OR_RETURN(s.admin_cost_pct,
                            yamlutil::AsDouble(n["admin_cost_pct"], file, "admin_cost_pct"));
    if (s.admin_cost_pct < 0 || s.admin_cost_pct > 100) {
      return Err(Status::InvalidArgument("admin_cost_pct: must be between 0 and 100")
                     .At(Where(file, n["admin_cost_pct"])));
    }
  }
  return s;
}

}  // namespace

Result<Scheme> ParseScheme(const std::string& yaml_text, const std::string& file_name) {
  SPCOOP_ASSIGN_OR_RETURN(YAML::Node root, yamlutil::Parse(yaml_text, file_name));
  try {
    return ParseSchemeNode(root, file_name);
  } catch (const YAML::Exception& e) {
    return Err(yamlutil::FromException(e, file_name));
  }
}

Result<Scheme> LoadSchemeFile(const std::string& path) {
  SPCOOP_ASSIGN_OR_RETURN(std::string text, yamlutil::ReadFile(path));
  return ParseScheme(text, path);
}

namespace {

// Adds the schemes of one rule file's text (a scheme file, or a package file whose schemes are
// paths relative to `path`'s folder or inline `scheme:` maps) to `pkg`.
Status AddRuleFile(const std::string& text, const std::string& path, Package& pkg) {
  SPCOOP_ASSIGN_OR_RETURN(YAML::Node root, yamlutil::Parse(text, path));
  try {
    if (root["package"]) {
      const YAML::Node p = root["package"];
      std::string name = p["name"] ? p["name"].as<std::string>() : path;
      if (pkg.name.empty())
        pkg.name = name;
      else
        pkg.name += " + " + name;
      if (!p["schemes"] || !p["schemes"].IsSequence()) {
        return Status::InvalidArgument(
                   "package.schemes: expected a list of scheme files or inline 'scheme:' maps")
            .At(yamlutil::Where(path, p));
      }
      const auto dir = std::filesystem::path(path).parent_path();
      for (const auto& f : p["schemes"]) {
        if (f.IsMap()) {  // inline: - scheme: {id: ..., ...}
          SPCOOP_ASSIGN_OR_RETURN(Scheme s, ParseSchemeNode(f, path));
          pkg.schemes.push_back(std::move(s));
          continue;
        }
        SPCOOP_ASSIGN_OR_RETURN(Scheme s, LoadSchemeFile((dir / f.as<std::string>()).string()));
        pkg.schemes.push_back(std::move(s));
      }
    } else {
      SPCOOP_ASSIGN_OR_RETURN(Scheme s, ParseSchemeNode(root, path));
      if (pkg.name.empty())
        pkg.name = s.name;
      else
        pkg.name += " + " + s.name;
      pkg.schemes.push_back(std::move(s));
    }
  } catch (const YAML::Exception& e) {
    return yamlutil::FromException(e, path);
  }
  return Status::Ok();
}

Status CheckUniqueIds(const Package& pkg) {
  for (size_t i = 0; i < pkg.schemes.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (pkg.schemes[i].id == pkg.schemes[j].id) {
        return Status::InvalidArgument(
            fmt::format("scheme id '{}' appears twice in the package ({} and {})",
                        pkg.schemes[i].id, pkg.schemes[j].file, pkg.schemes[i].file));
      }
    }
  }
  return Status::Ok();
}

// JSON as a YAML node: objects as maps (keys sorted, null members left out, as if absent),
// arrays as sequences, numbers and booleans as their JSON text.
YAML::Node ToYaml(const nlohmann::json& j) {
  YAML::Node n;
  switch (j.type()) {
    case nlohmann::json::value_t::object:
      n = YAML::Node(YAML::NodeType::Map);
      for (const auto& [k, v] : j.items()) {
        if (!v.is_null()) n[k] = ToYaml(v);
      }
      return n;
    case nlohmann::json::value_t::array:
      n = YAML::Node(YAML::NodeType::Sequence);
      for (const auto& v : j) n.push_back(ToYaml(v));
      return n;
    case nlohmann::json::value_t::string:
      return YAML::Node(j.get<std::string>());
    case nlohmann::json::value_t::null:
      return YAML::Node(YAML::NodeType::Null);
    default:
      return YAML::Node(j.dump());
  }
}

// A YAML node as JSON: quoted scalars stay text; plain ones become null, booleans or numbers
// when they read as such (YAML 1.2's core schema), else text.
nlohmann::json ToJson(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json j = nlohmann::json::object();
      for (const auto& kv : n) j[kv.first.as<std::string>()] = ToJson(kv.second);
      return j;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& v : n) j.push_back(ToJson(v));
      return j;
    }
    case YAML::NodeType::Scalar: {
      const std::string& text = n.Scalar();
      if (n.Tag() == "!") return text;  // quoted
      if (text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
      if (text == "true" || text == "True" || text == "TRUE") return true;
      if (text == "false" || text == "False" || text == "FALSE") return false;
      nlohmann::json number = nlohmann::json::parse(text, nullptr, false);
      if (number.is_number()) return number;
      return text;
    }
    default:
      return nullptr;
  }
}

}  // namespace

Result<nlohmann::json> SchemeFileJson(const std::string& path) {
  if (Result<Scheme> valid = LoadSchemeFile(path); !valid) return Err(valid.error());
  SPCOOP_ASSIGN_OR_RETURN(std::string text, yamlutil::ReadFile(path));
  SPCOOP_ASSIGN_OR_RETURN(YAML::Node root, yamlutil::Parse(text, path));
  try {
    return ToJson(root["scheme"]);
  } catch (const YAML::Exception& e) {
    return Err(yamlutil::FromException(e, path));
  }
}

Result<Package> LoadPackage(const std::vector<std::string>& paths) {
  Package pkg;
  if (paths.empty()) return Err(Status::InvalidArgument("no scheme file given"));
  for (const std::string& path : paths) {
    SPCOOP_ASSIGN_OR_RETURN(std::string text, yamlutil::ReadFile(path));
    SPCOOP_RETURN_IF_ERROR(AddRuleFile(text, path, pkg));
  }
  pkg.file = paths.front();
  SPCOOP_RETURN_IF_ERROR(CheckUniqueIds(pkg));
  return pkg;
}

Result<Package> ParsePackage(const std::string& yaml_text, const std::string& file_name) {
  Package pkg;
  SPCOOP_RETURN_IF_ERROR(AddRuleFile(yaml_text, file_name, pkg));
  pkg.file = file_name;
  SPCOOP_RETURN_IF_ERROR(CheckUniqueIds(pkg));
  return pkg;
}

Result<Scheme> ParseSchemeJson(const nlohmann::json& scheme, const std::string& path) {
  if (!scheme.is_object()) {
    return Err(Status::InvalidArgument(
                   fmt::format("{}: expected a scheme object (id, name, type, ...)", path))
                   .At(path));
  }
  YAML::Node root(YAML::NodeType::Map);
  root["scheme"] = ToYaml(scheme);
  Result<Scheme> s = [&]() -> Result<Scheme> {
    try {
      return ParseSchemeNode(root, path);
    } catch (const YAML::Exception& e) {
      return Err(Status::InvalidArgument(fmt::format("{}: {}", path, e.msg)).At(path));
    }
  }();
  if (s) return s;
  // The parser names keys below the scheme ("benefit.amount.unit: ...", or "scheme.type: ...");
  // the JSON path of the scheme goes in front.
  std::string message = s.error().message();
  if (message.starts_with("scheme.")) message.erase(0, 7);
  if (!message.starts_with(path)) message = fmt::format("{}.{}", path, message);
  return Err(Status(s.error().code(), std::move(message)).At(path));
}

std::string PackageYaml(const std::string& name, const std::vector<nlohmann::json>& schemes) {
  YAML::Node schemes_node(YAML::NodeType::Sequence);
  for (const nlohmann::json& s : schemes) {
    YAML::Node item(YAML::NodeType::Map);
    item["scheme"] = ToYaml(s);
    schemes_node.push_back(item);
  }
  YAML::Node package(YAML::NodeType::Map);
  package["name"] = name;
  package["schemes"] = schemes_node;
  YAML::Node root(YAML::NodeType::Map);
  root["package"] = package;
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace spcoop::simulate
