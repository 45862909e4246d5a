/**
 * Schema of the state database (catalog.db in the home folder). Migrations are
 * append-only: each entry upgrades PRAGMA user_version by one.
 */
export const CATALOG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id            INTEGER PRIMARY KEY,
    job           TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    ended_at      TEXT,
    result        TEXT NOT NULL CHECK (result IN ('running', 'success', 'warning', 'failed', 'interrupted')),
    bytes_added   INTEGER,
    snapshot_id   TEXT,
    error_kind    TEXT,
    error_message TEXT,
    details       TEXT,
    host_pid      INTEGER NOT NULL
  );
  CREATE INDEX runs_job_started ON runs (job, started_at);

  CREATE TABLE snapshots (
    id            TEXT PRIMARY KEY,
    repository_id TEXT NOT NULL,
    time          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('sqlite', 'files')),
    tier          INTEGER NOT NULL,
    source        TEXT NOT NULL,
    tree_id       TEXT NOT NULL,
    size_bytes    INTEGER,
    bytes_added   INTEGER NOT NULL,
    sha256        TEXT,
    verification  TEXT,
    run_id        INTEGER REFERENCES runs (id)
  );
  CREATE INDEX snapshots_kind_time ON snapshots (kind, time);

  CREATE TABLE events (
    id      INTEGER PRIMARY KEY,
    time    TEXT NOT NULL,
    level   TEXT NOT NULL CHECK (level IN ('info', 'warning', 'error')),
    type    TEXT NOT NULL,
    message TEXT NOT NULL,
    data    TEXT
  );
  CREATE INDEX events_time ON events (time);
  `,
];
