/**
 * A secret (password, webhook URL, token): typed once, sent to the main
 * process with setSecret, then the input is emptied and only "stored in the
 * OS keychain" is shown. The value is never read back or echoed.
 */
import type { SecretName } from '../../preload/ipc-contract.ts';
import { api, call, messageOf } from '../lib/api.ts';
import { h, replaceChildren } from '../lib/dom.ts';

export function secretField(name: SecretName, label: string, stored: boolean): HTMLElement {
  const box = h('div', { class: 'field secret', 'data-field': `secrets.${name}`, 'data-label': label, 'data-secret': name });
  const showStored = (): void => {
    const replace = h('button', { type: 'button', class: 'small secondary' }, 'Replace');
    replace.addEventListener('click', showInput);
    replaceChildren(box, h('label', {}, label), h('p', { class: 'stored', 'data-testid': `secret-${name}` }, 'stored in the OS keychain ', replace));
  };
  const showInput = (): void => {
    const id = `secret-${name}`;
    const input = h('input', { id, type: 'password', autocomplete: 'new-password', spellcheck: 'false' });
    const status = h('small', { class: 'hint', role: 'status' }, stored ? 'A value is stored; a new one replaces it.' : 'Not set.');
    const save = h('button', { type: 'button', class: 'small' }, 'Store');
    save.addEventListener('click', () => {
      const value = input.value;
      if (value === '') {
        status.textContent = 'Type the value first.';
        return;
      }
      save.disabled = true;
      call(api().setSecret({ name, value }))
        .then(() => {
          stored = true;
          input.value = '';
          showStored();
        })
        .catch((error: unknown) => {
          status.textContent = messageOf(error);
          save.disabled = false;
        });
    });
    replaceChildren(box, h('label', { for: id }, label), h('div', { class: 'row' }, input, save), status);
  };
  if (stored) showStored();
  else showInput();
  return box;
}
