/**
 * Snapshots with a restore action. The target is asked for every time: a
 * database snapshot becomes a new file, and an existing target is refused
 * unless the user ticks "replace" (force), which the engine enforces too.
 */
import type { SnapshotView } from '../../preload/ipc-contract.ts';
import { api, call, messageOf } from '../lib/api.ts';
import { h, replaceChildren } from '../lib/dom.ts';
import { formatTime } from '../lib/format.ts';

export function snapshotList(snapshots: SnapshotView[]): HTMLElement {
  const newestFirst = [...snapshots].sort((a, b) => b.time.localeCompare(a.time));
  return h('section', { class: 'panel', 'data-testid': 'snapshots' },
    h('h2', {}, 'Snapshots'),
    newestFirst.length === 0
      ? h('p', { class: 'empty' }, 'No snapshots yet.')
      : h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'ID'), h('th', {}, 'Time'), h('th', {}, 'Kind'), h('th', {}, 'Paths'), h('th', {}, ''))),
        h('tbody', {}, ...newestFirst.slice(0, 50).flatMap(snapshotRows)),
      ),
  );
}

function snapshotRows(snapshot: SnapshotView): HTMLElement[] {
  const formRow = h('tr', { class: 'restore-row', hidden: true }, h('td', { colspan: 5 }));
  const button = h('button', { type: 'button', class: 'small', 'data-action': 'restore' }, 'Restore…');
  button.addEventListener('click', () => {
    formRow.hidden = !formRow.hidden;
    const cell = formRow.firstElementChild;
    if (cell instanceof HTMLElement && !formRow.hidden) replaceChildren(cell, restoreForm(snapshot, () => { formRow.hidden = true; }));
  });
  const row = h('tr', { 'data-snapshot-id': snapshot.id, 'data-kind': snapshot.kind },
    h('td', { class: 'mono' }, snapshot.shortId),
    h('td', {}, formatTime(snapshot.time)),
    h('td', {}, snapshot.kind === 'sqlite' ? 'database' : snapshot.kind, snapshot.tier ? ` · tier ${snapshot.tier}` : ''),
    h('td', { class: 'mono paths' }, snapshot.paths.join(', ')),
    h('td', {}, button),
  );
  return [row, formRow];
}

function restoreForm(snapshot: SnapshotView, close: () => void): HTMLElement {
  const isDatabase = snapshot.kind === 'sqlite';
  const target = h('input', { type: 'text', name: 'to', required: true, placeholder: isDatabase ? '/path/to/restored-trading.db' : '/path/to/restore-folder', 'aria-label': 'Restore to' });
  const force = h('input', { type: 'checkbox', name: 'force' });
  const status = h('p', { class: 'form-status', role: 'status' });
  const submit = h('button', { type: 'submit' }, 'Restore');
  const form = h('form', { class: 'restore-form' },
    h('label', {}, isDatabase ? 'Restore the database to a new file: ' : 'Restore the files under the folder: ', target),
    h('label', { class: 'inline' }, force, isDatabase ? ' Replace the file if it exists' : ' Overwrite files that exist'),
    submit,
    h('button', { type: 'button', class: 'secondary', onclick: close }, 'Cancel'),
    status,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const to = target.value.trim();
    if (to === '') {
      status.textContent = 'Enter where to restore to.';
      return;
    }
    submit.disabled = true;
    status.className = 'form-status';
    status.textContent = 'Restoring…';
    call(api().restoreSnapshot({ snapshotId: snapshot.id, to, force: force.checked }))
      .then((result) => { status.className = 'form-status ok'; status.textContent = result.summary; })
      .catch((error: unknown) => { status.className = 'form-status error'; status.textContent = messageOf(error); })
      .finally(() => { submit.disabled = false; });
  });
  return form;
}
