/**
 * Whether a destination's verification is failing right now. A failure stays
 * until a later success proves what it found is gone:
 *  - damage to pack data is only cleared by a later full read (a daily check
 *    reads a rotating subset, so passing it says nothing about that pack);
 *  - a metadata failure of one snapshot is cleared by a later metadata check
 *    of the same snapshot, or by any later daily or full check (they cover all
 *    snapshots);
 *  - any other failure is cleared by a later success of the same or a deeper level.
 * Pure: the facts come from health-input.ts.
 */
import { timeMs } from './health-format.ts';
import type { VerificationFact, VerificationLevel } from './health-types.ts';

const DEPTH: Record<VerificationLevel, number> = { metadata: 0, daily: 1, full: 2 };

export interface VerificationStatus {
  state: 'ok' | 'failed' | 'never';
  lastTime: string | null;
  /** Failures no later success has cleared, newest first. */
  unresolved: VerificationFact[];
}

function clears(success: VerificationFact, failure: VerificationFact): boolean {
  if (timeMs(success.time) <= timeMs(failure.time)) return false;
  if (failure.packs.length > 0) return success.level === 'full';
  if (DEPTH[success.level] > DEPTH[failure.level]) return true;
  if (success.level !== failure.level) return false;
  return failure.level !== 'metadata' || success.snapshotId === failure.snapshotId;
}

export function verificationStatus(facts: readonly VerificationFact[]): VerificationStatus {
  if (facts.length === 0) return { state: 'never', lastTime: null, unresolved: [] };
  const newestFirst = [...facts].sort((a, b) => timeMs(b.time) - timeMs(a.time));
  const successes = newestFirst.filter((f) => f.ok);
  const unresolved = newestFirst.filter((f) => !f.ok && !successes.some((s) => clears(s, f)));
  return { state: unresolved.length > 0 ? 'failed' : 'ok', lastTime: newestFirst[0]!.time, unresolved };
}
