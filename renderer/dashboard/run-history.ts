/** Job history: the most recent runs, newest first, with their result and what they added. */
import type { RunView } from '../../preload/ipc-contract.ts';
import { h } from '../lib/dom.ts';
import { formatBytes, formatDuration, formatTime } from '../lib/format.ts';

export function runHistory(runs: RunView[]): HTMLElement {
  return h('section', { class: 'panel', 'data-testid': 'history' },
    h('h2', {}, 'Job history'),
    runs.length === 0
      ? h('p', { class: 'empty' }, 'No job has run yet.')
      : h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Job'), h('th', {}, 'Started'), h('th', {}, 'Took'), h('th', {}, 'Result'), h('th', {}, 'Added'))),
        h('tbody', {}, ...runs.map(runRow)),
      ),
  );
}

function runRow(run: RunView): HTMLElement {
  const took = run.endedAt ? (new Date(run.endedAt).getTime() - new Date(run.startedAt).getTime()) / 1000 : null;
  return h('tr', { 'data-run-id': run.id, 'data-job': run.job, 'data-result': run.result },
    h('td', {}, run.job),
    h('td', {}, formatTime(run.startedAt)),
    h('td', {}, run.result === 'running' ? 'running' : formatDuration(took)),
    h('td', {}, h('span', { class: `pill pill-result-${run.result}` }, run.result), run.errorMessage ? h('div', { class: 'run-error' }, run.errorMessage) : null),
    h('td', {}, formatBytes(run.bytesAdded)),
  );
}
