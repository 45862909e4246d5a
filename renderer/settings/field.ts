/**
 * Form fields bound to a dotted config path. Each field's wrapper carries
 * data-field (the path) and data-label (its words) so validation errors,
 * which name paths, are shown next to the field they are about.
 */
import { h } from '../lib/dom.ts';
import type { Child } from '../lib/dom.ts';
import { getPath, setPath } from './config-path.ts';
import type { Draft } from './config-path.ts';

/** How the text in the input maps to the config value. */
export type FieldKind = 'text' | 'optional-text' | 'number' | 'lines' | 'comma';

export interface FieldOptions {
  kind?: FieldKind;
  placeholder?: string;
  hint?: string;
  onChange?: () => void;
}

export function textField(draft: Draft, path: string, label: string, options: FieldOptions = {}): HTMLElement {
  const kind = options.kind ?? 'text';
  const id = `f-${path.replace(/\./g, '-')}`;
  const input = kind === 'lines'
    ? h('textarea', { id, rows: 3, placeholder: options.placeholder })
    : h('input', { id, type: kind === 'number' ? 'number' : 'text', placeholder: options.placeholder, spellcheck: 'false' });
  input.value = toText(getPath(draft, path), kind);
  input.addEventListener('input', () => {
    setPath(draft, path, fromText(input.value, kind));
    options.onChange?.();
  });
  return wrap(path, label, id, input, options.hint);
}

export function checkField(draft: Draft, path: string, label: string, onChange?: () => void, fallback = false): HTMLElement {
  const id = `f-${path.replace(/\./g, '-')}`;
  const current = getPath(draft, path);
  const input = h('input', { id, type: 'checkbox', checked: typeof current === 'boolean' ? current : fallback });
  input.addEventListener('change', () => {
    setPath(draft, path, input.checked);
    onChange?.();
  });
  return h('div', { class: 'field field-check', 'data-field': path, 'data-label': label },
    h('label', { for: id }, input, ` ${label}`));
}

export function wrap(path: string, label: string, id: string, control: Child, hint?: string, extra?: Child): HTMLElement {
  return h('div', { class: 'field', 'data-field': path, 'data-label': label },
    h('label', { for: id }, label),
    control,
    hint ? h('small', { class: 'hint' }, hint) : null,
    extra ?? null,
  );
}

function toText(value: unknown, kind: FieldKind): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(String).join(kind === 'comma' ? ', ' : '\n');
  return String(value);
}

function fromText(text: string, kind: FieldKind): unknown {
  const trimmed = text.trim();
  switch (kind) {
    case 'optional-text': return trimmed === '' ? undefined : trimmed;
    // Not a number stays a string: the engine's validation then names the field.
    case 'number': return trimmed === '' ? undefined : Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
    case 'lines': return text.split('\n').map((s) => s.trim()).filter((s) => s !== '');
    case 'comma': return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    default: return text;
  }
}

export function selectField(draft: Draft, path: string, label: string, choices: { value: string | number; text: string }[], onChange?: () => void): HTMLElement {
  const id = `f-${path.replace(/\./g, '-')}`;
  const current = getPath(draft, path);
  const select = h('select', { id }, ...choices.map((c) => h('option', { value: String(c.value) }, c.text)));
  select.value = current === undefined ? String(choices[0]?.value ?? '') : String(current);
  select.addEventListener('change', () => {
    const choice = choices.find((c) => String(c.value) === select.value);
    setPath(draft, path, choice?.value);
    onChange?.();
  });
  return wrap(path, label, id, select);
}
