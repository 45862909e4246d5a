/**
 * The health model as `status` prints it for a person: the overall state first,
 * then every open problem with what to do, then one line per tier and per
 * destination. Plain text, no colours: it ends up in mails and logs too.
 */
import type { HealthReport } from '../engine/index.ts';
import { formatBytes } from './cli-context.ts';

function age(seconds: number | null): string {
  if (seconds === null) return 'never';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min ago`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h ago`;
}

function span(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1).replace(/\.0$/, '')} h`;
}

/** Lag is usually under a second: milliseconds there, seconds with a decimal above. */
function lag(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function replicationLine(r: NonNullable<HealthReport['replication']>): string {
  const parts = [r.message];
  parts.push(r.lagSamples > 0
    ? `lag p95 ${lag(r.lagP95Ms)}, max ${lag(r.lagMaxMs)} (limit ${r.lagAlertSeconds} s)`
    : `no segment shipped recently (lag limit ${r.lagAlertSeconds} s)`);
  parts.push(r.lastCommitAt === null ? 'no commit durable yet' : `last durable commit ${age(r.lastCommitAgeSeconds)}`);
  return `replication: ${r.state}, ${parts.join('; ')}`;
}

export function formatHealth(health: HealthReport): string[] {
  const lines: string[] = [];
  const problems = health.conditions.length;
  const why = problems > 0 ? ` (${problems} problem${problems === 1 ? '' : 's'})` : health.overall === 'unknown' ? ' (nothing backed up yet)' : '';
  lines.push(`health: ${health.overall.toUpperCase()}${why}`);
  for (const c of health.conditions) {
    lines.push(`  ${c.severity.toUpperCase().padEnd(8)} ${c.title}`);
    lines.push(`           ${c.message}`);
  }
  for (const t of health.tiers) {
    lines.push(`${t.label}: ${t.state}, last backup ${age(t.ageSeconds)} (objective: every ${span(t.rpoSeconds * 1000)})`);
  }
  for (const d of health.destinations) {
    const parts = [`last backup ${age(d.ageSeconds)}`];
    const v = d.verification;
    parts.push(v.state === 'never' ? 'never verified' : `verification ${v.state} (${v.lastTime})`);
    if (d.lastDrill) {
      const took = d.lastDrill.durationMs === null ? '' : ` in ${span(d.lastDrill.durationMs)}`;
      const rto = d.lastDrill.rtoMs === null ? '' : ` (objective ${span(d.lastDrill.rtoMs)})`;
      parts.push(`last drill ${d.lastDrill.ok ? 'passed' : 'FAILED'}${took}${rto}`);
    } else {
      parts.push('no restore drill yet');
    }
    if (d.freeBytes !== null && d.totalBytes !== null && d.totalBytes > 0) {
      parts.push(`${formatBytes(d.freeBytes)} free of ${formatBytes(d.totalBytes)} (${((d.freeBytes / d.totalBytes) * 100).toFixed(0)}%)`);
    }
    lines.push(`destination ${d.name}: ${d.state}, ${parts.join('; ')}`);
  }
  if (health.replication) lines.push(replicationLine(health.replication));
  return lines;
}
