/** One card per tier: last success, next run, and how much of the recovery point objective has been used. */
import type { DashboardState, TierView } from '../../preload/ipc-contract.ts';
import { h } from '../lib/dom.ts';
import { formatDuration, formatRelative, formatTime } from '../lib/format.ts';
import { replicationCard } from './replication-card.ts';

export function tierCards(state: DashboardState): HTMLElement {
  // Relative times count from the engine's clock (updatedAt), the one its ages are measured on.
  const now = new Date(state.updatedAt);
  // Replication protects tier 1 between its snapshots: its card stands with the tiers.
  return h('section', { class: 'tiers', 'aria-label': 'Tiers' }, ...state.tiers.map((tier) => tierCard(tier, now)), replicationCard(state));
}

function tierCard(tier: TierView, now: Date): HTMLElement {
  const used = tier.ageSeconds === null ? null : tier.ageSeconds / tier.rpoSeconds;
  // The bar is capped at full width; the words say how far past the objective it is.
  const width = used === null ? 0 : Math.min(100, Math.round(used * 100));
  const bar = h('div', { class: 'rpo-fill' });
  // CSSOM, not a style attribute: the CSP (style-src 'self') allows the former only.
  bar.style.width = `${width}%`;
  const rpoText = tier.ageSeconds === null
    ? `No backup yet · objective ${formatDuration(tier.rpoSeconds)}`
    : `${formatDuration(tier.ageSeconds)} old of ${formatDuration(tier.rpoSeconds)} allowed`;
  return h('article', { class: `card tier tier-${tier.state}`, 'data-testid': `tier-${tier.tier}`, 'data-state': tier.state },
    h('header', { class: 'card-head' },
      h('h2', {}, /tier/i.test(tier.label) ? tier.label : `Tier ${tier.tier} · ${tier.label}`),
      h('span', { class: `pill pill-${tier.state}` }, tier.state),
    ),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Last success'), h('dd', { title: formatTime(tier.lastSuccess) }, formatRelative(tier.lastSuccess, now)),
      h('dt', {}, 'Next run'), h('dd', { title: formatTime(tier.nextRun) }, tier.nextRun ? formatRelative(tier.nextRun, now) : 'not scheduled'),
    ),
    h('div', { class: `rpo rpo-${tier.state}`, role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': width, 'aria-label': 'Recovery point objective used' }, bar),
    h('p', { class: 'rpo-text' }, rpoText),
  );
}
