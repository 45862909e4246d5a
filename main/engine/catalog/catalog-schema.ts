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
    result        TEXT NOT NULL CHECK (result IN ('running', 'success', 'warning', 'failed', 'interrupted', 'skipped')),
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
  // 2: scheduler state, verification, restore drills, alerts and their notifications.
  `
  CREATE TABLE job_state (
    job               TEXT PRIMARY KEY,
    paused_until      TEXT,
    pause_reason      TEXT,
    last_scheduled_at TEXT
  );

  CREATE TABLE verifications (
    id          INTEGER PRIMARY KEY,
    time        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('metadata', 'daily', 'full')),
    destination TEXT NOT NULL,
    ok          INTEGER NOT NULL,
    snapshot_id TEXT,
    report      TEXT
  );
  CREATE INDEX verifications_time ON verifications (destination, time);

  CREATE TABLE pack_reads (
    repository_id TEXT NOT NULL,
    pack_id       TEXT NOT NULL,
    last_read_at  TEXT NOT NULL,
    ok            INTEGER NOT NULL,
    PRIMARY KEY (repository_id, pack_id)
  );

  CREATE TABLE drills (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    destination TEXT NOT NULL,
    ok          INTEGER,
    duration_ms INTEGER,
    rto_ms      INTEGER,
    report_json TEXT,
    report_html TEXT
  );
  CREATE INDEX drills_started ON drills (destination, started_at);

  CREATE TABLE alerts (
    id               INTEGER PRIMARY KEY,
    key              TEXT NOT NULL,
    rule             TEXT NOT NULL,
    severity         TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),
    title            TEXT NOT NULL,
    message          TEXT NOT NULL,
    opened_at        TEXT NOT NULL,
    resolved_at      TEXT,
    last_notified_at TEXT,
    notify_count     INTEGER NOT NULL DEFAULT 0,
    data             TEXT
  );
  CREATE UNIQUE INDEX alerts_open_key ON alerts (key) WHERE resolved_at IS NULL;

  CREATE TABLE notifications (
    id       INTEGER PRIMARY KEY,
    alert_id INTEGER REFERENCES alerts (id),
    channel  TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('opened', 'reminder', 'resolved', 'test')),
    time     TEXT NOT NULL,
    ok       INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    error    TEXT
  );
  CREATE INDEX notifications_alert ON notifications (alert_id, channel);
  `,
  // 3: offsite drives (issue 7): enrolled drives, copies made to them, and their trips offsite.
  `
  CREATE TABLE offsite_drives (
    id          INTEGER PRIMARY KEY,
    label       TEXT NOT NULL UNIQUE,
    fs_uuid     TEXT NOT NULL UNIQUE,
    fs_type     TEXT,
    marker_id   TEXT NOT NULL,
    enrolled_at TEXT NOT NULL,
    retired_at  TEXT
  );

  CREATE TABLE offsite_copies (
    id                   INTEGER PRIMARY KEY,
    drive_id             INTEGER NOT NULL REFERENCES offsite_drives (id),
    run_id               INTEGER REFERENCES runs (id),
    started_at           TEXT NOT NULL,
    finished_at          TEXT,
    ok                   INTEGER,
    newest_snapshot_time TEXT,
    snapshot_ids         TEXT,
    files_copied         INTEGER,
    bytes_copied         INTEGER,
    error                TEXT
  );
  CREATE INDEX offsite_copies_drive ON offsite_copies (drive_id, started_at);

  CREATE TABLE offsite_movements (
    id       INTEGER PRIMARY KEY,
    drive_id INTEGER NOT NULL REFERENCES offsite_drives (id),
    kind     TEXT NOT NULL CHECK (kind IN ('checkout', 'checkin')),
    time     TEXT NOT NULL,
    note     TEXT
  );
  CREATE INDEX offsite_movements_drive ON offsite_movements (drive_id, time);
  `,
  // 4: legal holds (issue 8). RESERVED: the retention work replaces this line's SQL.
  `SELECT 1;`,
  // 5: the operations log's local chain (issue 8). RESERVED: the compliance work replaces this line's SQL.
  `SELECT 1;`,
  // 6: real-time replication state (issue 9). RESERVED: the replication work replaces this line's SQL.
  `SELECT 1;`,
];
