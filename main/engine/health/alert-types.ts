/**
 * What the alert rules produce and the dispatcher delivers. A condition is a
 * fact true right now ("no backup in the last hour"); its `key` identifies it
 * across evaluations (rule + subject), so one condition is one alert until it
 * stops being true, however often the rules run.
 */
export type Severity = 'warning' | 'critical';

export type AlertRuleName =
  | 'no-recent-backup'
  | 'verification-failed'
  | 'too-few-backups'
  | 'backup-size-change'
  | 'destination-stale'
  | 'destination-missing'
  | 'destination-low-space'
  | 'drill-failed'
  | 'drill-slow'
  // The offsite rotation's reminders (issue 7): a copy is due, a drive should leave, one should come back.
  | 'offsite-copy-due'
  | 'offsite-take-offsite'
  | 'offsite-bring-back'
  // Real-time replication (issue 9): lag above the limit, or the replicator not running while enabled.
  | 'replication-lag'
  // The operations log (issue 8): a broken hash chain, or entries that have not reached the repository for a day.
  | 'oplog-broken'
  | 'oplog-backlog';

export interface AlertCondition {
  /** Stable identity, e.g. 'no-recent-backup:tier-1'. */
  key: string;
  rule: AlertRuleName;
  severity: Severity;
  /** Short, for a notification title or an SMS. */
  title: string;
  /** One or two sentences a person can act on. Never contains secrets. */
  message: string;
  data?: Record<string, unknown>;
}

/** An alert as stored and shown (the catalog's alerts table). */
export interface AlertRecord extends AlertCondition {
  id: number;
  openedAt: string;
  resolvedAt: string | null;
  lastNotifiedAt: string | null;
  notifyCount: number;
}

/** Emitted by the engine for the host to show as a desktop notification. */
export interface AlertEvent {
  kind: 'opened' | 'reminder' | 'resolved';
  alert: AlertRecord;
}
