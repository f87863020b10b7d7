// spcoop target set|show|history|delete — national targets with their history.
#include <iostream>

#include <fmt/format.h>

#include "common.h"
#include "output.h"
#include "spcoop/core/codes.h"

namespace spcoop::cli {
namespace {

struct TargetArgs {
  std::string economy, series, sex = "_T", age = "_T";
  int baseline_year = 2021;
  std::optional<double> baseline_value, interim;
  double target = -1;
  std::string reason;
};

Result<TargetKey> ResolveKey(Store& store, const TargetArgs& a) {
  TargetKey key;
  SPCOOP_ASSIGN_OR_RETURN(Economy e, store.GetEconomy(a.economy));
  key.economy = e.iso3;
  const Series* s = FindSeries(a.series);
  if (!s) {
    return Err(Status::NotFound(fmt::format(
        "series '{}' is not an SDG 1.3.1 series; see 'spcoop series'", a.series)));
  }
  key.series = s->code;
  auto sex = NormalizeSex(a.sex);
  if (!sex) return Err(Status::InvalidArgument(fmt::format("--sex '{}': use _T, F or M", a.sex)));
  key.sex = *sex;
  auto age = NormalizeAge(a.age);
  if (!age) {
    return Err(Status::InvalidArgument(
        fmt::format("--age '{}': use an age code such as _T, Y_GE65 or Y0T14", a.age)));
  }
  key.age = *age;
  return key;
}

void PrintTargets(const std::vector<Target>& targets, OutputFormat format, bool history) {
  std::vector<std::string> cols = {"economy", "series", "sex", "age", "baseline_year",
                                   "baseline_value", "interim_2025", "target_2030", "set_by",
                                   "set_at", "reason"};
  if (history) cols.insert(cols.begin(), {"revision", "deleted"});
  Table t(cols);
  for (const Target& x : targets) {
    std::vector<Cell> row = {x.key.economy, x.key.series, x.key.sex, x.key.age, x.baseline_year,
                             x.baseline_value, Cell::Opt(x.interim_2025), x.target_2030,
                             x.provenance.author, x.recorded_at, x.provenance.reason};
    if (history) row.insert(row.begin(), {Cell(x.revision), Cell(x.deleted)});
    t.AddRow(std::move(row));
  }
  t.Print(std::cout, format);
}

int RunSet(const GlobalOptions& g, const TargetArgs& a) {
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  auto key = ResolveKey(**store, a);
  if (!key) return Fail(key.error());
  Target t;
  t.key = *key;
  t.baseline_year = a.baseline_year;
  if (a.baseline_value) {
    t.baseline_value = *a.baseline_value;
  } else {
    ObservationFilter f;
    f.series = {key->series};
    f.economies = {key->economy};
    f.sex = key->sex;
    f.age = key->age;
    f.quantile = "_T";
    f.year_from = f.year_to = a.baseline_year;
    auto obs = (*store)->QueryObservations(f);
    if (!obs) return Fail(obs.error());
    if (obs->empty()) {
      return Fail(Status::InvalidArgument(fmt::format(
          "{} has no {} observation for {} to use as the baseline; give --baseline-value (and "
          "--baseline-year for another year)",
          key->economy, key->series, a.baseline_year)));
    }
    t.baseline_value = obs->front().value;
  }
  t.interim_2025 = a.interim;
  t.target_2030 = a.target;
  if (Status s = ValidateTarget(t); !s.ok()) return Fail(s);
  auto stored = (*store)->SetTarget(t, {CliAuthor(), "edit", a.reason});
  if (!stored) return Fail(stored.error());
  PrintTargets({*stored}, g.Format(), false);
  return kExitOk;
}

int RunShow(const GlobalOptions& g, const TargetArgs& a) {
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  TargetFilter f;
  if (!a.economy.empty()) {
    auto e = (*store)->GetEconomy(a.economy);
    if (!e) return Fail(e.error());
    f.economies = {e->iso3};
  }
  if (!a.series.empty()) {
    const Series* s = FindSeries(a.series);
    if (!s) return Fail(Status::NotFound(fmt::format("series '{}' is not known", a.series)));
    f.series = {s->code};
  }
  auto list = (*store)->ListTargets(f);
  if (!list) return Fail(list.error());
  PrintTargets(*list, g.Format(), false);
  return kExitOk;
}

int RunHistory(const GlobalOptions& g, const TargetArgs& a) {
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  auto key = ResolveKey(**store, a);
  if (!key) return Fail(key.error());
  auto hist = (*store)->TargetHistory(*key);
  if (!hist) return Fail(hist.error());
  if (hist->empty()) {
    return Fail(Status::NotFound(fmt::format("no target was ever set for {} {} sex={} age={}",
                                             key->economy, key->series, key->sex, key->age)));
  }
  PrintTargets(*hist, g.Format(), true);
  return kExitOk;
}

int RunDelete(const GlobalOptions& g, const TargetArgs& a) {
  auto store = OpenDatabase(g);
  if (!store) return Fail(store.error());
  auto key = ResolveKey(**store, a);
  if (!key) return Fail(key.error());
  auto r = (*store)->DeleteTarget(*key, {CliAuthor(), "edit", a.reason});
  if (!r) return Fail(r.error());
  std::cout << fmt::format("target for {} {} sex={} age={} withdrawn (revision {})\n",
                           key->economy, key->series, key->sex, key->age, r->revision);
  return kExitOk;
}

void AddKey(CLI::App* cmd, TargetArgs& a, bool required) {
  auto* e = cmd->add_option("--economy", a.economy, "Economy ISO3 code, e.g. KHM");
  auto* s = cmd->add_option("--series", a.series, "Series code, e.g. SI_COV_BENFTS");
  if (required) {
    e->required();
    s->required();
    cmd->add_option("--sex", a.sex, "_T (both), F or M")->capture_default_str();
    cmd->add_option("--age", a.age, "Age code: _T, Y_GE65, ...")->capture_default_str();
  }
}

}  // namespace

void AddTargetCommand(CLI::App& app, GlobalOptions& g, Action& action) {
  auto a = std::make_shared<TargetArgs>();
  auto* cmd = app.add_subcommand("target", "Set, show and trace national coverage targets");
  cmd->require_subcommand(1);

  auto* set = cmd->add_subcommand(
      "set", "Set the baseline, 2025 interim and 2030 targets for one economy, series, sex and age");
  AddKey(set, *a, true);
  set->add_option("--baseline-year", a->baseline_year, "Baseline year")->capture_default_str();
  set->add_option("--baseline-value", a->baseline_value,
                  "Baseline coverage %; default: the observation of the baseline year");
  set->add_option("--interim", a->interim, "2025 interim target, %");
  set->add_option("--target", a->target, "2030 target, %")->required();
  set->add_option("--reason", a->reason, "Why (kept in the history), e.g. the plan adopted")
      ->required();
  set->callback([&g, &action, a] { action = [&g, a] { return RunSet(g, *a); }; });

  auto* show = cmd->add_subcommand("show", "List the current targets");
  AddKey(show, *a, false);
  show->callback([&g, &action, a] { action = [&g, a] { return RunShow(g, *a); }; });

  auto* hist = cmd->add_subcommand("history", "Every revision of one target, oldest first");
  AddKey(hist, *a, true);
  hist->callback([&g, &action, a] { action = [&g, a] { return RunHistory(g, *a); }; });

  auto* del = cmd->add_subcommand("delete", "Withdraw a target (kept in the history)");
  AddKey(del, *a, true);
  del->add_option("--reason", a->reason, "Why")->required();
  del->callback([&g, &action, a] { action = [&g, a] { return RunDelete(g, *a); }; });
}

}  // namespace spcoop::cli
