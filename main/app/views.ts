/**
 * Engine and catalog records as the contract's plain views: only the fields
 * the renderer shows, structured-clone data, nothing that could carry a secret.
 */
import type {
  AlertView, ComplianceSummaryView, DestinationView, DrillView, JobProgressView, JobScheduleView, ReplicationView, RunView, SnapshotView, TierView,
} from '../../preload/ipc-contract.ts';
import type { DrillRecord } from '../engine/catalog/drill-store.ts';
import type { RunRecord } from '../engine/catalog/catalog.ts';
import type {
  AlertRecord, ComplianceReport, DestinationHealth, DrillResult, JobProgress, JobReport, ReplicationHealth, SnapshotSummaryItem, TierHealth,
} from '../engine/index.ts';

export function runView(run: RunRecord): RunView {
  return {
    id: run.id, job: run.job, startedAt: run.startedAt, endedAt: run.endedAt, result: run.result,
    bytesAdded: run.bytesAdded, errorMessage: run.errorMessage,
  };
}

export function tierView(tier: TierHealth, nextRun: string | null): TierView {
  return {
    tier: tier.tier, label: tier.label, state: tier.state, lastSuccess: tier.lastSuccess, nextRun,
    ageSeconds: tier.ageSeconds, rpoSeconds: tier.rpoSeconds,
  };
}

export function destinationView(d: DestinationHealth): DestinationView {
  return {
    name: d.name, state: d.state, lastSuccess: d.lastSuccess, verification: d.verification.state,
    lastDrill: d.lastDrill ? { ...d.lastDrill } : null, freeBytes: d.freeBytes, totalBytes: d.totalBytes,
  };
}

export function replicationView(r: ReplicationHealth | null): ReplicationView | null {
  if (!r) return null;
  return {
    state: r.state, replicator: r.replicator, message: r.message, generation: r.generation, lagP95Ms: r.lagP95Ms, lagMaxMs: r.lagMaxMs,
    lagSamples: r.lagSamples, lagAlertSeconds: r.lagAlertSeconds, lastCommitAt: r.lastCommitAt,
  };
}

export function alertView(a: AlertRecord): AlertView {
  return {
    id: a.id, key: a.key, severity: a.severity, title: a.title, message: a.message, openedAt: a.openedAt, resolvedAt: a.resolvedAt,
  };
}

export function progressView(p: JobProgress): JobProgressView {
  return {
    job: p.job, runId: p.runId, phase: p.phase, bytes: p.bytes,
    ...(p.totalBytes !== undefined ? { totalBytes: p.totalBytes } : {}),
    ...(p.files !== undefined ? { files: p.files } : {}),
    ...(p.percent !== undefined ? { percent: p.percent } : {}),
    ...(p.etaSeconds !== undefined ? { etaSeconds: p.etaSeconds } : {}),
  };
}

export function jobScheduleView(j: JobReport): JobScheduleView {
  return {
    job: j.job, cron: j.cron, enabled: j.enabled, nextRun: j.nextRunAt,
    lastResult: (j.lastRun?.result as RunView['result'] | undefined) ?? null,
    lastRun: j.lastRun?.startedAt ?? null, state: j.stateText,
  };
}

export function snapshotView(s: SnapshotSummaryItem): SnapshotView {
  return { id: s.id, shortId: s.shortId, time: s.time, kind: s.kind, tier: s.tier, paths: [...s.paths] };
}

/** A drill as stored in the catalog. */
export function drillRecordView(d: DrillRecord): DrillView {
  const summary = (d.report as { summary?: unknown } | null)?.summary;
  return {
    id: d.id, destination: d.destination, startedAt: d.startedAt, ok: d.ok === true,
    withinRto: d.durationMs === null || d.rtoMs === null ? d.ok === true : d.durationMs <= d.rtoMs,
    durationMs: d.durationMs, rtoMs: d.rtoMs,
    summary: typeof summary === 'string' ? summary : `restore drill on ${d.destination} ${d.ok ? 'passed' : 'failed'}`,
  };
}

/** A drill just run. */
export function drillResultView(d: DrillResult): DrillView {
  return {
    id: d.drillId, destination: d.destination, startedAt: d.evidence.startedAt, ok: d.ok, withinRto: d.withinRto,
    durationMs: d.durationMs, rtoMs: d.rtoMs, summary: d.evidence.summary,
  };
}

/** The compliance report in brief for the dashboard card. */
export function complianceView(r: ComplianceReport): ComplianceSummaryView {
  return {
    status: r.status, generatedAt: r.generatedAt,
    classes: r.classes.map((c) => ({
      name: c.name, retention: c.retention, status: c.status, snapshots: c.snapshots, oldest: c.oldest,
      coveredDays: c.coverage.coveredDays, requiredDays: c.coverage.requiredDays, gapDays: c.coverage.gapDays,
      copies: c.copies, requiredCopies: c.requiredCopies, problems: [...c.problems],
    })),
    earlyDeletions: r.earlyDeletions.map((d) => d.message),
    copies: { local: r.copies.local.current, cloud: r.copies.cloud.current, offsite: r.copies.offsite.current },
    objectLock: r.objectLock.note,
    activeHolds: r.holds.length,
    log: { entries: r.log.entries, pending: r.log.pending },
  };
}
