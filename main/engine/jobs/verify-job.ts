/**
 * `verify`: the daily or full rung of the verification ladder on each
 * destination (local today). Each verification is recorded in the catalog's
 * `verifications`, where the health model and alert rules read it; problems
 * found make the run 'failed' and come back in the outcome, so callers can
 * show which packs are damaged and which snapshots they hurt.
 */
import { VerificationStore } from '../catalog/verification-store.ts';
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import { BackupError, describeError, isBackupError } from '../errors.ts';
import { localDestination } from '../verify/destinations.ts';
import { verifyRepository, type VerificationReport, type VerifyLevel } from '../verify/repository-verification.ts';
import { recordRun } from './run-recorder.ts';
import { checkLocalLog, type LogCheckSummary } from '../compliance/local-log-check.ts';

export interface VerifyOutcome extends VerificationReport {
  runId: number;
  verificationId: number;
  /** The operations log's chain check in the same repository (issue 8); absent when it could not be read. */
  log?: LogCheckSummary;
}

export interface VerifyJobOptions {
  level: VerifyLevel;
  signal?: AbortSignal;
}

/** Carries a finished verification that found problems through recordRun, which records the run as failed. */
class VerificationFailed extends BackupError {
  readonly outcome: Omit<VerifyOutcome, 'runId'>;

  constructor(outcome: Omit<VerifyOutcome, 'runId'>) {
    super('permanent', describeProblems(outcome));
    this.outcome = outcome;
  }
}

export function describeProblems(report: VerificationReport): string {
  const packs = report.damagedPacks.map((p) => p.pack.slice(0, 8));
  const snaps = report.affectedSnapshots.map((s) => s.slice(0, 8));
  return `verification found ${report.errors.length} problem(s)`
    + (packs.length > 0 ? `; damaged or missing pack(s) ${packs.join(', ')}` : '')
    + (snaps.length > 0 ? `; affected snapshot(s) ${snaps.join(', ')}` : '')
    + `; see 'quantai-backup verify --read-data' and restore from another copy`;
}

export async function runVerifyJob(ctx: JobContext, config: Config, opts: VerifyJobOptions): Promise<VerifyOutcome> {
  const destination = localDestination(ctx, config);
  const store = new VerificationStore(ctx.catalog);
  let runId = 0;
  try {
    const run = await recordRun(ctx, 'verify', async (id) => {
      runId = id;
      let report: VerificationReport;
      let log: LogCheckSummary | undefined;
      try {
        const repository = await destination.open();
        const lock = await repository.lock();
        try {
          report = await verifyRepository(repository, {
            level: opts.level,
            destination: destination.name,
            location: destination.location,
            readAllWithinDays: config.verification.readAllWithinDays,
            tmpDir: ctx.engine.paths.tmpDir,
            catalog: ctx.catalog,
            clock: ctx.clock,
            ...(opts.signal ? { signal: opts.signal } : {}),
            onProgress: (p) => ctx.events.emit('job-progress', {
              job: 'verify', runId, phase: p.phase, bytes: p.bytes, totalBytes: p.totalBytes,
              ...(p.totalBytes > 0 ? { percent: Math.min(100, Math.round((100 * p.bytes) / p.totalBytes)) } : {}),
            }),
          });
          // The log is evidence in the same repository: its chain is checked with the data, under the same lock.
          log = await checkLocalLog(ctx, repository, destination.name);
        } finally {
          await lock.release();
        }
      } catch (err) {
        throw recordFailure(ctx, store, opts, destination.name, err);
      }
      const verificationId = store.record({
        time: report.time, level: opts.level, destination: destination.name, ok: report.ok,
        snapshotId: report.database?.snapshotId ?? null, report,
      });
      const outcome = { ...report, verificationId, ...(log ? { log } : {}) };
      if (!report.ok) {
        ctx.catalog.addEvent({
          time: ctx.clock.now().toISOString(), level: 'error', type: 'verification-failed', message: describeProblems(report),
          data: { level: opts.level, destination: destination.name, damagedPacks: report.damagedPacks.map((p) => p.pack), snapshots: report.affectedSnapshots },
        });
        throw new VerificationFailed(outcome);
      }
      return {
        outcome,
        // The data is sound; a broken log is a warning on the run, and the critical 'oplog-broken' alert.
        result: log && !log.ok ? 'warning' as const : 'success' as const,
        details: { level: opts.level, packsRead: report.packs.read, packsTotal: report.packs.total, bytesRead: report.packs.bytesRead, ...(log ? { log } : {}) },
      };
    });
    return { ...run.outcome, runId: run.runId };
  } catch (err) {
    if (err instanceof VerificationFailed) return { ...err.outcome, runId };
    throw err;
  }
}

/**
 * A verification that could not finish is recorded as failed too (the alert
 * rules must see it), except a cancellation or a transient error (a lock held
 * by another host, a network hiccup), which the next scheduled run retries.
 */
function recordFailure(ctx: JobContext, store: VerificationStore, opts: VerifyJobOptions, destination: string, err: unknown): unknown {
  if (opts.signal?.aborted) return new BackupError('transient', 'the verification was cancelled', { cause: err });
  if (isBackupError(err) && err.kind === 'transient') return err;
  store.record({
    time: ctx.clock.now().toISOString(), level: opts.level, destination, ok: false, snapshotId: null,
    report: { ok: false, level: opts.level, destination, errors: [{ message: `the verification could not finish: ${describeError(err)}` }] },
  });
  return err;
}
