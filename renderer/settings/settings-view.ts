/**
 * Settings: edits a copy of config.json's content, validates it as the user
 * types (errors next to the field they name), and saves only what the engine
 * accepts. Secrets are stored one by one with setSecret, never in the config.
 */
import type { FieldError, SettingsView } from '../../preload/ipc-contract.ts';
import { ApiFailure, api, call, messageOf } from '../lib/api.ts';
import { h, replaceChildren } from '../lib/dom.ts';
import { showNotice } from '../lib/notice.ts';
import { cloneDraft } from './config-path.ts';
import type { Draft } from './config-path.ts';
import { clearFieldErrors, showFieldErrors } from './field-errors.ts';
import { cloudSection } from './cloud-section.ts';
import { alertsSection, desktopSection, databaseSection, filesSection, repositorySection, retentionSection, scheduleSection } from './settings-sections.ts';

export function mountSettings(root: HTMLElement): () => void {
  let alive = true;
  replaceChildren(root, h('p', {}, 'Loading settings…'));
  call(api().getSettings())
    .then((settings) => { if (alive) render(root, settings); })
    .catch((error: unknown) => replaceChildren(root, h('p', { class: 'error' }, `Cannot read the settings: ${messageOf(error)}`)));
  return () => { alive = false; };
}

function render(root: HTMLElement, settings: SettingsView): void {
  const draft: Draft = cloneDraft(settings.config);
  const summary = h('div', { class: 'error-summary', role: 'alert', 'data-testid': 'settings-errors', hidden: true });
  const form = h('form', { class: 'settings', novalidate: true });
  let timer: number | undefined;
  let sequence = 0;
  const validate = (): void => {
    const mine = ++sequence;
    call(api().validateSettings({ config: draft }))
      .then((errors) => { if (mine === sequence) showFieldErrors(form, summary, errors, null); })
      .catch((error: unknown) => showNotice(messageOf(error), 'error'));
  };
  const changed = (): void => {
    window.clearTimeout(timer);
    timer = window.setTimeout(validate, 300);
  };
  const context = { draft, secrets: settings.secretsSet, changed };
  const save = h('button', { type: 'submit', 'data-action': 'save-settings' }, 'Save settings');
  form.append(
    databaseSection(context), filesSection(context), repositorySection(context),
    scheduleSection(context), retentionSection(), alertsSection(context), cloudSection(context), desktopSection(context),
    h('div', { class: 'save-bar' }, save),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    window.clearTimeout(timer);
    sequence += 1;
    save.disabled = true;
    call(api().saveSettings({ config: draft }))
      .then(() => {
        clearFieldErrors(form);
        summary.hidden = true;
        showNotice('Settings saved. The schedule uses them from now on.', 'success');
      })
      .catch((error: unknown) => {
        const fields: FieldError[] = error instanceof ApiFailure ? error.error.fields ?? [] : [];
        if (fields.length > 0) showFieldErrors(form, summary, fields, 'Not saved: fix the fields below.');
        else showNotice(`Not saved: ${messageOf(error)}`, 'error');
      })
      .finally(() => { save.disabled = false; });
  });
  replaceChildren(root, h('h1', {}, 'Settings'), summary, form);
}
