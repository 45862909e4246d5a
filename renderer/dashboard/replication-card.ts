/**
 * Real-time replication beside the tier cards: what the replicator does, the
 * generation, lag p95/max against the alert limit, and how old the newest
 * commit in the repository is (what a crash now would lose). Nothing when
 * replication is off: off is a choice, not a problem.
 */
import type { DashboardState, ReplicationView } from '../../preload/ipc-contract.ts';
import { h } from '../lib/dom.ts';
import { formatRelative, formatTime } from '../lib/format.ts';

/** Lag is usually well under a second: milliseconds there. */
function lag(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function replicationCard(state: DashboardState): HTMLElement | null {
  const r = state.replication;
  if (!r) return null;
  return card(r, new Date(state.updatedAt));
}

function card(r: ReplicationView, now: Date): HTMLElement {
  const lagText = r.lagSamples > 0 ? `p95 ${lag(r.lagP95Ms)} · max ${lag(r.lagMaxMs)}` : 'nothing shipped recently';
  return h('article', { class: `card tier tier-${r.state}`, 'data-testid': 'replication', 'data-state': r.state, 'data-replicator': r.replicator },
    h('header', { class: 'card-head' },
      h('h2', {}, 'Real-time replication'),
      h('span', { class: `pill pill-${r.state}` }, r.replicator),
    ),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Generation'), h('dd', { 'data-testid': 'replication-generation' }, r.generation ?? 'none yet'),
      h('dt', {}, 'Lag'), h('dd', { 'data-testid': 'replication-lag', title: `alert above ${r.lagAlertSeconds} s` }, lagText),
      h('dt', {}, 'Last durable commit'), h('dd', { 'data-testid': 'replication-last-commit', title: formatTime(r.lastCommitAt) }, r.lastCommitAt ? formatRelative(r.lastCommitAt, now) : 'none yet'),
    ),
    h('p', { class: 'rpo-text' }, r.message),
  );
}
