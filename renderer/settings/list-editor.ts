/**
 * An editable list of objects in the config (file sources, blackout windows):
 * one row per item, built by `row`, with add and remove. Rows are rebuilt on
 * add/remove so their field paths (files.sources.2.path) stay in step.
 */
import { h, replaceChildren } from '../lib/dom.ts';
import { getPath, setPath } from './config-path.ts';
import type { Draft } from './config-path.ts';

export interface ListEditorOptions {
  path: string;
  label: string;
  addLabel: string;
  empty: string;
  make: () => Record<string, unknown>;
  row: (itemPath: string) => HTMLElement[];
  onChange: () => void;
}

export function listEditor(draft: Draft, options: ListEditorOptions): HTMLElement {
  const rows = h('div', { class: 'list-rows' });
  const items = (): unknown[] => {
    const current = getPath(draft, options.path);
    if (Array.isArray(current)) return current;
    setPath(draft, options.path, []);
    return getPath(draft, options.path) as unknown[];
  };
  const render = (): void => {
    const list = items();
    replaceChildren(rows, list.length === 0 ? h('p', { class: 'empty' }, options.empty) : null,
      ...list.map((_, index) => {
        const remove = h('button', { type: 'button', class: 'small secondary', 'aria-label': `Remove ${options.label} ${index + 1}` }, 'Remove');
        remove.addEventListener('click', () => {
          items().splice(index, 1);
          options.onChange();
          render();
        });
        return h('div', { class: 'list-row' }, ...options.row(`${options.path}.${index}`), remove);
      }));
  };
  const add = h('button', { type: 'button', class: 'small secondary' }, options.addLabel);
  add.addEventListener('click', () => {
    items().push(options.make());
    options.onChange();
    render();
  });
  render();
  return h('div', { class: 'field list', 'data-field': options.path, 'data-label': options.label },
    h('span', { class: 'label' }, options.label), rows, add);
}
