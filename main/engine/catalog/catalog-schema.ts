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
  // 4: legal holds (issue 8) and the snapshots retention forgot. A hold is never deleted: releasing it is recorded.
  `
  CREATE TABLE legal_holds (
    id             INTEGER PRIMARY KEY,
    created_at     TEXT NOT NULL,
    reason         TEXT NOT NULL CHECK (length(reason) > 0),
    scope          TEXT NOT NULL CHECK (scope IN ('snapshot', 'range', 'class')),
    snapshot_id    TEXT,
    range_from     TEXT,
    range_to       TEXT,
    class_name     TEXT,
    created_by     TEXT NOT NULL,
    released_at    TEXT,
    release_reason TEXT,
    released_by    TEXT,
    CHECK ((scope = 'snapshot') = (snapshot_id IS NOT NULL)),
    CHECK ((scope = 'range') = (range_from IS NOT NULL AND range_to IS NOT NULL)),
    CHECK ((scope = 'class') = (class_name IS NOT NULL)),
    CHECK ((released_at IS NULL) = (release_reason IS NULL))
  );
  CREATE INDEX legal_holds_active ON legal_holds (released_at);

  CREATE TABLE forgotten_snapshots (
    repository_id TEXT NOT NULL,
    snapshot_id   TEXT NOT NULL,
    time          TEXT NOT NULL,
    class_name    TEXT,
    hostname      TEXT NOT NULL,
    paths         TEXT NOT NULL,
    tags          TEXT NOT NULL,
    forgotten_at  TEXT NOT NULL,
    run_id        INTEGER REFERENCES runs (id),
    sha256        TEXT,
    PRIMARY KEY (repository_id, snapshot_id)
  );
  CREATE INDEX forgotten_snapshots_time ON forgotten_snapshots (forgotten_at);
  `,
  // 5: the operations log's local chain (issue 8): every entry, hash-chained, and the
  // repository batch files it was flushed to (per repository, so a new repository gets it all).
  `
  CREATE TABLE oplog (
    seq       INTEGER PRIMARY KEY,
    time      TEXT NOT NULL,
    host      TEXT NOT NULL,
    user      TEXT NOT NULL,
    type      TEXT NOT NULL,
    summary   TEXT NOT NULL,
    data      TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
  );

  CREATE TABLE oplog_batches (
    repository_id TEXT NOT NULL,
    name          TEXT NOT NULL,
    first_seq     INTEGER NOT NULL,
    last_seq      INTEGER NOT NULL,
    written_at    TEXT NOT NULL,
    PRIMARY KEY (repository_id, name)
  );
  CREATE INDEX oplog_batches_last ON oplog_batches (repository_id, last_seq);
  `,
  // 6: real-time replication state (issue 9): one row per database (where shipping stands, for
  // status and resume; the repository's wal/ folder stays the truth) and a lag sample per segment.
  `
  CREATE TABLE replication_state (
    db_path           TEXT PRIMARY KEY,
    repository_id     TEXT NOT NULL,
    generation        TEXT NOT NULL,
    generation_at     TEXT NOT NULL,
    frame_seq         INTEGER NOT NULL,
    wal_position      TEXT NOT NULL,
    last_commit_at    TEXT,
    last_shipped_at   TEXT,
    state             TEXT NOT NULL,
    state_message     TEXT,
    pid               INTEGER,
    updated_at        TEXT NOT NULL
  );
  CREATE TABLE replication_lag (
    id          INTEGER PRIMARY KEY,
    db_path     TEXT NOT NULL,
    time        TEXT NOT NULL,
    lag_ms      REAL NOT NULL,
    commits     INTEGER NOT NULL,
    frames      INTEGER NOT NULL,
    bytes       INTEGER NOT NULL
  );
  CREATE INDEX replication_lag_time ON replication_lag (db_path, time);
  `,
];
