/**
 * The health model: from plain facts and the time, the state of each tier and
 * destination and the overall state. Pure, so tests drive it with synthetic
 * facts and an injected time. A row's state is the worst condition about it
 * (a row without conditions is healthy once it has a backup, unknown before);
 * the overall state is the worst condition, or unknown while some configured
 * tier has never been backed up.
 */
import type { HealthConfig } from '../config/health-schema.ts';
import { evaluateAlertRules, tierLabel, tierLastSuccess, tierObjective } from './alert-rules.ts';
import type { AlertCondition } from './alert-types.ts';
import { timeMs } from './health-format.ts';
import type {
  DestinationHealth, DestinationInput, HealthInput, HealthReport, HealthState, ReplicationHealth, ReplicationHealthInput, TierHealth, TierInput,
} from './health-types.ts';
import { verificationStatus } from './verification-status.ts';

export type { HealthInput, HealthReport } from './health-types.ts';

const RANK: Record<HealthState, number> = { unknown: 0, healthy: 1, warning: 2, critical: 3 };

function worst(states: HealthState[]): HealthState | null {
  return states.reduce<HealthState | null>((w, s) => (w === null || RANK[s] > RANK[w] ? s : w), null);
}

function ageSeconds(time: string | null, now: Date): number | null {
  return time === null ? null : Math.max(0, Math.floor((now.getTime() - timeMs(time)) / 1000));
}

function rowState(conditions: AlertCondition[], hasBackup: boolean): HealthState {
  return worst(conditions.map((c) => c.severity)) ?? (hasBackup ? 'healthy' : 'unknown');
}

function tierHealth(tier: TierInput, conditions: AlertCondition[], config: HealthConfig, now: Date): TierHealth {
  const lastSuccess = tierLastSuccess(tier);
  const mine = conditions.filter((c) => c.data?.['tier'] === tier.tier);
  return {
    tier: tier.tier,
    label: tierLabel(tier.tier),
    lastSuccess,
    ageSeconds: ageSeconds(lastSuccess, now),
    rpoSeconds: tierObjective(config, tier.tier).rpoMinutes * 60,
    state: rowState(mine, lastSuccess !== null),
  };
}

function destinationHealth(dest: DestinationInput, conditions: AlertCondition[], now: Date): DestinationHealth {
  const mine = conditions.filter((c) => c.data?.['destination'] === dest.name);
  const verification = verificationStatus(dest.verifications);
  const failedMessage = mine.find((c) => c.rule === 'verification-failed')?.message;
  return {
    name: dest.name,
    kind: dest.kind,
    lastSuccess: dest.lastSuccess,
    ageSeconds: ageSeconds(dest.lastSuccess, now),
    verification: {
      state: verification.state,
      lastTime: verification.lastTime,
      ...(failedMessage ? { message: failedMessage } : {}),
    },
    lastDrill: dest.lastDrill
      ? { ok: dest.lastDrill.ok, time: dest.lastDrill.time, durationMs: dest.lastDrill.durationMs, rtoMs: dest.lastDrill.rtoMs }
      : null,
    freeBytes: dest.space?.freeBytes ?? null,
    totalBytes: dest.space?.totalBytes ?? null,
    state: rowState(mine, dest.lastSuccess !== null),
  };
}

function replicationHealth(r: ReplicationHealthInput | undefined, conditions: AlertCondition[], now: Date): ReplicationHealth | null {
  if (!r) return null;
  const mine = conditions.filter((c) => c.rule === 'replication-lag');
  const lastCommitAt = r.lastCommitAt ?? null;
  return {
    // Shipping within the limit is healthy; before the first segment, unknown (the alert rule says why if it matters).
    state: rowState(mine, r.state === 'replicating' || r.lastShippedAt !== null),
    replicator: r.state,
    message: r.message,
    generation: r.generation ?? null,
    lagP95Ms: r.lagP95Ms ?? 0,
    lagMaxMs: r.lagMaxMs,
    lagSamples: r.lagSamples ?? 0,
    lagAlertSeconds: r.lagAlertSeconds,
    lastCommitAt,
    lastCommitAgeSeconds: ageSeconds(lastCommitAt, now),
    lastShippedAt: r.lastShippedAt,
  };
}

export function buildHealth(input: HealthInput, config: HealthConfig, now: Date): HealthReport {
  const conditions = evaluateAlertRules(input, config, now);
  const tiers = input.tiers.map((t) => tierHealth(t, conditions, config, now));
  const destinations = input.destinations.map((d) => destinationHealth(d, conditions, now));
  const fromConditions = worst(conditions.map((c) => c.severity));
  const neverBackedUp = tiers.length === 0 || tiers.some((t) => t.lastSuccess === null);
  return {
    overall: fromConditions ?? (neverBackedUp ? 'unknown' : 'healthy'),
    evaluatedAt: now.toISOString(),
    tiers,
    destinations,
    replication: replicationHealth(input.replication, conditions, now),
    conditions,
  };
}
