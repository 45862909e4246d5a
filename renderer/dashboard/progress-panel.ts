/** Live job progress: phase, bytes, percent and time left, from `jobProgress` events and the state. */
import type { JobProgressView } from '../../preload/ipc-contract.ts';
import { h } from '../lib/dom.ts';
import { formatBytes, formatDuration } from '../lib/format.ts';

export function progressPanel(running: JobProgressView[]): HTMLElement {
  return h('section', { class: 'panel', 'data-testid': 'progress' },
    h('h2', {}, 'Running now'),
    running.length === 0
      ? h('p', { class: 'empty' }, 'No job is running.')
      : h('ul', { class: 'progress-list' }, ...running.map(progressItem)),
  );
}

function progressItem(p: JobProgressView): HTMLElement {
  const percent = p.percent === undefined ? null : Math.max(0, Math.min(100, p.percent));
  const bytes = p.totalBytes ? `${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)}` : formatBytes(p.bytes);
  const bar = h('progress', { max: 100 });
  if (percent !== null) bar.value = percent;
  return h('li', { class: 'progress-item', 'data-job': p.job, 'data-phase': p.phase },
    h('div', { class: 'progress-head' },
      h('strong', {}, p.job),
      h('span', { class: 'phase' }, p.phase),
      h('span', { class: 'percent' }, percent === null ? '' : `${percent.toFixed(0)} %`),
    ),
    bar,
    h('small', {}, bytes, p.files !== undefined ? ` · ${p.files} files` : '', p.etaSeconds !== undefined ? ` · about ${formatDuration(p.etaSeconds)} left` : ''),
  );
}
