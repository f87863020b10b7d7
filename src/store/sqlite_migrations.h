// Internal: the numbered schema migrations of the SQLite backend. Append only: never edit a
// migration that has shipped; add the next number instead.
#pragma once

#include <span>
#include <string_view>

namespace spcoop::sqlite {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

inline constexpr Migration kMigrations[] = {
    {1, "reference data, observations and targets as append-only revisions", R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE economy (
  iso3 TEXT PRIMARY KEY, iso2 TEXT NOT NULL, m49 TEXT NOT NULL,
  name_en TEXT NOT NULL, name_zh TEXT NOT NULL, name_ru TEXT NOT NULL, name_fr TEXT NOT NULL,
  name_short_en TEXT NOT NULL, subregion TEXT NOT NULL, membership TEXT NOT NULL,
  income_group TEXT NOT NULL, wb_region TEXT NOT NULL,
  ldc INTEGER NOT NULL, lldc INTEGER NOT NULL, sids INTEGER NOT NULL
);

CREATE TABLE population (
  economy TEXT NOT NULL, year INTEGER NOT NULL, sex TEXT NOT NULL,
  age_from INTEGER NOT NULL, age_to INTEGER NOT NULL,
  population REAL NOT NULL, variant TEXT NOT NULL,
  PRIMARY KEY (economy, year, sex, age_from)
) WITHOUT ROWID;

CREATE TABLE indicator_value (
  economy TEXT NOT NULL, indicator TEXT NOT NULL, location TEXT NOT NULL, year INTEGER NOT NULL,
  value REAL NOT NULL, unit TEXT NOT NULL, status TEXT NOT NULL, source TEXT NOT NULL,
  PRIMARY KEY (economy, indicator, location, year)
) WITHOUT ROWID;

CREATE TABLE regional_estimate (
  region TEXT NOT NULL, region_name TEXT NOT NULL, series TEXT NOT NULL, sex TEXT NOT NULL,
  year INTEGER NOT NULL, value REAL NOT NULL, source TEXT NOT NULL,
  PRIMARY KEY (region, series, sex, year)
) WITHOUT ROWID;

CREATE TABLE import_batch (
  id INTEGER PRIMARY KEY,
  file_name TEXT NOT NULL, sha256 TEXT NOT NULL, format TEXT NOT NULL,
  source TEXT NOT NULL, vintage TEXT NOT NULL,
  author TEXT NOT NULL, origin TEXT NOT NULL, reason TEXT NOT NULL, recorded_at TEXT NOT NULL,
  rows INTEGER NOT NULL, added INTEGER NOT NULL, changed INTEGER NOT NULL,
  unchanged INTEGER NOT NULL, skipped INTEGER NOT NULL
);

-- One row per series key without the year; observations refer to it.
CREATE TABLE obs_key (
  id INTEGER PRIMARY KEY,
  series TEXT NOT NULL, economy TEXT NOT NULL, sex TEXT NOT NULL, age TEXT NOT NULL,
  quantile TEXT NOT NULL,
  UNIQUE (series, economy, sex, age, quantile)
);

-- Append-only: every write of an observation is a new row here. Clustered by key, year and
-- revision id, so one import row is one B-tree insert, a key's history is one range scan, and
-- its current value is the last row of that range. Ids come from `sequence`, under the write lock.
CREATE TABLE obs_revision (
  key_id INTEGER NOT NULL REFERENCES obs_key(id),
  year INTEGER NOT NULL,
  id INTEGER NOT NULL,
  value REAL,
  deleted INTEGER NOT NULL DEFAULT 0,
  unit TEXT NOT NULL, nature TEXT NOT NULL, source TEXT NOT NULL, note TEXT NOT NULL,
  state TEXT NOT NULL,
  author TEXT NOT NULL, origin TEXT NOT NULL, reason TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  import_id INTEGER REFERENCES import_batch(id),
  PRIMARY KEY (key_id, year, id)
) WITHOUT ROWID;

CREATE TABLE sequence (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO sequence (name, value) VALUES ('obs_revision', 0);

CREATE TRIGGER obs_revision_append_only_u BEFORE UPDATE ON obs_revision
BEGIN SELECT RAISE(ABORT, 'obs_revision is append-only'); END;
CREATE TRIGGER obs_revision_append_only_d BEFORE DELETE ON obs_revision
BEGIN SELECT RAISE(ABORT, 'obs_revision is append-only'); END;

CREATE TABLE target_revision (
  id INTEGER PRIMARY KEY,
  economy TEXT NOT NULL, series TEXT NOT NULL, sex TEXT NOT NULL, age TEXT NOT NULL,
  baseline_year INTEGER NOT NULL, baseline_value REAL NOT NULL,
  interim_2025 REAL, target_2030 REAL NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  author TEXT NOT NULL, origin TEXT NOT NULL, reason TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX target_revision_by_key ON target_revision (economy, series, sex, age, id);

CREATE TRIGGER target_revision_append_only_u BEFORE UPDATE ON target_revision
BEGIN SELECT RAISE(ABORT, 'target_revision is append-only'); END;
CREATE TRIGGER target_revision_append_only_d BEFORE DELETE ON target_revision
BEGIN SELECT RAISE(ABORT, 'target_revision is append-only'); END;
)sql"},
    {2, "accounts, sessions, API tokens, the audit trail, change sets and narratives", R"sql(
CREATE TABLE app_user (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  economy TEXT NOT NULL DEFAULT '',
  organisation TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE user_session (
  id_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES app_user (id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  address TEXT NOT NULL,
  user_agent TEXT NOT NULL
);
CREATE INDEX user_session_by_user ON user_session (user_id);

CREATE TABLE api_token (
  id INTEGER PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES app_user (id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_used_at TEXT NOT NULL DEFAULT '',
  revoked_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_token_by_user ON api_token (user_id);

CREATE TABLE login_throttle (
  subject TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failure_at TEXT NOT NULL,
  locked_until TEXT NOT NULL
);

CREATE TABLE audit_event (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  address TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  outcome TEXT NOT NULL,
  before_value TEXT NOT NULL,
  after_value TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);

CREATE TABLE changeset (
  id INTEGER PRIMARY KEY,
  economy TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX changeset_by_economy ON changeset (economy, id);

CREATE TABLE changeset_event (
  id INTEGER PRIMARY KEY,
  changeset_id BIGINT NOT NULL REFERENCES changeset (id),
  state TEXT NOT NULL,
  actor TEXT NOT NULL,
  comment TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX changeset_event_by_changeset ON changeset_event (changeset_id, id);

CREATE TABLE draft_change (
  id INTEGER PRIMARY KEY,
  changeset_id BIGINT NOT NULL REFERENCES changeset (id),
  kind TEXT NOT NULL,
  object_key TEXT NOT NULL,
  payload TEXT NOT NULL,
  author TEXT NOT NULL,
  reason TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX draft_change_by_key ON draft_change (changeset_id, object_key, id);

CREATE TABLE narrative_revision (
  id INTEGER PRIMARY KEY,
  economy TEXT NOT NULL,
  period TEXT NOT NULL,
  measure TEXT NOT NULL,
  lang TEXT NOT NULL,
  stage TEXT NOT NULL,
  progress TEXT NOT NULL,
  challenges TEXT NOT NULL,
  next_steps TEXT NOT NULL,
  author TEXT NOT NULL,
  origin TEXT NOT NULL,
  reason TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX narrative_revision_by_key ON narrative_revision (economy, period, measure, lang, id);

CREATE TRIGGER audit_event_append_only_u BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
CREATE TRIGGER audit_event_append_only_d BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
CREATE TRIGGER changeset_append_only_u BEFORE UPDATE ON changeset
BEGIN SELECT RAISE(ABORT, 'changeset is append-only'); END;
CREATE TRIGGER changeset_append_only_d BEFORE DELETE ON changeset
BEGIN SELECT RAISE(ABORT, 'changeset is append-only'); END;
CREATE TRIGGER changeset_event_append_only_u BEFORE UPDATE ON changeset_event
BEGIN SELECT RAISE(ABORT, 'changeset_event is append-only'); END;
CREATE TRIGGER changeset_event_append_only_d BEFORE DELETE ON changeset_event
BEGIN SELECT RAISE(ABORT, 'changeset_event is append-only'); END;
CREATE TRIGGER draft_change_append_only_u BEFORE UPDATE ON draft_change
BEGIN SELECT RAISE(ABORT, 'draft_change is append-only'); END;
CREATE TRIGGER draft_change_append_only_d BEFORE DELETE ON draft_change
BEGIN SELECT RAISE(ABORT, 'draft_change is append-only'); END;
CREATE TRIGGER narrative_revision_append_only_u BEFORE UPDATE ON narrative_revision
BEGIN SELECT RAISE(ABORT, 'narrative_revision is append-only'); END;
CREATE TRIGGER narrative_revision_append_only_d BEFORE DELETE ON narrative_revision
BEGIN SELECT RAISE(ABORT, 'narrative_revision is append-only'); END;
)sql"},
    {3, "simulation runs: the jobs of POST /api/v1/simulations", R"sql(
CREATE TABLE simulation_run (
  seq BIGINT NOT NULL UNIQUE,
  id TEXT PRIMARY KEY,
  user_id BIGINT REFERENCES app_user (id),
  client TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  status TEXT NOT NULL,
  progress_done INTEGER NOT NULL DEFAULT 0,
  progress_total INTEGER NOT NULL DEFAULT 0,
  request TEXT NOT NULL,
  manifest TEXT,
  result TEXT,
  error_code TEXT,
  error_message TEXT,
  worker TEXT NOT NULL DEFAULT '',
  heartbeat_at TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX simulation_run_by_status ON simulation_run (status, seq);
CREATE INDEX simulation_run_by_user ON simulation_run (user_id, seq);
CREATE INDEX simulation_run_by_client ON simulation_run (client, status);
)sql"},
};

}  // namespace spcoop::sqlite
