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
};

}  // namespace spcoop::sqlite
