/**
 * Copies the catalog's log entries that the repository lacks into one new
 * batch file (or a few, for a long backlog). Only entries after the highest
 * sequence the repository already holds are sent: a batch that went missing
 * is evidence of tampering, never silently rewritten. A flush cut by kill -9
 * leaves no file (saves are atomic) and the next one resends.
 *
 * Where the repository stands is read from the catalog's batch records, not
 * from a listing: recordRun flushes after every run, so after a year the
 * folder holds ~35,000 files and listing them (a stat each, or 35 S3 pages)
 * at every run made the per-run cost grow with the log's age. Only the batch
 * a kill -9 saved but never recorded can be unknown to the catalog; its name
 * starts right after the recorded head, so a few stat calls find it.
 */
import { isBackupError } from '../errors.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { OplogStore } from './oplog-store.ts';
import { batchName, parseBatchName, saveBatch, type OplogTarget } from './oplog-batch.ts';

/** Entries per batch file: a year's backlog stays a handful of small files. */
const MAX_BATCH_ENTRIES = 5000;
/** Beyond this many unrecorded entries a listing is cheaper than probing names one by one. */
const MAX_PROBES = 64;

export interface FlushResult {
  written: string[];
  entries: number;
}

export async function flushOplog(catalog: Catalog, target: OplogTarget, now: Date): Promise<FlushResult> {
  const store = new OplogStore(catalog);
  const head = store.headSeq();
  const result: FlushResult = { written: [], entries: 0 };
  if (head === 0) return result;
  let covered = await coveredThrough(store, target, head, now);
  while (covered < head) {
    const entries = store.entries(covered + 1, Math.min(head, covered + MAX_BATCH_ENTRIES));
    const last = entries[entries.length - 1];
    if (!last) break;
    const name = await saveBatch(target, entries);
    store.recordBatch({ repositoryId: target.id, name, firstSeq: covered + 1, lastSeq: last.seq, writtenAt: now.toISOString() });
    result.written.push(name);
    result.entries += entries.length;
    covered = last.seq;
  }
  return result;
}

/** The highest sequence the repository holds; batches found that the catalog did not know are recorded. */
async function coveredThrough(store: OplogStore, target: OplogTarget, head: number, now: Date): Promise<number> {
  let covered = store.flushedThrough(target.id);
  // A repository new to this catalog (or a catalog rebuilt): the listing is the only truth.
  if (covered === 0 || head - covered > MAX_PROBES) return listedThrough(store, target, covered, now);
  // Probe for a batch saved by a flush killed before recording it (the longest first: one flush writes one range).
  for (let last = head; last > covered;) {
    const name = batchName({ first: covered + 1, last });
    if (await present(target, name)) {
      store.recordBatch({ repositoryId: target.id, name, firstSeq: covered + 1, lastSeq: last, writtenAt: now.toISOString() });
      covered = last;
      last = head;
    } else {
      last--;
    }
  }
  return covered;
}

async function listedThrough(store: OplogStore, target: OplogTarget, recorded: number, now: Date): Promise<number> {
  let covered = recorded;
  for (const file of await target.backend.list('oplog')) {
    const range = parseBatchName(file.name);
    if (!range || range.last <= recorded) continue;
    // Known from now on, so the next flush need not list again.
    store.recordBatch({ repositoryId: target.id, name: file.name, firstSeq: range.first, lastSeq: range.last, writtenAt: now.toISOString() });
    covered = Math.max(covered, range.last);
  }
  return covered;
}

async function present(target: OplogTarget, name: string): Promise<boolean> {
  try {
    await target.backend.stat({ type: 'oplog', name });
    return true;
  } catch (err) {
    if (isBackupError(err) && err.kind === 'not-found') return false;
    throw err;
  }
}
