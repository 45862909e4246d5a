/**
 * Operations log bench: `compliance` (the report) and `compliance verify-log`
 * on a repository whose log holds a year of 15-minute snapshot runs (~35,000
 * entries) plus one thinning 'forget' entry a day, and the steady-state cost
 * of the flush after every run. The peer is the floor for the same data: the
 * time to list, load and decrypt every batch file without any checking.
 *
 * Built synthetically through appendOperation: by default one batch file per
 * run, as recordRun's flush after every run writes them (--per-batch N groups
 * N runs into one file). The repository uses a fast KDF so scrypt does not
 * hide the log's own cost.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadBatch, saveBatch } from '../main/engine/compliance/oplog-batch.ts';
import { flushOplog } from '../main/engine/compliance/oplog-flush.ts';
import { OplogStore } from '../main/engine/compliance/oplog-store.ts';
import { appendOperation } from '../main/engine/compliance/oplog.ts';
import { createEngine } from '../main/engine/engine.ts';
import { formatDate } from '../main/engine/util/rfc3339.ts';
import { createTradingDb } from '../test/support/trading-db.ts';
import { instants, keptInstants, TIER1_POLICY } from './lib/retention-timeline.ts';
import { ratio } from './lib/stats.ts';
import { formatTable, seconds, times } from './lib/table.ts';

const { values: args } = parseArgs({
  options: { days: { type: 'string', default: '365' }, 'per-batch': { type: 'string', default: '1' }, keep: { type: 'boolean', default: false } },
});
const days = Number(args.days);
const perBatch = Math.max(1, Number(args['per-batch']));

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

const dir = mkdtempSync(join(tmpdir(), 'oplog-bench-'));
const password = 'oplog bench password';
const start = new Date('2025-01-01T00:00:00Z');
const all = instants(start, days, 15);
const end = all.at(-1)!;
const clock = { now: () => new Date(end.getTime() + 60_000) };
const engine = createEngine({
  home: join(dir, 'home'), clock, kdf: { N: 1024, r: 8, p: 1 },
  secrets: { repositoryPassword: async () => password, secret: async () => null },
});
try {
  const dbPath = join(dir, 'trading.db');
  createTradingDb(dbPath, { accounts: 2, trades: 10 });
  await engine.initialize({ repoPath: join(dir, 'repo'), dbPath });
  // The synthetic thinning below buckets days in UTC: the report must judge months in the same zone.
  const configFile = join(dir, 'home', 'config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as { schedule?: Record<string, unknown> };
  writeFileSync(configFile, JSON.stringify({ ...config, schedule: { ...config.schedule, timezone: 'UTC' } }));
  const repo = await engine.openRepository();
  const catalog = engine.catalog;
  const store = new OplogStore(catalog);

  // The snapshots the tier-1 policy keeps at the end are real snapshot files (one shared empty tree).
  const kept = keptInstants(all, TIER1_POLICY);
  const { id: tree } = await repo.saveTree({ nodes: [] });
  const ids = new Map<number, string>();
  const buildStart = performance.now();
  for (const i of [...kept].sort((a, b) => a - b)) {
    ids.set(i, await repo.saveSnapshot({
      time: formatDate(all[i]!), tree, paths: [dbPath], hostname: 'ws', username: 'trader', uid: 1000, gid: 1000,
      tags: ['quantai', 'kind:sqlite', 'tier:1'],
    }));
  }
  const fakeId = (i: number): string => ids.get(i) ?? i.toString(16).padStart(64, '0');

  // One run entry per instant; once a day a forget of the snapshots that left the 30-day window unkept.
  let pending = 0;
  const writeBatch = async (): Promise<void> => {
    const head = store.headSeq();
    const entries = store.entries(head - pending + 1, head);
    const name = await saveBatch(repo, entries);
    store.recordBatch({ repositoryId: repo.id, name, firstSeq: entries[0]!.seq, lastSeq: head, writtenAt: new Date().toISOString() });
    pending = 0;
  };
  for (let i = 0; i < all.length; i++) {
    const at = all[i]!;
    const ctx = { catalog, clock: { now: () => at }, hostname: 'ws' };
    appendOperation(ctx, { type: 'snapshot', summary: `snapshot run ${i} success`, data: { runId: i, result: 'success', snapshotId: fakeId(i) } });
    pending++;
    if ((i + 1) % 96 === 0 && i >= 96 * 31) {
      const forgotten = [];
      for (let j = i + 1 - 96 * 31; j > i + 1 - 96 * 32; j--) {
        if (!kept.has(j)) forgotten.push({ id: fakeId(j), time: formatDate(all[j]!), tags: ['quantai', 'kind:sqlite', 'tier:1'], paths: [dbPath], class: 'trade-records' });
      }
      appendOperation(ctx, { type: 'forget', summary: `forgot ${forgotten.length} snapshots (policy)`, data: { snapshots: forgotten } });
      pending++;
    }
    if (pending >= perBatch) await writeBatch();
  }
  if (pending > 0) await writeBatch();
  const buildMs = performance.now() - buildStart;
  const entries = store.headSeq();
  const batches = store.batches(repo.id).length;

  // Peer: list, load and decrypt every batch, no checks.
  const peer = await timed(async () => {
    let n = 0;
    for (const f of await repo.backend.list('oplog')) n += (await loadBatch(repo, f.name)).length;
    return n;
  });
  if (peer.value !== entries) throw new Error(`peer read ${peer.value} entries, expected ${entries}`);
  const report = await timed(() => engine.complianceReport());
  const verify = await timed(() => engine.verifyLog({}));
  if (!verify.value.ok) throw new Error(`verify-log failed: ${verify.value.firstBad?.message}`);
  appendOperation({ catalog, clock, hostname: 'ws' }, { type: 'snapshot', summary: 'one more run' });
  const flush = await timed(() => flushOplog(catalog, repo, clock.now()));
  // What every flush cost before it read the catalog's batch records: a listing of the whole folder.
  const listing = await timed(() => repo.backend.list('oplog'));

  console.log(`operations log: ${entries} entries in ${batches} batch files (${days} days of 15-minute runs, ${kept.size} snapshots kept; built in ${seconds(buildMs)})`);
  console.log(formatTable(['measure', 'time', 'vs peer (read+decrypt all)'], [
    ['peer: list + load + decrypt every batch', seconds(peer.ms), '1.0x'],
    ['compliance (report)', seconds(report.ms), times(ratio(report.ms, peer.ms))],
    ['compliance verify-log', seconds(verify.ms), times(ratio(verify.ms, peer.ms))],
    ['flush after one more run', seconds(flush.ms), times(ratio(flush.ms, peer.ms))],
    ['listing the log folder (the old per-run flush cost)', seconds(listing.ms), times(ratio(listing.ms, peer.ms))],
  ]));
  console.log(`report status ${report.value.status}, early deletions ${report.value.earlyDeletions.length}; verify-log ok=${verify.value.ok}`);
} finally {
  engine.close();
  if (!args.keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
