/**
 * Copies per tier for the report's 3-2-1 line: the local repository always,
 * the cloud copy when its last successful sync is within the health stale
 * limit, an offsite drive when its last good copy is (31 days by default).
 * Read from the catalog: what the jobs recorded, no destination is opened.
 */
import type { Catalog } from '../catalog/catalog.ts';
import { VerificationStore } from '../catalog/verification-store.ts';
import type { Config } from '../config/config-schema.ts';

const HOUR_MS = 3_600_000;

export interface CopyState {
  configured: boolean;
  current: boolean;
  lastCopyAt: string | null;
  lastVerifiedAt: string | null;
  detail: string;
}

export interface CopiesReport {
  local: CopyState;
  cloud: CopyState;
  offsite: CopyState;
  /** Current copies (local counts as one). */
  count: number;
}

export function copiesReport(catalog: Catalog, config: Config, now: Date): CopiesReport {
  const verifications = new VerificationStore(catalog);
  const lastLocalVerify = verifications.latest({ destination: 'local' });
  const local: CopyState = {
    configured: true, current: true, lastCopyAt: null,
    lastVerifiedAt: lastLocalVerify?.ok ? lastLocalVerify.time : null,
    detail: config.repository.path,
  };

  const cloudRun = catalog.lastRun('cloud', 'success');
  const cloudLimitMs = config.health.destinations.cloudStaleHours * HOUR_MS;
  const cloudAt = cloudRun?.endedAt ?? null;
  const lastCloudVerify = verifications.latest({ destination: 'cloud' });
  const cloud: CopyState = {
    configured: config.cloud.enabled,
    current: config.cloud.enabled && cloudAt !== null && now.getTime() - Date.parse(cloudAt) <= cloudLimitMs,
    lastCopyAt: cloudAt,
    lastVerifiedAt: lastCloudVerify?.ok ? lastCloudVerify.time : null,
    detail: config.cloud.enabled ? `bucket ${config.cloud.bucket ?? '?'}` : 'not configured',
  };

  const offsiteRow = catalog.database
    .prepare(`SELECT c.finished_at AS at, d.label AS label FROM offsite_copies c JOIN offsite_drives d ON d.id = c.drive_id
              WHERE c.ok = 1 AND c.finished_at IS NOT NULL ORDER BY c.finished_at DESC LIMIT 1`)
    .get() as { at: string; label: string } | undefined;
  const drives = (catalog.database.prepare('SELECT COUNT(*) AS n FROM offsite_drives WHERE retired_at IS NULL').get() as { n: number }).n;
  const offsiteLimitMs = config.health.destinations.offsiteStaleDays * 24 * HOUR_MS;
  const offsite: CopyState = {
    configured: drives > 0,
    current: offsiteRow !== undefined && now.getTime() - Date.parse(offsiteRow.at) <= offsiteLimitMs,
    lastCopyAt: offsiteRow?.at ?? null,
    lastVerifiedAt: null,
    detail: drives > 0 ? `${drives} enrolled drive(s)${offsiteRow ? `, last copy on ${offsiteRow.label}` : ''}` : 'no drive enrolled',
  };
  return { local, cloud, offsite, count: [local, cloud, offsite].filter((c) => c.current).length };
}
