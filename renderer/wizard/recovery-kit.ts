/**
 * The recovery kit step: the kit (restore steps, never the password) is shown
 * and must be saved as a file before the wizard can finish. Saving is a
 * download of a Blob, which works in a sandboxed window and in the UI tests.
 */
import type { WizardResult } from '../../preload/ipc-contract.ts';
import { h } from '../lib/dom.ts';

export function recoveryKitStep(result: WizardResult, finish: () => void): HTMLElement {
  const done = h('button', { type: 'button', 'data-action': 'finish', disabled: true }, 'Finish');
  const status = h('p', { class: 'hint', role: 'status' }, 'Save the kit to finish. Keep it, and the password, somewhere other than this computer.');
  const save = h('button', { type: 'button', 'data-action': 'save-kit' }, 'Save recovery kit');
  save.addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([result.recoveryKit.text], { type: 'text/plain' }));
    const link = h('a', { href: url, download: result.recoveryKit.fileName, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    // Revoke later: the download reads the Blob after click() returns.
    window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
    done.disabled = false;
    status.textContent = `Saved as ${result.recoveryKit.fileName}. Store a copy offline, with the password.`;
  });
  done.addEventListener('click', finish);
  return h('div', { class: 'wizard-step', 'data-step': 'recovery-kit' },
    h('h2', {}, result.created ? 'Repository created' : 'Repository connected'),
    h('p', {}, `Repository ID ${result.repositoryId}. Without this kit and the password nobody, including you, can restore the data.`),
    h('pre', { class: 'kit', 'data-testid': 'recovery-kit' }, result.recoveryKit.text),
    status,
    h('div', { class: 'actions' }, save, done),
  );
}
