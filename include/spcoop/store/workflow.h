// spcoop/store/workflow.h — national changes under review: change sets of draft observations,
// targets and narratives that a focal point submits and the secretariat publishes or returns.
//
//   DraftChange c = DraftChange::ForObservation(obs, {"ana", "edit", "corrected from source"});
//   SPCOOP_ASSIGN_OR_RETURN(Changeset cs, AddDraftChanges(store, "KHM", "ana", {&c, 1}));
//   SPCOOP_ASSIGN_OR_RETURN(cs, SubmitChangeset(store, cs.id, "ana", "2024 survey"));
//   SPCOOP_ASSIGN_OR_RETURN(cs, PublishChangeset(store, cs.id, "sec", "checked"));
//
// Model. Published data lives in the store's revision tables (store.h): what the public sees.
// Unpublished work lives apart, in change sets, so no public read can ever pick up a draft:
// - An economy has at most one open change set (draft or returned); edits go into it. While its
//   latest change set is submitted (or being published), new edits are refused with
//   kFailedPrecondition until the secretariat publishes or returns it.
// - Every edit appends a draft_change row; the latest row per object is the change set's value
//   for that object. Every state change appends a changeset_event. Nothing is updated in place.
// - States: draft -> submitted -> published, or submitted -> returned (editable) -> submitted.
//   Transitions check the current state inside the transaction: of two reviewers acting at
//   once, one succeeds and the other gets kConflict.
// - Publishing appends published revisions (observations through Store::ApplyImport, targets
//   through Store::SetTarget, narratives here), each carrying its author's name and reason and
//   origin "changeset:<id>". It runs as: mark "publishing" (one transaction), apply (each write
//   atomic and idempotent: unchanged values add no revision), mark "published". If the process
//   dies in between, the change set stays "publishing" and publishing it again completes it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "spcoop/core/status.h"
#include "spcoop/core/types.h"
#include "spcoop/store/store.h"

namespace spcoop {

enum class ChangesetState { kDraft, kSubmitted, kReturned, kPublishing, kPublished };
// "draft", "submitted", "returned", "publishing", "published".
std::string_view ChangesetStateName(ChangesetState state);
std::optional<ChangesetState> ParseChangesetState(std::string_view name);

enum class ChangeKind { kObservation, kTarget, kNarrative };
std::string_view ChangeKindName(ChangeKind kind);  // "observation", "target", "narrative"

struct DraftChange {
  int64_t id = 0;
  int64_t changeset_id = 0;
  ChangeKind kind = ChangeKind::kObservation;
  Observation observation;  // kind == kObservation: key, value, attributes
  Target target;            // kind == kTarget
  Narrative narrative;      // kind == kNarrative
  Provenance provenance;    // author and reason of this edit
  std::string recorded_at;

  static DraftChange ForObservation(const Observation& o, Provenance p);
  static DraftChange ForTarget(const Target& t, Provenance p);
  static DraftChange ForNarrative(const Narrative& n, Provenance p);
  std::string economy() const;
  // Identifies the object the change is about: kind, then the key fields.
  std::string ObjectKey() const;
};

struct ChangesetEvent {
  ChangesetState state = ChangesetState::kDraft;
  std::string actor;
  std::string comment;
  std::string at;
};

struct Changeset {
  int64_t id = 0;
  std::string economy;
  std::string created_by;
  std::string created_at;
  ChangesetState state = ChangesetState::kDraft;
  std::string updated_at;              // time of the latest event or change
  std::vector<ChangesetEvent> events;  // oldest first
  int64_t observations = 0;            // distinct objects changed, by kind
  int64_t targets = 0;
  int64_t narratives = 0;
};

struct ChangesetFilter {
  std::vector<std::string> economies;  // empty = all
  std::optional<ChangesetState> state;
  int64_t limit = 200;                 // newest first
};

// Appends `changes` (all of `economy`) to the economy's open change set, creating one when
// there is none, in one transaction. kFailedPrecondition while a submission is under review;
// kInvalidArgument when a change belongs to another economy.
Result<Changeset> AddDraftChanges(Store& store, std::string_view economy, std::string_view actor,
                                  std::span<const DraftChange> changes);
Result<Changeset> GetChangeset(Store& store, int64_t id);  // kNotFound
// The economy's newest change set, if any.
Result<std::optional<Changeset>> LatestChangeset(Store& store, std::string_view economy);
Result<std::vector<Changeset>> ListChangesets(Store& store, const ChangesetFilter& filter);
// The change set's value for each object (its latest change), ordered by object key.
Result<std::vector<DraftChange>> ChangesetChanges(Store& store, int64_t id);
// Every change ever appended to the change set, oldest first.
Result<std::vector<DraftChange>> ChangesetLog(Store& store, int64_t id);

// draft|returned -> submitted. kFailedPrecondition when it has no changes.
Result<Changeset> SubmitChangeset(Store& store, int64_t id, std::string_view actor,
                                  std::string_view comment);
// submitted -> returned; the comment says what to fix (required).
Result<Changeset> ReturnChangeset(Store& store, int64_t id, std::string_view actor,
                                  std::string_view comment);
// submitted|publishing -> published, applying every change (see the top of this file).
Result<Changeset> PublishChangeset(Store& store, int64_t id, std::string_view actor,
                                   std::string_view comment);

}  // namespace spcoop
