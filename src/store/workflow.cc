// Change sets, draft changes and narratives (workflow.h), in portable SQL.
#include "spcoop/store/workflow.h"

#include "tx_util.h"

#include <fmt/format.h>

#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "spcoop/core/codes.h"

namespace spcoop {
namespace {

using json = nlohmann::json;
using sql::Row;
using sql::Tx;
using sql::Value;
using sql::InTx;
using sql::StatusOf;

constexpr std::array<std::pair<ChangesetState, std::string_view>, 5> kStates = {{
    {ChangesetState::kDraft, "draft"},
    {ChangesetState::kSubmitted, "submitted"},
    {ChangesetState::kReturned, "returned"},
    {ChangesetState::kPublishing, "publishing"},
    {ChangesetState::kPublished, "published"},
}};

// ------------------------------------------------------------------ payloads

json OptionalJson(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

std::string Payload(const DraftChange& c) {
  json j;
  switch (c.kind) {
    case ChangeKind::kObservation: {
      const Observation& o = c.observation;
      j = {{"series", o.key.series},     {"economy", o.key.economy},
           {"sex", o.key.sex},           {"age", o.key.age},
           {"quantile", o.key.quantile}, {"year", o.key.year},
           {"value", o.value},           {"unit", o.attributes.unit},
           {"nature", o.attributes.nature}, {"source", o.attributes.source},
           {"note", o.attributes.note}};
      break;
    }
    case ChangeKind::kTarget: {
      const Target& t = c.target;
      j = {{"economy", t.key.economy},
           {"series", t.key.series},
           {"sex", t.key.sex},
           {"age", t.key.age},
           {"baseline_year", t.baseline_year},
           {"baseline_value", t.baseline_value},
           {"interim_2025", OptionalJson(t.interim_2025)},
           {"target_2030", t.target_2030}};
      break;
    }
    case ChangeKind::kNarrative: {
      const Narrative& n = c.narrative;
      j = {{"economy", n.key.economy},   {"period", n.key.period},
           {"measure", n.key.measure},   {"lang", n.key.lang},
           {"stage", StageName(n.stage)}, {"progress", n.progress},
           {"challenges", n.challenges}, {"next_steps", n.next_steps}};
      break;
    }
  }
  return j.dump();
}

Result<DraftChange> ReadChange(const Row& r) {
  // id, changeset_id, kind, payload, author, reason, recorded_at
  DraftChange c;
  c.id = r.Int(0);
  c.changeset_id = r.Int(1);
  const std::string& kind = r.Text(2);
  json j = json::parse(r.Text(3), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Err(Status::DataLoss(fmt::format("draft change {} has an unreadable payload", c.id)));
  }
  try {
    if (kind == "observation") {
      c.kind = ChangeKind::kObservation;
      Observation& o = c.observation;
      o.key = {j.at("series"), j.at("economy"), j.at("sex"), j.at("age"), j.at("quantile"),
               j.at("year")};
      o.value = j.at("value");
      o.attributes = {j.at("unit"), j.at("nature"), j.at("source"), j.at("note")};
      o.state = State::kDraft;
    } else if (kind == "target") {
      c.kind = ChangeKind::kTarget;
      Target& t = c.target;
      t.key = {j.at("economy"), j.at("series"), j.at("sex"), j.at("age")};
      t.baseline_year = j.at("baseline_year");
      t.baseline_value = j.at("baseline_value");
      if (!j.at("interim_2025").is_null()) t.interim_2025 = j.at("interim_2025").get<double>();
      t.target_2030 = j.at("target_2030");
    } else if (kind == "narrative") {
      c.kind = ChangeKind::kNarrative;
      Narrative& n = c.narrative;
      n.key = {j.at("economy"), j.at("period"), j.at("measure"), j.at("lang")};
      n.stage = ParseStage(j.at("stage").get<std::string>()).value_or(Stage::kNotStarted);
      n.progress = j.at("progress");
      n.challenges = j.at("challenges");
      n.next_steps = j.at("next_steps");
    } else {
      return Err(Status::DataLoss(fmt::format("draft change {} has unknown kind '{}'", c.id, kind)));
    }
  } catch (const json::exception& e) {
    return Err(Status::DataLoss(
        fmt::format("draft change {} has a malformed payload: {}", c.id, e.what())));
  }
  c.provenance = {r.Text(4), fmt::format("changeset:{}", c.changeset_id), r.Text(5)};
  c.recorded_at = r.Text(6);
  return c;
}

// ------------------------------------------------------------------ change sets

Result<Changeset> LoadChangeset(Tx& tx, int64_t id) {
  SPCOOP_ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("SELECT id, economy, created_by, created_at FROM changeset WHERE id = ?", {id}));
  if (rows.empty()) {
    return Err(Status::NotFound(fmt::format(
        "no change set {}; list them with GET /api/v1/changesets", id)));
  }
  Changeset cs;
  cs.id = rows.front().Int(0);
  cs.economy = rows.front().Text(1);
  cs.created_by = rows.front().Text(2);
  cs.created_at = rows.front().Text(3);
  cs.updated_at = cs.created_at;
  SPCOOP_ASSIGN_OR_RETURN(auto events, tx.Query("SELECT state, actor, comment, at FROM "
                                                "changeset_event WHERE changeset_id = ? ORDER BY id",
                                                {id}));
  for (const Row& r : events) {
    ChangesetEvent e{ParseChangesetState(r.Text(0)).value_or(ChangesetState::kDraft), r.Text(1),
                     r.Text(2), r.Text(3)};
    cs.state = e.state;
    cs.updated_at = std::max(cs.updated_at, e.at);
    cs.events.push_back(std::move(e));
  }
  SPCOOP_ASSIGN_OR_RETURN(
      auto counts, tx.Query("SELECT kind, COUNT(DISTINCT object_key), MAX(recorded_at) FROM "
                            "draft_change WHERE changeset_id = ? GROUP BY kind",
                            {id}));
  for (const Row& r : counts) {
    if (r.Text(0) == "observation") cs.observations = r.Int(1);
    if (r.Text(0) == "target") cs.targets = r.Int(1);
    if (r.Text(0) == "narrative") cs.narratives = r.Int(1);
    cs.updated_at = std::max(cs.updated_at, r.Text(2));
  }
  return cs;
}

Result<std::optional<int64_t>> LatestId(Tx& tx, std::string_view economy) {
  SPCOOP_ASSIGN_OR_RETURN(
      auto rows, tx.Query("SELECT MAX(id) FROM changeset WHERE economy = ?", {std::string(economy)}));
  if (rows.empty() || rows.front().IsNull(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(rows.front().Int(0));
}

Status AppendEvent(Tx& tx, int64_t id, ChangesetState state, std::string_view actor,
                   std::string_view comment) {
  return StatusOf(tx.Exec("INSERT INTO changeset_event (changeset_id, state, actor, comment, at) "
                      "VALUES (?,?,?,?,?)",
                      {id, std::string(ChangesetStateName(state)), std::string(actor),
                       std::string(comment), NowUtc()}));
}

Result<std::vector<DraftChange>> ReadChanges(Tx& tx, int64_t id, bool latest_only) {
  std::string sql =
      "SELECT d.id, d.changeset_id, d.kind, d.payload, d.author, d.reason, d.recorded_at "
      "FROM draft_change d WHERE d.changeset_id = ?";
  if (latest_only) {
    sql +=
        " AND d.id = (SELECT MAX(x.id) FROM draft_change x WHERE x.changeset_id = d.changeset_id "
        "AND x.object_key = d.object_key) ORDER BY d.object_key";
  } else {
    sql += " ORDER BY d.id";
  }
  SPCOOP_ASSIGN_OR_RETURN(auto rows, tx.Query(sql, {id}));
  std::vector<DraftChange> out;
  for (const Row& r : rows) {
    SPCOOP_ASSIGN_OR_RETURN(DraftChange c, ReadChange(r));
    out.push_back(std::move(c));
  }
  return out;
}

// Moves a change set from one of `from` to `to`, checking the state inside the transaction.
Result<Changeset> Transition(Store& store, int64_t id, std::initializer_list<ChangesetState> from,
                             ChangesetState to, std::string_view actor, std::string_view comment,
                             std::string_view verb) {
  return InTx<Changeset>(store, [&](Tx& tx) -> Result<Changeset> {
    SPCOOP_RETURN_IF_ERROR(tx.Lock("changeset"));
    SPCOOP_ASSIGN_OR_RETURN(Changeset cs, LoadChangeset(tx, id));
    bool allowed = false;
    for (ChangesetState s : from) allowed = allowed || cs.state == s;
    if (!allowed) {
      return Err(Status::Conflict(fmt::format(
          "change set {} of {} is {}; only a change set that is {} can be {}", id, cs.economy,
          ChangesetStateName(cs.state), ChangesetStateName(*from.begin()), verb)));
    }
    if (to == ChangesetState::kSubmitted &&
        cs.observations + cs.targets + cs.narratives == 0) {
      return Err(Status::FailedPrecondition(fmt::format(
          "change set {} has no changes to submit; edit observations, targets or narratives "
          "first",
          id)));
    }
    SPCOOP_RETURN_IF_ERROR(AppendEvent(tx, id, to, actor, comment));
    return LoadChangeset(tx, id);
  });
}

constexpr std::string_view kNarrativeColumns =
    "id, economy, period, measure, lang, stage, progress, challenges, next_steps, author, origin, "
    "reason, recorded_at";

Narrative ReadNarrative(const Row& r) {
  Narrative n;
  n.revision = r.Int(0);
  n.key = {r.Text(1), r.Text(2), r.Text(3), r.Text(4)};
  n.stage = ParseStage(r.Text(5)).value_or(Stage::kNotStarted);
  n.progress = r.Text(6);
  n.challenges = r.Text(7);
  n.next_steps = r.Text(8);
  n.provenance = {r.Text(9), r.Text(10), r.Text(11)};
  n.recorded_at = r.Text(12);
  return n;
}

bool SameTarget(const Target& a, const Target& b) {
  return a.key == b.key && a.baseline_year == b.baseline_year &&
         a.baseline_value == b.baseline_value && a.interim_2025 == b.interim_2025 &&
         a.target_2030 == b.target_2030;
}

bool SameNarrative(const Narrative& a, const Narrative& b) {
  return a.key == b.key && a.stage == b.stage && a.progress == b.progress &&
         a.challenges == b.challenges && a.next_steps == b.next_steps;
}

}  // namespace

std::string_view ChangesetStateName(ChangesetState state) {
  for (const auto& [s, name] : kStates) {
    if (s == state) return name;
  }
  return "draft";
}

std::optional<ChangesetState> ParseChangesetState(std::string_view name) {
  for (const auto& [s, n] : kStates) {
    if (n == name) return s;
  }
  return std::nullopt;
}

std::string_view ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kObservation: return "observation";
    case ChangeKind::kTarget: return "target";
    case ChangeKind::kNarrative: return "narrative";
  }
  return "observation";
}

DraftChange DraftChange::ForObservation(const Observation& o, Provenance p) {
  DraftChange c;
  c.kind = ChangeKind::kObservation;
  c.observation = o;
  c.provenance = std::move(p);
  return c;
}

DraftChange DraftChange::ForTarget(const Target& t, Provenance p) {
  DraftChange c;
  c.kind = ChangeKind::kTarget;
  c.target = t;
  c.provenance = std::move(p);
  return c;
}

DraftChange DraftChange::ForNarrative(const Narrative& n, Provenance p) {
  DraftChange c;
  c.kind = ChangeKind::kNarrative;
  c.narrative = n;
  c.provenance = std::move(p);
  return c;
}

std::string DraftChange::economy() const {
  switch (kind) {
    case ChangeKind::kObservation: return observation.key.economy;
    case ChangeKind::kTarget: return target.key.economy;
    case ChangeKind::kNarrative: return narrative.key.economy;
  }
  return "";
}

std::string DraftChange::ObjectKey() const {
  switch (kind) {
    case ChangeKind::kObservation: {
      const ObservationKey& k = observation.key;
      return fmt::format("observation|{}|{}|{}|{}|{}|{}", k.series, k.economy, k.sex, k.age,
                         k.quantile, k.year);
    }
    case ChangeKind::kTarget: {
      const TargetKey& k = target.key;
      return fmt::format("target|{}|{}|{}|{}", k.economy, k.series, k.sex, k.age);
    }
    case ChangeKind::kNarrative: {
      const NarrativeKey& k = narrative.key;
      return fmt::format("narrative|{}|{}|{}|{}", k.economy, k.period, k.measure, k.lang);
    }
  }
  return "";
}

Result<Changeset> AddDraftChanges(Store& store, std::string_view economy, std::string_view actor,
                                  std::span<const DraftChange> changes) {
  for (size_t i = 0; i < changes.size(); ++i) {
    if (changes[i].economy() != economy) {
      return Err(Status::InvalidArgument(
          fmt::format("change {} is for {}, not {}; a change set holds one economy's changes",
                      i + 1, changes[i].economy(), economy)));
    }
  }
  return InTx<Changeset>(store, [&](Tx& tx) -> Result<Changeset> {
    SPCOOP_RETURN_IF_ERROR(tx.Lock("changeset"));
    SPCOOP_ASSIGN_OR_RETURN(std::optional<int64_t> latest, LatestId(tx, economy));
    int64_t id = 0;
    if (latest) {
      SPCOOP_ASSIGN_OR_RETURN(Changeset cs, LoadChangeset(tx, *latest));
      if (cs.state == ChangesetState::kDraft || cs.state == ChangesetState::kReturned) {
        id = cs.id;
      } else if (cs.state == ChangesetState::kSubmitted ||
                 cs.state == ChangesetState::kPublishing) {
        return Err(Status::FailedPrecondition(fmt::format(
            "{}'s change set {} is {} and under review; wait until the secretariat publishes or "
            "returns it before making new changes",
            economy, cs.id, ChangesetStateName(cs.state))));
      }
    }
    const std::string now = NowUtc();
    if (id == 0) {
      SPCOOP_ASSIGN_OR_RETURN(
          auto rows, tx.Query("INSERT INTO changeset (economy, created_by, created_at) VALUES "
                              "(?,?,?) RETURNING id",
                              {std::string(economy), std::string(actor), now}));
      id = rows.front().Int(0);
      SPCOOP_RETURN_IF_ERROR(AppendEvent(tx, id, ChangesetState::kDraft, actor, ""));
    }
    for (const DraftChange& c : changes) {
      SPCOOP_RETURN_IF_ERROR(StatusOf(tx.Exec(
          "INSERT INTO draft_change (changeset_id, kind, object_key, payload, author, reason, "
          "recorded_at) VALUES (?,?,?,?,?,?,?)",
          {id, std::string(ChangeKindName(c.kind)), c.ObjectKey(), Payload(c),
           c.provenance.author, c.provenance.reason, now})));
    }
    return LoadChangeset(tx, id);
  });
}

Result<Changeset> GetChangeset(Store& store, int64_t id) {
  return InTx<Changeset>(store, [&](Tx& tx) { return LoadChangeset(tx, id); });
}

Result<std::optional<Changeset>> LatestChangeset(Store& store, std::string_view economy) {
  return InTx<std::optional<Changeset>>(store, [&](Tx& tx) -> Result<std::optional<Changeset>> {
    SPCOOP_ASSIGN_OR_RETURN(std::optional<int64_t> latest, LatestId(tx, economy));
    if (!latest) return std::optional<Changeset>();
    SPCOOP_ASSIGN_OR_RETURN(Changeset cs, LoadChangeset(tx, *latest));
    return std::optional<Changeset>(std::move(cs));
  });
}

Result<std::vector<Changeset>> ListChangesets(Store& store, const ChangesetFilter& f) {
  return InTx<std::vector<Changeset>>(store, [&](Tx& tx) -> Result<std::vector<Changeset>> {
    std::string where;
    std::vector<Value> params;
    if (!f.economies.empty()) {
      where = " WHERE economy IN (";
      for (size_t i = 0; i < f.economies.size(); ++i) {
        where += i ? ",?" : "?";
        params.emplace_back(f.economies[i]);
      }
      where += ")";
    }
    SPCOOP_ASSIGN_OR_RETURN(
        auto rows, tx.Query("SELECT id FROM changeset" + where + " ORDER BY id DESC", params));
    std::vector<Changeset> out;
    for (const Row& r : rows) {
      if (static_cast<int64_t>(out.size()) >= f.limit) break;
      SPCOOP_ASSIGN_OR_RETURN(Changeset cs, LoadChangeset(tx, r.Int(0)));
      if (f.state && cs.state != *f.state) continue;
      out.push_back(std::move(cs));
    }
    return out;
  });
}

Result<std::vector<DraftChange>> ChangesetChanges(Store& store, int64_t id) {
  return InTx<std::vector<DraftChange>>(store, [&](Tx& tx) -> Result<std::vector<DraftChange>> {
    SPCOOP_RETURN_IF_ERROR(StatusOf(LoadChangeset(tx, id)));
    return ReadChanges(tx, id, true);
  });
}

Result<std::vector<DraftChange>> ChangesetLog(Store& store, int64_t id) {
  return InTx<std::vector<DraftChange>>(store, [&](Tx& tx) -> Result<std::vector<DraftChange>> {
    SPCOOP_RETURN_IF_ERROR(StatusOf(LoadChangeset(tx, id)));
    return ReadChanges(tx, id, false);
  });
}

Result<Changeset> SubmitChangeset(Store& store, int64_t id, std::string_view actor,
                                  std::string_view comment) {
  return Transition(store, id, {ChangesetState::kDraft, ChangesetState::kReturned},
                    ChangesetState::kSubmitted, actor, comment, "submitted");
}

Result<Changeset> ReturnChangeset(Store& store, int64_t id, std::string_view actor,
                                  std::string_view comment) {
  if (comment.empty()) {
    return Err(Status::InvalidArgument(
        "say what the focal point should fix: returning a change set needs a comment"));
  }
  return Transition(store, id, {ChangesetState::kSubmitted}, ChangesetState::kReturned, actor,
                    comment, "returned");
}

Result<Changeset> PublishChangeset(Store& store, int64_t id, std::string_view actor,
                                   std::string_view comment) {
  SPCOOP_ASSIGN_OR_RETURN(Changeset cs, GetChangeset(store, id));
  if (cs.state == ChangesetState::kSubmitted) {
    SPCOOP_ASSIGN_OR_RETURN(cs, Transition(store, id, {ChangesetState::kSubmitted},
                                           ChangesetState::kPublishing, actor, comment,
                                           "published"));
  } else if (cs.state != ChangesetState::kPublishing) {
    return Err(Status::Conflict(
        fmt::format("change set {} of {} is {}; only a submitted change set can be published",
                    id, cs.economy, ChangesetStateName(cs.state))));
  }
  SPCOOP_ASSIGN_OR_RETURN(std::vector<DraftChange> changes, ChangesetChanges(store, id));

  // Observations: one import per (author, reason), so every revision keeps its own provenance.
  std::map<std::pair<std::string, std::string>, std::vector<Observation>> groups;
  for (const DraftChange& c : changes) {
    if (c.kind != ChangeKind::kObservation) continue;
    Observation o = c.observation;
    o.state = State::kPublished;
    // Reported by the country's focal point: national. (A move, not operator=(const char*),
    // on which g++ 12 -O3 warns falsely, -Wrestrict.)
    o.attributes.reporting_type = std::string(1, 'N');
    groups[{c.provenance.author, c.provenance.reason}].push_back(std::move(o));
  }
  int group_no = 0;
  for (auto& [who, rows] : groups) {
    ++group_no;
    ImportRecord record;
    record.file_name = fmt::format("changeset {} ({} of {})", id, group_no, groups.size());
    std::string digest_text;
    for (const Observation& o : rows) {
      digest_text += fmt::format("{}|{}|{}|{}|{}|{}|{}\n", o.key.series, o.key.economy, o.key.sex,
                                 o.key.age, o.key.quantile, o.key.year, o.value);
    }
    record.sha256 = sql::Sha256Hex(digest_text);
    record.format = "changeset";
    record.source = fmt::format("{} national focal point", cs.economy);
    record.vintage = NowUtc().substr(0, 10);
    record.provenance = {who.first, fmt::format("changeset:{}", id), who.second};
    SPCOOP_RETURN_IF_ERROR(StatusOf(store.ApplyImport(record, rows, {})));
  }
  // Targets and narratives: a revision only where the value differs from the current one.
  for (const DraftChange& c : changes) {
    Provenance p{c.provenance.author, fmt::format("changeset:{}", id), c.provenance.reason};
    if (c.kind == ChangeKind::kTarget) {
      SPCOOP_ASSIGN_OR_RETURN(auto current,
                              store.ListTargets({{c.target.key.economy}, {c.target.key.series}}));
      bool same = false;
      for (const Target& t : current) same = same || SameTarget(t, c.target);
      if (!same) SPCOOP_RETURN_IF_ERROR(StatusOf(store.SetTarget(c.target, p)));
    } else if (c.kind == ChangeKind::kNarrative) {
      SPCOOP_RETURN_IF_ERROR(store.Transact([&](Tx& tx) -> Status {
        SPCOOP_ASSIGN_OR_RETURN(
            auto rows,
            tx.Query(fmt::format("SELECT {} FROM narrative_revision WHERE economy = ? AND "
                                 "period = ? AND measure = ? AND lang = ? ORDER BY id DESC "
                                 "LIMIT 1",
                                 kNarrativeColumns),
                     {c.narrative.key.economy, c.narrative.key.period, c.narrative.key.measure,
                      c.narrative.key.lang}));
        if (!rows.empty() && SameNarrative(ReadNarrative(rows.front()), c.narrative)) {
          return Status::Ok();
        }
        const Narrative& n = c.narrative;
        return StatusOf(tx.Exec(
            "INSERT INTO narrative_revision (economy, period, measure, lang, stage, progress, "
            "challenges, next_steps, author, origin, reason, recorded_at) VALUES "
            "(?,?,?,?,?,?,?,?,?,?,?,?)",
            {n.key.economy, n.key.period, n.key.measure, n.key.lang,
             std::string(StageName(n.stage)), n.progress, n.challenges, n.next_steps, p.author,
             p.origin, p.reason, NowUtc()}));
      }));
    }
  }
  return Transition(store, id, {ChangesetState::kPublishing}, ChangesetState::kPublished, actor,
                    comment, "published");
}

// ------------------------------------------------------------------ narratives (store.h)

Result<std::vector<Narrative>> Store::ListNarratives(const NarrativeFilter& f) {
  return InTx<std::vector<Narrative>>(*this, [&](Tx& tx) -> Result<std::vector<Narrative>> {
    std::string where =
        " WHERE n.id = (SELECT MAX(x.id) FROM narrative_revision x WHERE x.economy = n.economy "
        "AND x.period = n.period AND x.measure = n.measure AND x.lang = n.lang)";
    std::vector<Value> params;
    if (!f.economies.empty()) {
      where += " AND n.economy IN (";
      for (size_t i = 0; i < f.economies.size(); ++i) {
        where += i ? ",?" : "?";
        params.emplace_back(f.economies[i]);
      }
      where += ")";
    }
    if (f.period) {
      where += " AND n.period = ?";
      params.emplace_back(*f.period);
    }
    std::string cols;
    for (std::string_view c : {"id", "economy", "period", "measure", "lang", "stage", "progress",
                               "challenges", "next_steps", "author", "origin", "reason",
                               "recorded_at"}) {
      if (!cols.empty()) cols += ", ";
      cols += "n.";
      cols += c;
    }
    SPCOOP_ASSIGN_OR_RETURN(
        auto rows,
        tx.Query(fmt::format("SELECT {} FROM narrative_revision n{} ORDER BY n.economy, n.period, "
                             "n.measure, n.lang",
                             cols, where),
                 params));
    std::vector<Narrative> out;
    for (const Row& r : rows) out.push_back(ReadNarrative(r));
    return out;
  });
}

Result<std::vector<Narrative>> Store::NarrativeHistory(const NarrativeKey& key) {
  return InTx<std::vector<Narrative>>(*this, [&](Tx& tx) -> Result<std::vector<Narrative>> {
    SPCOOP_ASSIGN_OR_RETURN(
        auto rows,
        tx.Query(fmt::format("SELECT {} FROM narrative_revision WHERE economy = ? AND period = ? "
                             "AND measure = ? AND lang = ? ORDER BY id",
                             kNarrativeColumns),
                 {key.economy, key.period, key.measure, key.lang}));
    std::vector<Narrative> out;
    for (const Row& r : rows) out.push_back(ReadNarrative(r));
    return out;
  });
}

}  // namespace spcoop
