/**
 * The tamper-evident operations log: what was done to the backups, by whom and
 * when. Entries go into the catalog first (synchronously, so nothing done is
 * ever unlogged), then a flush copies the ones the repository lacks into an
 * encrypted batch file there (oplog-flush.ts): the repository copy, mirrored
 * to the cloud and the offsite drives, is the evidence.
 *
 * Data contracts the compliance report reads (keep them when logging):
 *  - 'forget': data.snapshots = [{ id, time, tags?, paths?, class? }], one per
 *    snapshot removed; a removal younger than its class's retention is a finding.
 *  - 'hold' / 'hold-release': data.holdId, data.reason.
 *  - job runs (recordRun): data = { runId, result, snapshotId?, errorKind?, errorMessage? }.
 */
import { hostname, userInfo } from 'node:os';
import type { Catalog } from '../catalog/catalog.ts';
import type { Clock } from '../clock.ts';
import type { JobName } from '../engine-events.ts';
import { canonicalJson, type OplogEntry } from './oplog-chain.ts';
import { OplogStore } from './oplog-store.ts';

export type { OplogEntry } from './oplog-chain.ts';

/** Every job's runs (recordRun logs them under the job's name), plus operations that are not job runs. */
export type OperationType =
  | JobName
  | 'init' | 'settings' | 'password'
  | 'snapshot' | 'backup' | 'full' | 'restore' | 'check' | 'verify' | 'drill'
  | 'cloud' | 'offsite' | 'offsite-enroll' | 'offsite-movement' | 'replication'
  | 'retention' | 'forget' | 'prune' | 'mirror-prune' | 'hold' | 'hold-release';

export interface OperationInput {
  type: OperationType;
  /** One line a person reads in the report, e.g. "forgot 12 snapshots (policy tier-1)". */
  summary: string;
  /** Structured detail; must survive JSON (no Dates: ISO strings), never a secret. */
  data?: Record<string, unknown>;
}

/** What appending needs: a JobContext has it all. */
export interface OplogContext {
  catalog: Catalog;
  clock: Clock;
  /** The machine's name when absent. */
  hostname?: string;
}

/**
 * Appends one entry to the catalog's chain and returns it (sealed: seq, prevHash,
 * hash). Synchronous so a caller logs before it reports success. The repository
 * copy follows at the next flush (recordRun flushes after every run).
 */
export function appendOperation(ctx: OplogContext, op: OperationInput): OplogEntry {
  // Round-trip the data through canonical JSON now, so the hash covers exactly what is stored and read back.
  const data = op.data === undefined ? null : (JSON.parse(canonicalJson(op.data)) as Record<string, unknown>);
  return new OplogStore(ctx.catalog).append({
    time: ctx.clock.now().toISOString(),
    host: ctx.hostname ?? hostname(),
    user: currentUser(),
    type: op.type,
    summary: op.summary,
    data,
  });
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch (err) {
    // A uid without a passwd entry (some containers): still name who it was.
    return `uid ${process.getuid?.() ?? 'unknown'} (${err instanceof Error ? err.message : String(err)})`.slice(0, 80);
  }
}
