/** Open alerts first (critical before warning), each with what happened and since when. */
import type { AlertView, DashboardState } from '../../preload/ipc-contract.ts';
import { h } from '../lib/dom.ts';
import { formatRelative, formatTime } from '../lib/format.ts';

export function alertsList(state: DashboardState, focusAlertId?: number): HTMLElement {
  const open = state.alerts
    .filter((a) => a.resolvedAt === null)
    .sort((a, b) => (a.severity === b.severity ? b.openedAt.localeCompare(a.openedAt) : a.severity === 'critical' ? -1 : 1));
  return h('section', { class: 'panel', 'data-testid': 'alerts' },
    h('h2', {}, 'Open alerts'),
    open.length === 0
      ? h('p', { class: 'empty' }, 'No open alerts.')
      : h('ul', { class: 'alerts' }, ...open.map((alert) => alertItem(alert, alert.id === focusAlertId, new Date(state.updatedAt)))),
  );
}

function alertItem(alert: AlertView, focused: boolean, now: Date): HTMLElement {
  return h('li', { class: `alert alert-${alert.severity}${focused ? ' focused' : ''}`, 'data-alert-id': alert.id, 'data-severity': alert.severity },
    h('span', { class: `pill pill-${alert.severity === 'critical' ? 'critical' : 'warning'}` }, alert.severity),
    h('div', {},
      h('strong', {}, alert.title),
      h('p', {}, alert.message),
      h('small', { title: formatTime(alert.openedAt) }, `since ${formatRelative(alert.openedAt, now)}`),
    ),
  );
}
