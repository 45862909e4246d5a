/**
 * The replica bucket in mode 'mirror' as a health destination of its own: fresh
 * as the newest 'cloud' run whose details say the replica was mirrored
 * (jobs/cloud-job.ts stores each bucket's result there). A replica that keeps
 * failing while the main bucket succeeds thus goes stale and raises the usual
 * destination-stale alert. Mode 'crr' is S3's own copy: nothing to track here.
 */
import type Database from 'better-sqlite3';
import type { Config } from '../config/config-schema.ts';
import type { DestinationInput } from '../health/health-types.ts';

export const REPLICA_DESTINATION = 'cloud-replica';

interface RunTimes { started_at: string; ended_at: string | null }

/** When the main bucket was last mirrored: a run that only warned (its replica failed) still refreshed it. */
export function mainBucketLastSuccess(db: Database.Database): string | null {
  const row = db.prepare("SELECT started_at, ended_at FROM runs WHERE job = 'cloud' AND result IN ('success', 'warning') ORDER BY id DESC LIMIT 1")
    .get() as RunTimes | undefined;
  return row ? row.ended_at ?? row.started_at : null;
}

export function replicaDestination(db: Database.Database, config: Pick<Config, 'cloud'>, installed: string | null): DestinationInput[] {
  const cloud = config.cloud;
  if (!cloud.enabled || !cloud.bucket || cloud.replica?.mode !== 'mirror') return [];
  const ok = db.prepare(`SELECT started_at, ended_at FROM runs WHERE job = 'cloud' AND json_extract(details, '$.replica.ok') = 1
                         ORDER BY id DESC LIMIT 1`).get() as RunTimes | undefined;
  return [{
    name: REPLICA_DESTINATION,
    kind: 'cloud',
    addedAt: installed,
    lastSuccess: ok ? ok.ended_at ?? ok.started_at : null,
    // Verification and drills read the main bucket; the replica is the same files.
    verifications: [],
    lastDrill: null,
    space: null,
  }];
}
