/**
 * The replicator: ships a live WAL-mode database's commits into the
 * repository's wal/ folder, continuously, as segments (wal-segment-codec.ts).
 *
 * The read pin. A read transaction held on our own connection stops any
 * checkpoint from copying frames past its snapshot S, and stops the WAL from
 * restarting unless everything up to S was already in the database file when
 * the pin began (SQLite then reads that pin from the database file only, and
 * no checkpoint can run while it is held). So while one pin is held, a WAL
 * restart means the old WAL ended exactly at S. We take the pin before we read
 * the WAL and ship everything committed we read, so a restart under a pin
 * never loses a frame: the generation continues on the new WAL.
 *
 * The gap. A PASSIVE checkpoint can only copy frames nobody still reads, so
 * once the WAL is large and fully shipped we drop the pin, checkpoint, and
 * pin again the moment the writer restarts the WAL (checkpoint() below), so
 * the new WAL holds only a commit or two when we read on. A pin taken while
 * the WAL is wholly copied reads the database file only (SQLite's read mark
 * 0): it does not stop the writer's next commit from restarting the WAL, but
 * stops any checkpoint of the new one, so at most one restart can happen
 * under it. If the WAL restarted in that gap, the frames we had not yet
 * read may be gone; we continue only when the file proves they are not:
 * exactly one restart (salt-1 and the checkpoint counter one higher), the file
 * did not shrink (no TRUNCATE), and following the old checksum chain from our
 * position in the file finds its end before the new WAL's frames reach it. Any
 * committed old frames found that way are shipped first. Otherwise a new
 * generation starts from a fresh base image, and the log and an event say so.
 *
 * We never take the write lock except for the instant a base image starts
 * (generation-worker.ts) and the rare checkpoint fallback for a writer that
 * never checkpoints (checkpoint() below), and never run RESTART or TRUNCATE
 * checkpoints.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { BackupError, describeError, isBackupError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Repository } from '../repo/repository.ts';
import { sqliteErrorToBackupError } from '../sources/sqlite/sqlite-errors.ts';
import { startGeneration } from './generation.ts';
import { basesOf } from './pitr-source.ts';
import { maintainSegments } from './segment-maintenance.ts';
import { rebaseDue } from './segment-retention.ts';
import { DEFAULT_REBASE_AFTER_MS } from '../config/replication-schema.ts';
import { findResumePoint } from './resume-point.ts';
import { buildSegments, type PendingCommitFrames } from './segment-builder.ts';
import { frameOffset, frameSize } from './wal-format.ts';
import { captureOldFrames, lastFrameInPlace, newWalReached, verifyOldFrames } from './old-chain.ts';
import { readWalFrames, walStart, type WalReadResult } from './wal-reader.ts';
import { encodeSegment, segmentFileName, type WalPosition, type WalSegment } from './wal-segment-codec.ts';

export type ReplicationEvent =
  | { type: 'generation-started'; generation: string; snapshotId: string; reason: string }
  | { type: 'resumed'; generation: string; frameSeq: number }
  | { type: 'wal-restarted'; generation: string; evidence: string }
  | {
    type: 'segment-shipped'; generation: string; name: string; frameSeq: number; end: WalPosition;
    commits: number; frames: number; bytes: number; lagMs: number[]; lastCommitMs: number;
  }
  /** Once per interval: the replicator is alive (a heartbeat for status and health). */
  | { type: 'tick'; generation: string; frameSeq: number }
  /**
   * Our checkpoint ran. outcome: 'restarted' (the writer restarted the WAL while we waited unpinned),
   * 'write-lock' (the fallback, lockMs long), 'incomplete' (not yet: perhaps at the writer's next commit, under our pin).
   */
  | { type: 'checkpoint'; busy: number; log: number; checkpointed: number; outcome: 'restarted' | 'write-lock' | 'incomplete'; lockMs: number | null }
  /** Segment retention and compaction ran in the background (segment-maintenance.ts). */
  | { type: 'maintained'; droppedGenerations: string[]; removedSegments: number; merged: number; compactedParts: number }
  | { type: 'stopped'; generation: string; frameSeq: number };

export interface ReplicatorOptions {
  repo: Repository;
  dbPath: string;
  tmpDir: string;
  intervalMs: number;
  checkpointBytes: number;
  now: () => Date;
  logger: Logger;
  signal: AbortSignal;
  onEvent?: (event: ReplicationEvent) => void;
  requiredTables?: string[];
  hostname?: string;
  /** Largest segment plaintext before a batch is split (at a commit boundary). */
  maxSegmentBytes?: number;
  /** How often segment retention and compaction run beside shipping (default 10 minutes; 0: never). */
  maintenanceEveryMs?: number;
  /** The point-in-time window retention keeps (segment-retention.ts's default when absent). */
  windowMs?: number;
  /** Start a new generation when the current base is this old, so retention can drop old ones (default 24 h). */
  rebaseAfterMs?: number;
}

export interface ReplicationSummary {
  generation: string;
  frameSeq: number;
  generationsStarted: number;
  segments: number;
  commits: number;
  /** Where this run spent its time (for the bench and the log): CPU and wall ms per stage. */
  stages: StageTimes;
}

export interface StageTimes {
  /** WAL bytes shipped (frame headers excluded). */
  walBytes: number;
  read: StageTime;
  /** Segment layout + zstd + AES-CTR + Poly1305. */
  encode: StageTime;
  /** Backend save: write, fsync, rename. */
  save: StageTime;
  checkpoint: StageTime;
  /** The write-lock fallback of our checkpoint: how often, and the longest hold. */
  writeLock: { count: number; maxMs: number };
}

export interface StageTime {
  cpuMs: number;
  wallMs: number;
}

interface Cursor {
  generation: string;
  /** Last shipped frame sequence of the generation. */
  seq: number;
  /** Where the WAL stands after what we shipped; null: the base was taken with no WAL, take the first one we see. */
  position: WalPosition | null;
}

const BUSY_TIMEOUT_MS = 5000;
/** How long we stay unpinned after an incomplete checkpoint, waiting for the writer to restart the WAL. */
const RESTART_WAIT_MS = 30;
/** The write-lock fallback: only after this many rounds without a restart... */
const LOCK_AFTER_ROUNDS = 3;
/** ...and with the WAL this many times checkpointBytes. */
const LOCK_AFTER_WAL_FACTOR = 4;
/** How long the fallback waits for the write lock before giving up for this round. */
const LOCK_WAIT_MS = 50;
const DEFAULT_MAINTENANCE_EVERY_MS = 10 * 60_000;

export async function runReplicator(opts: ReplicatorOptions): Promise<ReplicationSummary> {
  const r = new Replicator(opts);
  return r.run();
}

class Replicator {
  private readonly opts: ReplicatorOptions;
  private readonly dbPath: string;
  private readonly walPath: string;
  private conn: Database.Database | null = null;
  /** A second connection, only for the write-lock fallback of our checkpoint. */
  private helper: Database.Database | null = null;
  private roundsWithoutRestart = 0;
  /** A restart seen under our pin since the last checkpoint (the cooperative case) counts as a success. */
  private restartedSinceCheckpoint = false;
  /** Why a resume across a WAL restart was refused (for the new generation's reason). */
  private resumeRefusal: string | null = null;
  /** WAL bytes up to our position when last read (what the fallback compares with checkpointBytes). */
  private lastWalBytes = 0;
  private pinned = false;
  /** True when the pin was dropped since the last read that saw the WAL we follow. */
  private gap = false;
  /** WAL file size when last read, to notice a TRUNCATE. */
  private lastFileSize = 0;
  private cursor: Cursor | null = null;
  private lastCheckpointAt = 0;
  private finalSync = false;
  private lastMaintenanceAt: number;
  private maintenance: Promise<void> | null = null;
  private rebaseRequested: string | null = null;
  private readonly summary: ReplicationSummary = {
    generation: '', frameSeq: 0, generationsStarted: 0, segments: 0, commits: 0,
    stages: { walBytes: 0, read: zeroStage(), encode: zeroStage(), save: zeroStage(), checkpoint: zeroStage(), writeLock: { count: 0, maxMs: 0 } },
  };

  constructor(opts: ReplicatorOptions) {
    this.opts = opts;
    this.dbPath = resolve(opts.dbPath);
    this.walPath = `${this.dbPath}-wal`;
    // The first maintenance waits one interval: a replicator that restarts often must not compact at each start.
    this.lastMaintenanceAt = opts.now().getTime();
  }

  async run(): Promise<ReplicationSummary> {
    this.openConnection();
    try {
      this.pin();
      try {
        await this.resumeOrStart();
      } catch (err) {
        if (!(isBackupError(err) && this.opts.signal.aborted)) throw err;
        this.opts.logger.log('warn', `replication of ${this.dbPath} stopped before it started shipping: ${err.message}`);
        return this.result();
      }
      while (!this.opts.signal.aborted) {
        const started = performance.now();
        try {
          await this.tick();
        } catch (err) {
          if (isBackupError(err) && this.opts.signal.aborted) break; // a stop request cancelled a base image
          // A network or disk hiccup: keep the position (and the pin) and try again next interval.
          if (!(isBackupError(err) && err.kind === 'transient')) throw err;
          this.opts.logger.log('warn', `replication of ${this.dbPath} will retry: ${err.message}`);
        }
        this.opts.onEvent?.({ type: 'tick', generation: this.summary.generation, frameSeq: this.summary.frameSeq });
        if (this.rebaseRequested && !this.opts.signal.aborted) {
          const reason = this.rebaseRequested;
          this.rebaseRequested = null;
          await this.shipThenRebase(reason);
        }
        this.maybeStartMaintenance();
        const wait = this.opts.intervalMs - (performance.now() - started);
        if (wait > 0) await sleep(wait, undefined, { signal: this.opts.signal }).catch((err: unknown) => {
          if (!this.opts.signal.aborted) throw err; // an abort just ends the wait
        });
      }
      // The final sync: whatever was committed before the stop request is shipped.
      this.finalSync = true;
      await this.tick({ checkpoint: false });
      this.opts.onEvent?.({ type: 'stopped', generation: this.summary.generation, frameSeq: this.summary.frameSeq });
      const st = this.summary.stages;
      const mb = st.walBytes / (1024 * 1024);
      // Per-MiB figures of a run that shipped (almost) nothing are noise: log them only with a MiB to divide by.
      if (mb < 1) return this.result();
      const perMb = (t: StageTime) => `${(t.cpuMs / Math.max(mb, 1e-9)).toFixed(2)} ms CPU (${(t.wallMs / Math.max(mb, 1e-9)).toFixed(2)} ms wall)`;
      this.opts.logger.log('info', `replication stages per MiB of WAL shipped (${mb.toFixed(1)} MiB): read ${perMb(st.read)}, `
        + `encode ${perMb(st.encode)}, save ${perMb(st.save)}, checkpoint ${perMb(st.checkpoint)}; `
        + `write-lock fallback ${st.writeLock.count} time(s), longest ${st.writeLock.maxMs.toFixed(1)} ms`);
      return this.result();
    } finally {
      await this.maintenance; // aborted by the same signal; it logs its own failure
      this.closeConnection();
    }
  }

  private result(): ReplicationSummary {
    const s = this.summary.stages;
    return { ...this.summary, stages: { ...s, read: { ...s.read }, encode: { ...s.encode }, save: { ...s.save }, checkpoint: { ...s.checkpoint }, writeLock: { ...s.writeLock } } };
  }

  /**
   * Retention and compaction of the wal/ folder, about every maintenanceEveryMs,
   * beside shipping (not awaited: they only touch segments older than ten
   * minutes, and an hour's compaction must not hold up the next interval).
   * Also decides when the generation is old enough for a fresh base.
   */
  private maybeStartMaintenance(): void {
    const every = this.opts.maintenanceEveryMs ?? DEFAULT_MAINTENANCE_EVERY_MS;
    const nowMs = this.opts.now().getTime();
    if (every <= 0 || this.maintenance || nowMs - this.lastMaintenanceAt < every) return;
    this.lastMaintenanceAt = nowMs;
    const now = new Date(nowMs);
    this.maintenance = (async () => {
      try {
        // Only the base of the generation we ship decides (other databases' bases share the repository).
        const current = this.cursor?.generation;
        const mine = basesOf(await this.opts.repo.listSnapshots()).filter((b) => b.generation === current);
        const rebaseAfterMs = this.opts.rebaseAfterMs ?? DEFAULT_REBASE_AFTER_MS;
        if (current && rebaseDue(mine, now, rebaseAfterMs)) {
          this.rebaseRequested = `generation ${current} is older than ${Math.round((rebaseAfterMs / 3_600_000) * 10) / 10} h: a fresh base lets retention drop old generations`;
        }
        const done = await maintainSegments(this.opts.repo, {
          now, logger: this.opts.logger, signal: this.opts.signal,
          ...(this.opts.windowMs !== undefined ? { windowMs: this.opts.windowMs } : {}),
        });
        this.opts.onEvent?.({
          type: 'maintained', droppedGenerations: done.retention.droppedGenerations, removedSegments: done.retention.removedSegments,
          merged: done.compaction.merged, compactedParts: done.compaction.removedParts + done.compaction.removedCovered,
        });
      } catch (err) {
        // Housekeeping failing must not stop shipping; it is tried again next interval.
        this.opts.logger.log('warn', `replication housekeeping (segment retention and compaction) failed; it runs again in ${Math.round(every / 60_000)} min: ${describeError(err)}`);
      } finally {
        this.maintenance = null;
      }
    })();
  }

  /** Ships what is committed, then starts a new generation (the daily rebase). */
  private async shipThenRebase(reason: string): Promise<void> {
    try {
      await this.tick({ checkpoint: false });
      await this.newGeneration(reason);
    } catch (err) {
      if (isBackupError(err) && this.opts.signal.aborted) return;
      if (!(isBackupError(err) && err.kind === 'transient')) throw err;
      // The current generation goes on; the next maintenance asks again.
      this.opts.logger.log('warn', `replication could not start its daily new generation; the current one continues: ${err.message}`);
    }
  }

  private openConnection(): void {
    try {
      this.conn = new Database(this.dbPath, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
      const mode = String(this.conn.pragma('journal_mode', { simple: true }));
      if (mode.toLowerCase() !== 'wal') {
        throw new BackupError('permanent', `${this.dbPath} is in ${mode} journal mode; real-time replication needs WAL mode: run \`PRAGMA journal_mode=WAL\` on it once`);
      }
      // Our connection only reads; it must never checkpoint on its own.
      this.conn.pragma('wal_autocheckpoint = 0');
    } catch (err) {
      this.closeConnection();
      throw sqliteErrorToBackupError(err, this.dbPath);
    }
  }

  private closeConnection(): void {
    if (this.conn?.inTransaction) this.conn.exec('COMMIT');
    this.conn?.close();
    this.conn = null;
    this.helper?.close();
    this.helper = null;
    this.pinned = false;
  }

  /** Starts the read transaction that keeps frames from being checkpointed away. */
  private pin(): void {
    const conn = this.conn!;
    try {
      conn.exec('BEGIN');
      conn.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
    } catch (err) {
      if (conn.inTransaction) conn.exec('COMMIT');
      throw sqliteErrorToBackupError(err, this.dbPath);
    }
    this.pinned = true;
  }

  private unpin(): void {
    if (this.conn?.inTransaction) this.conn.exec('COMMIT');
    this.pinned = false;
    this.gap = true;
  }

  private async resumeOrStart(): Promise<void> {
    const found = await findResumePoint(this.opts.repo, this.dbPath);
    if (!found) {
      await this.newGeneration('no generation of this database in the repository yet');
      return;
    }
    const read = await readWalFrames(this.walPath, found.position);
    // A base taken with no WAL continues only while there is still none: any WAL since then may have lost cycles.
    const continues = found.position === null ? read.kind === 'no-wal' : read.kind === 'frames' || (read.kind === 'no-wal' && found.position.walFrames === 0);
    if (!continues) {
      let why = read.kind === 'discontinuous' ? read.reason : 'the WAL file is gone';
      if (read.kind === 'discontinuous' && read.header && found.position && (await this.resumeAcrossRestart(found, read))) return;
      if (read.kind === 'discontinuous' && this.resumeRefusal) why = this.resumeRefusal;
      await this.newGeneration(`the WAL no longer continues generation ${found.generation} at frame ${found.seq} (${why})`);
      return;
    }
    this.cursor = { generation: found.generation, seq: found.seq, position: found.position };
    this.summary.generation = found.generation;
    this.summary.frameSeq = found.seq;
    // Frames after the position are not shipped yet: until they are, a restart must be proven from the file.
    this.gap = true;
    this.opts.logger.log('info', `replication resumes generation ${found.generation} after frame ${found.seq}`);
    this.opts.onEvent?.({ type: 'resumed', generation: found.generation, frameSeq: found.seq });
  }

  /**
   * The WAL restarted while no replicator ran: the generation continues only
   * with the same proof as a restart in our checkpoint gap (acrossRestart),
   * plus what the running replicator knew from the file size: our last
   * shipped frame is still in its slot (no TRUNCATE since, and the new WAL
   * has not reached it).
   */
  private async resumeAcrossRestart(found: { generation: string; seq: number; position: WalPosition | null }, read: Extract<WalReadResult, { kind: 'discontinuous' }>): Promise<boolean> {
    const position = found.position!;
    const header = read.header!;
    if (!(await lastFrameInPlace(this.walPath, position, header.pageSize))) {
      this.resumeRefusal = `${read.reason}, and our last shipped frame is no longer in the file`;
      return false;
    }
    this.cursor = { generation: found.generation, seq: found.seq, position };
    this.summary.generation = found.generation;
    this.summary.frameSeq = found.seq;
    this.gap = true;
    const decision = await this.acrossRestart(position, read, { resuming: true });
    if (!decision.continue) {
      this.resumeRefusal = decision.evidence;
      return false;
    }
    this.cursor.position = walStart(header);
    this.opts.logger.log('info', `replication resumes generation ${found.generation} after frame ${this.cursor.seq}; the WAL restarted while it was stopped: ${decision.evidence}`);
    this.opts.onEvent?.({ type: 'resumed', generation: found.generation, frameSeq: this.cursor.seq });
    this.opts.onEvent?.({ type: 'wal-restarted', generation: found.generation, evidence: decision.evidence });
    return true;
  }

  private async newGeneration(reason: string): Promise<void> {
    if (!this.pinned) this.pin(); // the pin must predate the base's position (see the file comment)
    this.opts.logger.log('warn', `replication of ${this.dbPath} needs a new generation: ${reason}; taking a base image`);
    const started = await startGeneration(this.opts.repo, {
      dbPath: this.dbPath,
      tmpDir: this.opts.tmpDir,
      now: this.opts.now,
      // During the final sync the base is taken to the end: stopping must leave a replica that holds every commit.
      ...(this.finalSync ? {} : { signal: this.opts.signal }),
      ...(this.opts.requiredTables ? { requiredTables: this.opts.requiredTables } : {}),
      ...(this.opts.hostname ? { hostname: this.opts.hostname } : {}),
    });
    this.cursor = { generation: started.generation, seq: 0, position: started.position };
    this.gap = false;
    this.summary.generation = started.generation;
    this.summary.frameSeq = 0;
    this.summary.generationsStarted++;
    this.opts.logger.log('warn', `replication started generation ${started.generation}`, {
      snapshotId: started.snapshotId, lockMs: Math.round(started.lockMs * 1000) / 1000, copyMs: Math.round(started.copyMs),
    });
    this.opts.onEvent?.({ type: 'generation-started', generation: started.generation, snapshotId: started.snapshotId, reason });
  }

  /** Reads and ships what was committed, then checkpoints when the WAL is large and fully shipped. */
  private async tick(options: { checkpoint?: boolean } = {}): Promise<void> {
    if (!this.pinned) this.pin();
    let checkpointed = false;
    for (;;) {
      const read = await this.readFromCursor();
      if (read.kind !== 'frames') return;
      // Taken after the read: every commit it returned was made before this instant, so a restore to
      // T never holds a commit made after T (taken before, a commit landing mid-read was stamped early).
      const observedMs = this.opts.now().getTime();
      this.lastFileSize = read.fileSize;
      await this.ship(read.frames, read.end, read.header.pageSize, observedMs);
      // Protected again only once everything committed at the pin's snapshot is shipped.
      this.gap = read.more;
      if (read.more) continue;
      const position = this.cursor!.position;
      const walBytes = position ? frameOffset(read.header.pageSize, position.walFrames) : 0;
      this.lastWalBytes = walBytes;
      if (checkpointed || options.checkpoint === false || walBytes < this.opts.checkpointBytes) return;
      await this.checkpoint();
      // Read again at once: if the WAL restarted in the gap, the old frames must be read before new ones overwrite them.
      checkpointed = true;
    }
  }

  /** Reads from the cursor, resolving a WAL restart or a missing WAL into frames to ship, or a new generation. */
  private async readFromCursor(): Promise<WalReadResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const cursor = this.cursor!;
      const read = await timed(this.summary.stages.read, () => readWalFrames(this.walPath, cursor.position));
      if (read.kind !== 'discontinuous') return read;
      if (!read.header) return { kind: 'no-wal', fileSize: read.fileSize }; // truncated, not written again yet
      if (!cursor.position) {
        cursor.position = walStart(read.header); // the base was taken with no WAL: this is its first WAL
        continue;
      }
      const decision = await this.acrossRestart(cursor.position, read);
      if (decision.continue) {
        this.opts.logger.log('info', `the WAL restarted; generation ${cursor.generation} continues: ${decision.evidence}`);
        this.opts.onEvent?.({ type: 'wal-restarted', generation: cursor.generation, evidence: decision.evidence });
        this.restartedSinceCheckpoint = true;
        cursor.position = walStart(read.header);
        continue;
      }
      await this.newGeneration(decision.evidence);
    }
    throw new BackupError('transient', `the WAL of ${this.dbPath} kept changing while it was read; replication will try again`);
  }

  /** Decides whether the generation can continue on a restarted WAL (see the file comment). */
  private async acrossRestart(
    position: WalPosition, read: Extract<WalReadResult, { kind: 'discontinuous' }>, options: { resuming?: boolean } = {},
  ): Promise<{ continue: boolean; evidence: string }> {
    const header = read.header!;
    if (header.salt1 === position.salt1 && header.salt2 === position.salt2) {
      return { continue: false, evidence: read.reason };
    }
    const oneRestart = header.salt1 === ((position.salt1 + 1) >>> 0) && header.checkpointSeq === ((position.checkpointSeq + 1) >>> 0);
    if (!oneRestart) return { continue: false, evidence: 'the WAL restarted more than once before its frames could be read' };
    if (!this.gap) return { continue: true, evidence: 'it restarted while our read transaction was held, after every frame it had was shipped' };
    // The restart happened while we held no pin: follow the old chain in the file from our position.
    const captured = await captureOldFrames(this.walPath, position, header.pageSize);
    // Checked right after the old frames were copied (the new WAL only grows, from the top): had it reached
    // the slot where the old frames ended, that slot might have held an old frame. One read of that slot,
    // not a count from the top, which under load took long enough for the writer to get there meanwhile.
    const reached = await newWalReached(this.walPath, header, captured.chainEnd);
    const old = verifyOldFrames(captured, position, header.pageSize, header.bigEndianChecksum);
    if (old.frames.length > 0) await this.ship(old.frames, old.end, header.pageSize, this.opts.now().getTime());
    if (read.fileSize < this.lastFileSize || old.fileSize < this.lastFileSize) {
      return { continue: false, evidence: 'the WAL file was truncated (a TRUNCATE checkpoint) before all of its frames were shipped' };
    }
    if (reached) {
      return { continue: false, evidence: `the new WAL reached frame ${old.chainEnd} and may have overwritten old frames after frame ${position.walFrames} before they could be read (${Math.round(performance.now() - this.lastCheckpointAt)} ms after our last checkpoint)` };
    }
    // On resume the file's earlier size is unknown: a chain that runs to the end of the file may have been cut
    // there (a journal_size_limit trims the file at a restart), so only an end marked by a foreign frame proves it.
    if (options.resuming && frameOffset(header.pageSize, old.chainEnd) + frameSize(header.pageSize) > old.fileSize) {
      return { continue: false, evidence: `the old WAL's frames run to the end of the file (frame ${old.chainEnd}), so whether it held more cannot be proven` };
    }
    return { continue: true, evidence: `its old frames end at frame ${old.chainEnd} and were all shipped` };
  }

  private async ship(frames: PendingCommitFrames['frames'], end: WalPosition, pageSize: number, observedMs: number): Promise<void> {
    if (frames.length === 0) return;
    const cursor = this.cursor!;
    const segments = buildSegments({
      generation: cursor.generation, firstSeq: cursor.seq + 1, pageSize, frames, end, observedMs,
      maxBytes: this.opts.maxSegmentBytes ?? 16 * 1024 * 1024,
    });
    for (const segment of segments) await this.store(segment);
  }

  private async store(segment: WalSegment): Promise<void> {
    const cursor = this.cursor!;
    const name = segmentFileName(segment);
    const stages = this.summary.stages;
    const bytes = await timed(stages.encode, () => Promise.resolve(encodeSegment(this.opts.repo.masterKey, segment)));
    // The backend writes to a temporary name, fsyncs and renames: the segment is durable when save returns.
    await timed(stages.save, () => this.opts.repo.backend.save({ type: 'wal', name }, bytes));
    stages.walBytes += segment.frames.length * segment.pageSize;
    const durableMs = this.opts.now().getTime();
    cursor.seq = segment.lastSeq;
    cursor.position = segment.end;
    this.summary.frameSeq = segment.lastSeq;
    this.summary.segments++;
    this.summary.commits += segment.commits.length;
    const lastCommitMs = segment.commits.at(-1)!.observedMs;
    this.opts.onEvent?.({
      type: 'segment-shipped', generation: cursor.generation, name, frameSeq: segment.lastSeq, end: segment.end, commits: segment.commits.length, frames: segment.frames.length,
      bytes: bytes.length, lagMs: segment.commits.map((c) => durableMs - c.observedMs), lastCommitMs,
    });
  }

  /**
   * Drops the pin, lets a PASSIVE checkpoint copy everything we shipped, and
   * takes the pin again (see the file comment). The writer commits during our
   * checkpoint (at 1000 tx/s it always does), so the WAL is seldom wholly
   * copied when it returns: we stay unpinned just until the writer's own
   * auto-checkpoint copies the rest and its next commit restarts the WAL
   * (watched synchronously, so we pin again within a fraction of a
   * millisecond: a second restart would need the new WAL to reach the
   * writer's auto-checkpoint size first), or RESTART_WAIT_MS pass. Only when
   * no restart came for several rounds and the WAL keeps growing (a writer
   * with no auto-checkpoint) do we finish the copy under a brief write lock.
   */
  private async checkpoint(): Promise<void> {
    const before = this.cursor?.position;
    const salts = before ? `${before.salt1 >>> 0}:${before.salt2 >>> 0}` : null;
    const started = startStage();
    const walBytes = before ? this.lastWalBytes : 0;
    this.unpin();
    let row: CheckpointRow | undefined;
    let how: 'restarted' | 'write-lock' | 'incomplete' = 'incomplete';
    let lockMs: number | null = null;
    try {
      row = passiveCheckpoint(this.conn!);
      // The row's log counts only the frames there were when the checkpoint began, so even a "complete" row
      // says nothing of the commits made during it: watch for the restart either way.
      if (salts !== null && waitForRestart(this.walPath, salts, RESTART_WAIT_MS)) how = 'restarted';
      else if (this.roundsWithoutRestart >= LOCK_AFTER_ROUNDS && walBytes >= LOCK_AFTER_WAL_FACTOR * this.opts.checkpointBytes) {
        lockMs = this.finishUnderWriteLock();
        if (lockMs !== null) how = 'write-lock';
      }
    } catch (err) {
      this.opts.logger.log('warn', `our PASSIVE checkpoint of ${this.dbPath} failed; the WAL keeps growing until the next one: ${describeError(err)}`);
    } finally {
      if (!this.pinned) this.pin();
      this.lastCheckpointAt = performance.now();
      endStage(this.summary.stages.checkpoint, started);
    }
    this.roundsWithoutRestart = how === 'incomplete' && !this.restartedSinceCheckpoint ? this.roundsWithoutRestart + 1 : 0;
    this.restartedSinceCheckpoint = false;
    if (lockMs !== null) {
      const lock = this.summary.stages.writeLock;
      lock.count++;
      lock.maxMs = Math.max(lock.maxMs, lockMs);
    }
    if (row) this.opts.onEvent?.({ type: 'checkpoint', ...row, outcome: how, lockMs });
  }

  /**
   * The last resort: hold the write lock on a helper connection while a
   * PASSIVE checkpoint copies the rest and we pin again (then from the
   * database file only), so the writer's next commit restarts the WAL. Null
   * when the lock was not free within a moment.
   */
  private finishUnderWriteLock(): number | null {
    this.helper ??= new Database(this.dbPath, { fileMustExist: true, timeout: LOCK_WAIT_MS });
    try {
      this.helper.exec('BEGIN IMMEDIATE');
    } catch (err) {
      if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) return null;
      throw err;
    }
    const lockStart = performance.now();
    try {
      passiveCheckpoint(this.conn!);
      this.pin();
    } finally {
      this.helper.exec('ROLLBACK');
    }
    return performance.now() - lockStart;
  }
}

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

function passiveCheckpoint(conn: Database.Database): CheckpointRow | undefined {
  return (conn.pragma('wal_checkpoint(PASSIVE)') as CheckpointRow[])[0];
}

/** Polls the WAL header (synchronously, ~0.2 ms apart) until its salts differ from `salts` or `ms` pass. */
function waitForRestart(walPath: string, salts: string, ms: number): boolean {
  const deadline = performance.now() + ms;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    if (walSaltsSync(walPath) !== salts) return true;
    if (performance.now() >= deadline) return false;
    Atomics.wait(nap, 0, 0, 0.2);
  }
}

function zeroStage(): StageTime {
  return { cpuMs: 0, wallMs: 0 };
}

function startStage(): { cpu: NodeJS.CpuUsage; wall: number } {
  return { cpu: process.cpuUsage(), wall: performance.now() };
}

function endStage(stage: StageTime, started: { cpu: NodeJS.CpuUsage; wall: number }): void {
  const cpu = process.cpuUsage(started.cpu);
  stage.cpuMs += (cpu.user + cpu.system) / 1000;
  stage.wallMs += performance.now() - started.wall;
}

/** Runs one stage and adds its CPU and wall time (process-wide CPU: the replicator is its own process). */
async function timed<T>(stage: StageTime, fn: () => Promise<T>): Promise<T> {
  const started = startStage();
  try {
    return await fn();
  } finally {
    endStage(stage, started);
  }
}

/** `salt1:salt2` of the WAL header as it is now ('' when there is none); synchronous, to keep the unpinned moment short. */
function walSaltsSync(walPath: string): string {
  let fd: number;
  try {
    fd = openSync(walPath, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
  try {
    const b = Buffer.alloc(24);
    if (readSync(fd, b, 0, 24, 0) < 24) return '';
    return `${b.readUInt32BE(16)}:${b.readUInt32BE(20)}`;
  } finally {
    closeSync(fd);
  }
}
