/** Health at a glance: the overall state, big and coloured, in plain words, plus who is scheduling. */
import type { DashboardState } from '../../preload/ipc-contract.ts';
import { h } from '../lib/dom.ts';
import { HEALTH_WORDS, formatTime } from '../lib/format.ts';

export function healthBanner(state: DashboardState): HTMLElement {
  const words = HEALTH_WORDS[state.overall];
  const openCritical = state.alerts.filter((a) => a.resolvedAt === null && a.severity === 'critical').length;
  const detail = openCritical > 0
    ? `${openCritical} critical alert${openCritical > 1 ? 's' : ''} open. ${words.detail}`
    : words.detail;
  return h('section', { class: `health health-${state.overall}`, 'data-testid': 'overall', 'data-state': state.overall },
    h('div', { class: 'health-dot', 'aria-hidden': 'true' }),
    h('div', { class: 'health-text' },
      h('h1', { class: 'health-title' }, words.title),
      h('p', { class: 'health-detail' }, detail),
      h('p', { class: 'health-meta' },
        schedulerText(state),
        state.paused ? ` · Paused ${state.paused.until ? `until ${formatTime(state.paused.until)}` : 'until resumed'}: ${state.paused.reason}` : '',
      ),
    ),
  );
}

function schedulerText(state: DashboardState): string {
  switch (state.scheduler.host) {
    case 'this-app': return 'Schedules run in this app';
    case 'daemon': return `Schedules run in the background service (${state.scheduler.detail})`;
    // The engine's detail already starts with NOT SCHEDULING when it says why.
    default: return /^NOT SCHEDULING/i.test(state.scheduler.detail) ? state.scheduler.detail : `NOT SCHEDULING: ${state.scheduler.detail || 'no scheduler is running'}`;
  }
}
