/**
 * `compliance verify-log`: reads the operations log from a repository copy
 * (the evidence, not the catalog), checks the hash chain and names the first
 * bad entry and what is wrong with it; then compares with the catalog's copy.
 *
 * What each break looks like:
 *  - edited:      an entry's recomputed hash differs from the one it carries, or
 *                 (re-hashed by someone holding the key) the next entry's link no
 *                 longer matches it;
 *  - removed:     a sequence number is missing;
 *  - reordered:   entries out of sequence order in a batch, or an entry linked to
 *                 another entry than its predecessor;
 *  - missing-batch / unreadable-batch: a batch file the catalog recorded is gone,
 *                 or one fails to decrypt (a byte flipped: the MAC catches it).
 * A chain rewritten wholesale by someone with the key is consistent in itself:
 * the catalog comparison (and the other copies) is what catches that.
 */
import { parseBatchName, loadBatch, type OplogTarget } from './oplog-batch.ts';
import { GENESIS_HASH, hashEntry, type OplogEntry } from './oplog-chain.ts';
import type { OplogBatchRecord } from './oplog-store.ts';
import { mapLimit } from '../util/map-limit.ts';

const LOAD_CONCURRENCY = 8;

export type LogProblem =
  | 'edited' | 'removed' | 'reordered' | 'missing-batch' | 'unreadable-batch' | 'foreign-file'
  | 'conflict' | 'catalog-mismatch';

export interface LogFinding {
  problem: LogProblem;
  /** The entry named, when the problem is about one entry (the first of a range). */
  seq: number | null;
  batch: string | null;
  message: string;
}

export interface LogVerification {
  ok: boolean;
  /** Entries read from the repository copy, and the batch files holding them. */
  entries: number;
  batches: number;
  headSeq: number;
  headHash: string | null;
  /** The earliest problem in log order: where the chain stops being trustworthy. */
  firstBad: LogFinding | null;
  findings: LogFinding[];
  catalog: {
    entries: number;
    /** Catalog entries not flushed yet: not a failure, they go with the next flush. */
    pending: number;
    /** Entries the repository has and this catalog never had (another catalog, or a rebuilt one). */
    onlyInRepository: number;
  };
}

interface LoadedBatch {
  name: string;
  entries: OplogEntry[];
}

export async function verifyOplog(
  target: OplogTarget,
  catalogEntries: readonly OplogEntry[],
  catalogBatches: readonly OplogBatchRecord[],
  options: { mirror?: boolean } = {},
): Promise<LogVerification> {
  const findings: LogFinding[] = [];
  const files = (await target.backend.list('oplog')).map((f) => f.name).sort();
  const present = new Set(files);
  const unreadable: { name: string; first: number; last: number }[] = [];
  const loaded: LoadedBatch[] = [];
  // A year of per-run flushes is ~35,000 small files: load several at once (the I/O overlaps), then judge in name order.
  const reads = await mapLimit(files, LOAD_CONCURRENCY, async (name) => {
    const range = parseBatchName(name);
    if (!range) return { name, range };
    try {
      return { name, range, entries: await loadBatch(target, name) };
    } catch (err) {
      return { name, range, error: err };
    }
  });
  for (const { name, range, entries, error } of reads) {
    if (!range) {
      findings.push({ problem: 'foreign-file', seq: null, batch: name, message: `file ${name} in the log folder was not written by us (names are FIRST-LAST sequence numbers)` });
    } else if (entries) {
      loaded.push({ name, entries });
    } else {
      unreadable.push({ name, ...range });
      findings.push({
        problem: 'unreadable-batch', seq: range.first, batch: name,
        message: `batch ${name} (entries ${range.first}-${range.last}) cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  const bySeq = new Map<number, { entry: OplogEntry; batch: string }>();
  for (const batch of loaded) checkBatch(batch, bySeq, findings);

  const catalogBySeq = new Map(catalogEntries.map((e) => [e.seq, e]));
  const byHash = new Map<string, number>();
  for (const [seq, { entry }] of bySeq) byHash.set(entry.hash, seq);
  // Loops, not Math.max(...spread): a long log would pass 100,000+ arguments.
  let repoMax = repoMaxOf(bySeq);
  for (const u of unreadable) repoMax = Math.max(repoMax, u.last);
  // A mirror may simply not have the newest batches yet; the local copy has no such excuse.
  let recordedMax = 0;
  if (!options.mirror) for (const b of catalogBatches) if (b.repositoryId === target.id) recordedMax = Math.max(recordedMax, b.lastSeq);
  const lastSeq = Math.max(repoMax, recordedMax);

  let gapStart: number | null = null;
  const closeGap = (end: number): void => {
    if (gapStart === null) return;
    reportGap(gapStart, end, unreadable, catalogBatches.filter((b) => b.repositoryId === target.id), present, findings);
    gapStart = null;
  };
  for (let seq = 1; seq <= lastSeq; seq++) {
    const found = bySeq.get(seq);
    if (!found) {
      gapStart ??= seq;
      continue;
    }
    closeGap(seq - 1);
    checkLink(found.entry, found.batch, bySeq.get(seq - 1)?.entry, { byHash, catalog: catalogBySeq }, findings);
  }
  closeGap(lastSeq);

  const catalog = compareWithCatalog(bySeq, lastSeq, catalogEntries, findings);
  findings.sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER));
  const headSeq = repoMaxOf(bySeq);
  const head = bySeq.get(headSeq)?.entry ?? null;
  return {
    ok: findings.length === 0,
    entries: bySeq.size,
    batches: loaded.length,
    headSeq,
    headHash: head?.hash ?? null,
    firstBad: findings[0] ?? null,
    findings,
    catalog: { ...catalog, entries: catalogEntries.length },
  };
}

function repoMaxOf(bySeq: ReadonlyMap<number, unknown>): number {
  let max = 0;
  for (const seq of bySeq.keys()) max = Math.max(max, seq);
  return max;
}

function describe(entry: OplogEntry): string {
  return `entry ${entry.seq} (${entry.type} at ${entry.time})`;
}

function checkBatch(batch: LoadedBatch, bySeq: Map<number, { entry: OplogEntry; batch: string }>, findings: LogFinding[]): void {
  const range = parseBatchName(batch.name);
  let previous = 0;
  for (const raw of batch.entries) {
    const entry = wellFormed(raw);
    if (!entry) {
      findings.push({ problem: 'edited', seq: previous + 1, batch: batch.name, message: `batch ${batch.name} holds a malformed entry after entry ${previous}: it was altered` });
      continue;
    }
    if (entry.seq <= previous) {
      findings.push({ problem: 'reordered', seq: entry.seq, batch: batch.name, message: `${describe(entry)} comes after entry ${previous} in batch ${batch.name}: entries were reordered` });
    }
    if (range && (entry.seq < range.first || entry.seq > range.last)) {
      findings.push({ problem: 'edited', seq: entry.seq, batch: batch.name, message: `${describe(entry)} lies outside the range ${range.first}-${range.last} of batch ${batch.name}: it was altered` });
    }
    previous = Math.max(previous, entry.seq);
    const known = bySeq.get(entry.seq);
    if (known && known.entry.hash !== entry.hash) {
      findings.push({ problem: 'conflict', seq: entry.seq, batch: batch.name, message: `entry ${entry.seq} differs between batches ${known.batch} and ${batch.name}: one copy was altered` });
    }
    if (!known) bySeq.set(entry.seq, { entry, batch: batch.name });
  }
}

function checkLink(
  entry: OplogEntry, batch: string, previous: OplogEntry | undefined,
  known: { byHash: ReadonlyMap<string, number>; catalog: ReadonlyMap<number, OplogEntry> }, findings: LogFinding[],
): void {
  if (hashEntry(entry) !== entry.hash) {
    findings.push({ problem: 'edited', seq: entry.seq, batch, message: `${describe(entry)} does not match its hash: its content was changed after it was logged` });
    return;
  }
  const expected = entry.seq === 1 ? GENESIS_HASH : previous?.hash;
  if (expected === undefined || entry.prevHash === expected) return; // a missing predecessor is reported as a gap
  const linked = known.byHash.get(entry.prevHash);
  if (linked !== undefined) {
    findings.push({ problem: 'reordered', seq: entry.seq, batch, message: `${describe(entry)} follows entry ${linked} in the chain, not entry ${entry.seq - 1}: entries were reordered` });
    return;
  }
  // Which side of the broken link is forged? When the catalog vouches for the predecessor, this entry is.
  if (previous && known.catalog.get(previous.seq)?.hash === previous.hash) {
    const original = [...known.catalog.values()].find((c) => c.time === entry.time && c.type === entry.type && c.summary === entry.summary && c.host === entry.host);
    findings.push(original && original.seq !== entry.seq
      ? { problem: 'reordered', seq: entry.seq, batch, message: `${describe(entry)} was logged as entry ${original.seq}: entries were renumbered and reordered` }
      : { problem: 'edited', seq: entry.seq, batch, message: `${describe(entry)} does not follow entry ${previous.seq}: it was forged or replaced` });
  } else {
    findings.push({
      problem: 'edited', seq: entry.seq - 1, batch,
      message: `entry ${entry.seq - 1} is not the entry that ${describe(entry)} followed: it was edited (and re-hashed) or replaced`,
    });
  }
}

function reportGap(
  first: number, last: number, unreadable: readonly { name: string; first: number; last: number }[],
  recorded: readonly OplogBatchRecord[], present: ReadonlySet<string>, findings: LogFinding[],
): void {
  for (let seq = first; seq <= last;) {
    if (unreadable.some((u) => u.first <= seq && seq <= u.last)) { seq++; continue; }
    const lost = recorded.find((b) => b.firstSeq <= seq && seq <= b.lastSeq && !present.has(b.name));
    if (lost) {
      findings.push({ problem: 'missing-batch', seq, batch: lost.name, message: `batch file ${lost.name} (entries ${lost.firstSeq}-${lost.lastSeq}) was written ${lost.writtenAt} and is missing now: it was deleted` });
      seq = Math.max(seq, lost.lastSeq) + 1;
      continue;
    }
    let end = seq;
    while (end < last && !unreadable.some((u) => u.first <= end + 1 && end + 1 <= u.last)) end++;
    findings.push({ problem: 'removed', seq, batch: null, message: end === seq ? `entry ${seq} is missing: it was removed from the log` : `entries ${seq}-${end} are missing: they were removed from the log` });
    seq = end + 1;
  }
}

function compareWithCatalog(
  bySeq: ReadonlyMap<number, { entry: OplogEntry; batch: string }>, repoMax: number, catalogEntries: readonly OplogEntry[], findings: LogFinding[],
): { pending: number; onlyInRepository: number } {
  const catalogSeqs = new Set<number>();
  let pending = 0;
  for (const mine of catalogEntries) {
    catalogSeqs.add(mine.seq);
    const theirs = bySeq.get(mine.seq);
    if (!theirs) {
      if (mine.seq > repoMax) pending++;
      continue;
    }
    if (theirs.entry.hash !== mine.hash) {
      findings.push({
        problem: 'catalog-mismatch', seq: mine.seq, batch: theirs.batch,
        message: `entry ${mine.seq} in the repository (${theirs.entry.type}: ${theirs.entry.summary}) differs from the catalog's (${mine.type}: ${mine.summary}): the repository log was rewritten`,
      });
    }
  }
  let onlyInRepository = 0;
  for (const seq of bySeq.keys()) if (!catalogSeqs.has(seq)) onlyInRepository++;
  return { pending, onlyInRepository };
}

function wellFormed(raw: unknown): OplogEntry | null {
  if (raw === null || typeof raw !== 'object') return null;
  const e = raw as Record<string, unknown>;
  const strings = ['time', 'host', 'user', 'type', 'summary', 'prevHash', 'hash'] as const;
  if (typeof e.seq !== 'number' || !Number.isInteger(e.seq) || e.seq < 1) return null;
  if (strings.some((k) => typeof e[k] !== 'string')) return null;
  if (e.data !== null && (typeof e.data !== 'object' || Array.isArray(e.data))) return null;
  return raw as OplogEntry;
}
