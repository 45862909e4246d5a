/**
 * Synthetic health facts described as data: a workstation whose database and
 * folders were backed up `minutesAgo` before a fixed "now", with a local
 * destination. Tests override only the facts their rule is about.
 */
import { healthSchema, type HealthConfig } from '../../../../main/engine/config/health-schema.ts';
import type { DestinationInput, HealthInput, VerificationFact } from '../../../../main/engine/health/health-types.ts';

export const NOW = new Date('2025-03-10T12:00:00.000Z');
export const GIB = 1024 ** 3;

/** A time `minutes` before NOW, written as the catalog stores it (local offset, nanoseconds). */
export function ago(minutes: number): string {
  const d = new Date(NOW.getTime() - minutes * 60_000);
  // +01:00 wall clock, so the tests also prove times are compared as instants, not strings.
  const wall = new Date(d.getTime() + 3_600_000).toISOString().slice(0, 19);
  return `${wall}+01:00`;
}

export function config(input: Record<string, unknown> = {}): HealthConfig {
  return healthSchema.parse(input);
}

export function localDestination(overrides: Partial<DestinationInput> = {}): DestinationInput {
  return {
    name: 'local',
    kind: 'local',
    addedAt: ago(30 * 24 * 60),
    lastSuccess: ago(5),
    verifications: [],
    lastDrill: null,
    space: { freeBytes: 500 * GIB, totalBytes: 1000 * GIB },
    ...overrides,
  };
}

/** 96 database snapshots a day, the newest `minutesAgo` old. */
export function healthyInput(overrides: Partial<HealthInput> = {}, minutesAgo = 5): HealthInput {
  return {
    installedAt: ago(30 * 24 * 60),
    tiers: [
      { tier: 1, sources: [{ kind: 'sqlite', path: '/data/trading.db', lastSuccess: ago(minutesAgo), lastSnapshotId: 'aa'.repeat(32) }], lastRun: null },
      { tier: 2, sources: [{ kind: 'files', path: '/home/t/research', lastSuccess: ago(30), lastSnapshotId: 'bb'.repeat(32) }], lastRun: null },
    ],
    recentDatabaseSnapshots: Array.from({ length: 96 }, (_, i) => ago(minutesAgo + i * 15)),
    databaseConfigured: true,
    sizeHistory: [],
    destinations: [localDestination()],
    ...overrides,
  };
}

export function verification(overrides: Partial<VerificationFact> & Pick<VerificationFact, 'time' | 'level' | 'ok'>): VerificationFact {
  return { snapshotId: null, packs: [], snapshots: [], messages: [], ...overrides };
}
