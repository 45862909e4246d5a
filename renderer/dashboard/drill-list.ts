/**
 * Restore-drill evidence: each drill's outcome, and its HTML report opened in
 * a sandboxed iframe (no scripts, no same-origin access): the report is data
 * from the engine and is never mixed into this page's DOM.
 */
import type { DrillView } from '../../preload/ipc-contract.ts';
import { api, call, messageOf } from '../lib/api.ts';
import { h, replaceChildren } from '../lib/dom.ts';
import { formatDuration, formatTime } from '../lib/format.ts';

export function drillList(drills: DrillView[]): HTMLElement {
  const viewer = h('div', { class: 'drill-viewer', 'data-testid': 'drill-report', hidden: true });
  return h('section', { class: 'panel', 'data-testid': 'drills' },
    h('h2', {}, 'Restore drills'),
    drills.length === 0
      ? h('p', { class: 'empty' }, 'No restore drill yet. Run one to prove the backups restore.')
      : h('ul', { class: 'drills' }, ...drills.map((drill) => drillItem(drill, viewer))),
    viewer,
  );
}

function drillItem(drill: DrillView, viewer: HTMLElement): HTMLElement {
  const verdict = !drill.ok ? 'failed' : drill.withinRto ? 'passed' : 'passed, slower than its objective';
  const open = h('button', { type: 'button', class: 'small secondary', 'data-action': 'open-report' }, 'Open report');
  open.addEventListener('click', () => void showReport(drill, viewer));
  return h('li', { class: `drill ${drill.ok ? 'drill-ok' : 'drill-failed'}`, 'data-drill-id': drill.id, 'data-ok': String(drill.ok) },
    h('span', { class: `pill pill-${drill.ok ? (drill.withinRto ? 'healthy' : 'warning') : 'critical'}` }, verdict),
    h('div', {},
      h('strong', {}, `${drill.destination} · ${formatTime(drill.startedAt)}`),
      h('p', {}, drill.summary),
      h('small', {}, `took ${formatDuration(drill.durationMs === null ? null : drill.durationMs / 1000)}`,
        drill.rtoMs === null ? '' : ` · objective ${formatDuration(drill.rtoMs / 1000)}`),
    ),
    open,
  );
}

async function showReport(drill: DrillView, viewer: HTMLElement): Promise<void> {
  viewer.hidden = false;
  replaceChildren(viewer, h('p', {}, 'Loading the report…'));
  try {
    const { html } = await call(api().getDrillReport({ id: drill.id }));
    // sandbox="" : no scripts, no forms, an opaque origin. srcdoc keeps it off the network.
    const frame = h('iframe', { sandbox: '', title: `Restore drill report ${drill.id}`, class: 'report-frame' });
    frame.srcdoc = html;
    replaceChildren(viewer,
      h('div', { class: 'viewer-head' },
        h('strong', {}, `Report of the drill on ${formatTime(drill.startedAt)}`),
        h('button', { type: 'button', class: 'small secondary', onclick: () => { viewer.hidden = true; } }, 'Close'),
      ),
      frame,
    );
  } catch (error) {
    replaceChildren(viewer, h('p', { class: 'error' }, `The report could not be opened: ${messageOf(error)}`));
  }
}
