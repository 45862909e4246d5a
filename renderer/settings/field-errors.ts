/**
 * Shows validation errors next to the field they name. An error's path may be
 * deeper than any field (files.excludes.2) or name a whole section: it goes to
 * the field with the longest matching path, or to the summary at the top.
 */
import type { FieldError } from '../../preload/ipc-contract.ts';
import { h, replaceChildren } from '../lib/dom.ts';

export function clearFieldErrors(form: HTMLElement): void {
  for (const old of form.querySelectorAll('.field-error')) old.remove();
  for (const field of form.querySelectorAll('.field.invalid')) field.classList.remove('invalid');
}

export function showFieldErrors(form: HTMLElement, summary: HTMLElement, errors: FieldError[], heading: string | null): void {
  clearFieldErrors(form);
  const fields = [...form.querySelectorAll<HTMLElement>('[data-field]')];
  const unplaced: FieldError[] = [];
  for (const error of errors) {
    const target = closestField(fields, error.field);
    if (!target) {
      unplaced.push(error);
      continue;
    }
    target.classList.add('invalid');
    target.append(h('p', { class: 'field-error', role: 'alert', 'data-error-for': error.field }, `${target.dataset.label ?? error.field}: ${error.message}`));
  }
  if (errors.length === 0 || heading === null) {
    summary.hidden = unplaced.length === 0;
    replaceChildren(summary, ...unplaced.map((e) => h('p', { 'data-error-for': e.field }, `${e.field || 'settings'}: ${e.message}`)));
    return;
  }
  summary.hidden = false;
  replaceChildren(summary,
    h('strong', {}, heading),
    h('ul', {}, ...errors.map((e) => h('li', { 'data-error-for': e.field }, `${labelFor(fields, e.field)} (${e.field || 'settings'}): ${e.message}`))),
  );
}

function closestField(fields: HTMLElement[], path: string): HTMLElement | undefined {
  let best: HTMLElement | undefined;
  let bestLength = -1;
  for (const element of fields) {
    const candidate = element.dataset.field ?? '';
    const matches = candidate === path || path.startsWith(`${candidate}.`);
    if (matches && candidate.length > bestLength) {
      best = element;
      bestLength = candidate.length;
    }
  }
  return best;
}

function labelFor(fields: HTMLElement[], path: string): string {
  return closestField(fields, path)?.dataset.label ?? path;
}
