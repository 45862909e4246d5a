/**
 * First run: where the repository lives, what to protect, the password
 * (twice), create or connect, then the recovery kit that must be saved.
 * The password travels to the main process once, in runWizard, and is
 * cleared from the form right after.
 */
import type { WizardInput } from '../../preload/ipc-contract.ts';
import { ApiFailure, api, call, messageOf } from '../lib/api.ts';
import { h, replaceChildren } from '../lib/dom.ts';
import type { Child } from '../lib/dom.ts';
import { recoveryKitStep } from './recovery-kit.ts';

const MIN_PASSWORD = 12;

export function mountWizard(root: HTMLElement, done: () => void): () => void {
  const repo = h('input', { id: 'w-repo', name: 'repoPath', type: 'text', placeholder: '/mnt/nas/quantai-backup', spellcheck: 'false' });
  const db = h('input', { id: 'w-db', name: 'dbPath', type: 'text', placeholder: '/data/trading.db', spellcheck: 'false' });
  const folders = h('textarea', { id: 'w-files', name: 'files', rows: 3, placeholder: '/home/trader/research' });
  const password = h('input', { id: 'w-password', name: 'password', type: 'password', autocomplete: 'new-password' });
  const confirm = h('input', { id: 'w-confirm', name: 'confirm', type: 'password', autocomplete: 'new-password' });
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'wizard-error', hidden: true });
  const submit = h('button', { type: 'submit', 'data-action': 'create' }, 'Create or connect');
  const form = h('form', { class: 'wizard-step', novalidate: true },
    step('1', 'Where backups go', field('w-repo', 'Repository folder', repo, 'An empty folder creates a new repository; an existing repository is connected (its password must open it).')),
    step('2', 'What to protect', field('w-db', 'Trading database (optional)', db, 'Its tables trades, positions, accounts and audit_trail are checked on every snapshot.'),
      field('w-files', 'Folders (optional, one per line)', folders)),
    step('3', 'Repository password', field('w-password', 'Password', password, `At least ${MIN_PASSWORD} characters. It is stored in the OS keychain, never in a file.`),
      field('w-confirm', 'Password again', confirm)),
    error,
    h('div', { class: 'actions' }, submit),
  );
  const fail = (text: string): void => {
    error.hidden = false;
    error.textContent = text;
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.hidden = true;
    const input: WizardInput = { repoPath: repo.value.trim(), password: password.value };
    if (input.repoPath === '') return fail('Repository folder: enter where backups go.');
    if (password.value.length < MIN_PASSWORD) return fail(`Password: use at least ${MIN_PASSWORD} characters.`);
    if (password.value !== confirm.value) return fail('Password again: the two passwords differ.');
    if (db.value.trim() !== '') input.dbPath = db.value.trim();
    const files = folders.value.split('\n').map((s) => s.trim()).filter((s) => s !== '');
    if (files.length > 0) input.files = files;
    submit.disabled = true;
    submit.textContent = 'Working… (deriving the key takes a few seconds)';
    call(api().runWizard(input))
      .then((result) => {
        password.value = '';
        confirm.value = '';
        replaceChildren(root, header(), recoveryKitStep(result, done));
      })
      .catch((failure: unknown) => {
        const fields = failure instanceof ApiFailure ? failure.error.fields ?? [] : [];
        fail(fields.length > 0 ? fields.map((f) => `${f.field}: ${f.message}`).join('\n') : messageOf(failure));
        submit.disabled = false;
        submit.textContent = 'Create or connect';
      });
  });
  replaceChildren(root, header(), form);
  return () => undefined;
}

function header(): HTMLElement {
  return h('div', { class: 'wizard-head' }, h('h1', {}, 'Set up QuantAI Backup'),
    h('p', {}, 'Three steps, then save your recovery kit. Nothing is backed up until you finish.'));
}

function step(number: string, title: string, ...children: Child[]): HTMLElement {
  return h('fieldset', { class: 'section' }, h('legend', {}, h('span', { class: 'step-no' }, number), ` ${title}`), ...children);
}

function field(id: string, label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', { class: 'hint' }, hint) : null);
}
