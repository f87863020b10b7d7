// Internal: the numbered schema migrations of the PostgreSQL backend. Append only: never edit a
// migration that has shipped; add the next number instead. Version numbers and the logical
// schema (tables, columns, keys, append-only triggers) match sqlite_migrations.h one for one, so
// a database can move between backends by export and import; only the column types are
// PostgreSQL's own (BIGINT identities, DOUBLE PRECISION, BOOLEAN), and every text column that is
// a key or an ORDER BY column is COLLATE "C", so it sorts and compares byte-wise like SQLite's
// BINARY collation whatever the database's locale.
//
// Every object is created unqualified, so it lands in the first schema of the connection's
// search_path (see docs/postgresql.md: one schema per deployment is possible).
#pragma once

#include <string_view>

namespace spcoop::pg {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

inline constexpr Migration kMigrations[] = {
    {1, "reference data, observations and targets as append-only revisions", R"sql(
CREATE TABLE meta (
  key   TEXT COLLATE "C" PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE economy (
  iso3 TEXT COLLATE "C" PRIMARY KEY, iso2 TEXT NOT NULL, m49 TEXT NOT NULL,
  name_en TEXT NOT NULL, name_zh TEXT NOT NULL, name_ru TEXT NOT NULL, name_fr TEXT NOT NULL,
  name_short_en TEXT NOT NULL, subregion TEXT NOT NULL, membership TEXT NOT NULL,
  income_group TEXT NOT NULL, wb_region TEXT NOT NULL,
  ldc BOOLEAN NOT NULL, lldc BOOLEAN NOT NULL, sids BOOLEAN NOT NULL
);

CREATE TABLE population (
  economy TEXT COLLATE "C" NOT NULL, year INTEGER NOT NULL, sex TEXT COLLATE "C" NOT NULL,
  age_from INTEGER NOT NULL, age_to INTEGER NOT NULL,
  population DOUBLE PRECISION NOT NULL, variant TEXT NOT NULL,
  PRIMARY KEY (economy, year, sex, age_from)
);

CREATE TABLE indicator_value (
  economy TEXT COLLATE "C" NOT NULL, indicator TEXT COLLATE "C" NOT NULL,
  location TEXT COLLATE "C" NOT NULL, year INTEGER NOT NULL,
  value DOUBLE PRECISION NOT NULL, unit TEXT NOT NULL, status TEXT NOT NULL, source TEXT NOT NULL,
  PRIMARY KEY (economy, indicator, location, year)
);

CREATE TABLE regional_estimate (
  region TEXT COLLATE "C" NOT NULL, region_name TEXT NOT NULL, series TEXT COLLATE "C" NOT NULL,
  sex TEXT COLLATE "C" NOT NULL,
  year INTEGER NOT NULL, value DOUBLE PRECISION NOT NULL, source TEXT NOT NULL,
  PRIMARY KEY (region, series, sex, year)
);

CREATE TABLE import_batch (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  file_name TEXT NOT NULL, sha256 TEXT NOT NULL, format TEXT NOT NULL,
  source TEXT NOT NULL, vintage TEXT NOT NULL,
  author TEXT NOT NULL, origin TEXT NOT NULL, reason TEXT NOT NULL, recorded_at TEXT NOT NULL,
  rows BIGINT NOT NULL, added BIGINT NOT NULL, changed BIGINT NOT NULL,
  unchanged BIGINT NOT NULL, skipped BIGINT NOT NULL
);

-- One row per series key without the year; observations refer to it.
CREATE TABLE obs_key (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  series TEXT COLLATE "C" NOT NULL, economy TEXT COLLATE "C" NOT NULL,
  sex TEXT COLLATE "C" NOT NULL, age TEXT COLLATE "C" NOT NULL, quantile TEXT COLLATE "C" NOT NULL,
  UNIQUE (series, economy, sex, age, quantile)
);

-- Append-only: every write of an observation is a new row here. Ids grow in commit order
-- because writers are serialised (see postgres_store.cc, "Locking").
CREATE TABLE obs_revision (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key_id BIGINT NOT NULL,
  year INTEGER NOT NULL,
  value DOUBLE PRECISION,
  deleted BOOLEAN NOT NULL DEFAULT FALSE,
  unit TEXT NOT NULL, nature TEXT NOT NULL, source TEXT NOT NULL, note TEXT NOT NULL,
  state TEXT NOT NULL,
  author TEXT NOT NULL, origin TEXT NOT NULL, reason TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  import_id BIGINT
);
CREATE INDEX obs_revision_by_key ON obs_revision (key_id, year, id);

-- The latest revision of each key: an index over obs_revision, kept in the same transaction.
CREATE TABLE obs_current (
  key_id BIGINT NOT NULL, year INTEGER NOT NULL, revision_id BIGINT NOT NULL,
  PRIMARY KEY (key_id, year)
);

-- Refuses any UPDATE, DELETE or TRUNCATE of a revision table, whoever runs it. Statement-level,
-- so even a statement that matches no row is refused.
CREATE FUNCTION spcoop_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation',
          HINT = 'revisions are never rewritten; append a new revision instead';
END
$fn$;

CREATE TRIGGER obs_revision_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON obs_revision
  FOR EACH STATEMENT EXECUTE FUNCTION spcoop_refuse_rewrite();

-- The references of obs_revision (key_id -> obs_key, import_id -> import_batch) are checked once
-- per statement over all its new rows, not by a FOREIGN KEY: PostgreSQL checks a foreign key
-- with one query per inserted row, which made a million-row import spend most of its time
-- there. What the foreign keys also did, stop a referenced row from being deleted, is done by
-- refusing deletes of keys and import records outright: like revisions, they are never removed.
CREATE FUNCTION spcoop_check_revision_refs() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  -- Distinct ids first: an import of a million rows has a few thousand keys and one import.
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT key_id FROM new_revisions) n
             WHERE NOT EXISTS (SELECT 1 FROM obs_key k WHERE k.id = n.key_id)) THEN
    RAISE EXCEPTION 'obs_revision refers to a key that is not in obs_key'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT import_id FROM new_revisions) n
             WHERE n.import_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM import_batch b WHERE b.id = n.import_id)) THEN
    RAISE EXCEPTION 'obs_revision refers to an import that is not in import_batch'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END
$fn$;

CREATE TRIGGER obs_revision_references AFTER INSERT ON obs_revision
  REFERENCING NEW TABLE AS new_revisions
  FOR EACH STATEMENT EXECUTE FUNCTION spcoop_check_revision_refs();

CREATE TRIGGER obs_key_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON obs_key
  FOR EACH STATEMENT EXECUTE FUNCTION spcoop_refuse_rewrite();
CREATE TRIGGER import_batch_no_delete BEFORE DELETE OR TRUNCATE ON import_batch
  FOR EACH STATEMENT EXECUTE FUNCTION spcoop_refuse_rewrite();

CREATE TABLE target_revision (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  economy TEXT COLLATE "C" NOT NULL, series TEXT COLLATE "C" NOT NULL,
  sex TEXT COLLATE "C" NOT NULL, age TEXT COLLATE "C" NOT NULL,
  baseline_year INTEGER NOT NULL, baseline_value DOUBLE PRECISION NOT NULL,
  interim_2025 DOUBLE PRECISION, target_2030 DOUBLE PRECISION NOT NULL,
  deleted BOOLEAN NOT NULL DEFAULT FALSE,
  state TEXT NOT NULL,
  author TEXT NOT NULL, origin TEXT NOT NULL, reason TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX target_revision_by_key ON target_revision (economy, series, sex, age, id);

CREATE TRIGGER target_revision_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON target_revision
  FOR EACH STATEMENT EXECUTE FUNCTION spcoop_refuse_rewrite();
)sql"},
    {2, "accounts, sessions, API tokens, the audit trail, change sets and narratives", R"sql(
CREATE TABLE app_user (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  username TEXT COLLATE "C" NOT NULL UNIQUE,
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
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
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
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  address TEXT NOT NULL,
  action TEXT COLLATE "C" NOT NULL,
  object TEXT COLLATE "C" NOT NULL,
  outcome TEXT NOT NULL,
  before_value TEXT NOT NULL,
  after_value TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);

CREATE TABLE changeset (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  economy TEXT COLLATE "C" NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX changeset_by_economy ON changeset (economy, id);

CREATE TABLE changeset_event (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  changeset_id BIGINT NOT NULL REFERENCES changeset (id),
  state TEXT NOT NULL,
  actor TEXT NOT NULL,
  comment TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX changeset_event_by_changeset ON changeset_event (changeset_id, id);

CREATE TABLE draft_change (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  changeset_id BIGINT NOT NULL REFERENCES changeset (id),
  kind TEXT NOT NULL,
  object_key TEXT COLLATE "C" NOT NULL,
  payload TEXT NOT NULL,
  author TEXT NOT NULL,
  reason TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX draft_change_by_key ON draft_change (changeset_id, object_key, id);

CREATE TABLE narrative_revision (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  economy TEXT COLLATE "C" NOT NULL,
  period TEXT COLLATE "C" NOT NULL,
  measure TEXT COLLATE "C" NOT NULL,
  lang TEXT COLLATE "C" NOT NULL,
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

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION spcoop_refuse_rewrite();
CREATE TRIGGER changeset_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON changeset
  FOR EACH STATEMENT EXECUTE FUNCTION spcoop_refuse_rewrite();
CREATE TRIGGER changeset_event_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON changeset_event
  FOR EACH STATEMENT EXECUTE FUNCTION spcoop_refuse_rewrite();
CREATE TRIGGER draft_change_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON draft_change
  FOR EACH STATEMENT EXECUTE FUNCTION spcoop_refuse_rewrite();
CREATE TRIGGER narrative_revision_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON narrative_revision
  FOR EACH STATEMENT EXECUTE FUNCTION spcoop_refuse_rewrite();
)sql"},
    {3, "simulation runs: the jobs of POST /api/v1/simulations", R"sql(
CREATE TABLE simulation_run (
  seq BIGINT NOT NULL UNIQUE,
  id TEXT COLLATE "C" PRIMARY KEY,
  user_id BIGINT REFERENCES app_user (id),
  client TEXT COLLATE "C" NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  status TEXT COLLATE "C" NOT NULL,
  progress_done BIGINT NOT NULL DEFAULT 0,
  progress_total BIGINT NOT NULL DEFAULT 0,
  request TEXT NOT NULL,
  manifest TEXT,
  result TEXT,
  error_code TEXT,
  error_message TEXT,
  worker TEXT NOT NULL DEFAULT '',
  heartbeat_at TEXT COLLATE "C" NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX simulation_run_by_status ON simulation_run (status, seq);
CREATE INDEX simulation_run_by_user ON simulation_run (user_id, seq);
CREATE INDEX simulation_run_by_client ON simulation_run (client, status);
)sql"},
};

}  // namespace spcoop::pg
