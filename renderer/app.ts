/**
 * Renderer entry: picks the view (first-run wizard until the app is
 * configured, then dashboard or settings) and follows `navigate` events from
 * the main process (a clicked notification opens the dashboard at its alert).
 */
import type { ApiEvents } from '../preload/ipc-contract.ts';
import { api, call, messageOf } from './lib/api.ts';
import { h, replaceChildren } from './lib/dom.ts';
import { mountDashboard } from './dashboard/dashboard-view.ts';
import { mountSettings } from './settings/settings-view.ts';
import { mountWizard } from './wizard/wizard-view.ts';

type ViewName = ApiEvents['navigate']['view'];

let unmount: (() => void) | null = null;

async function show(view: ViewName, alertId?: number): Promise<void> {
  const root = document.getElementById('view');
  if (!root) return;
  unmount?.();
  unmount = null;
  let target = view;
  try {
    const state = await call(api().getState());
    if (!state.configured) target = 'wizard';
  } catch (error) {
    replaceChildren(root, h('p', { class: 'error' }, `Cannot reach the backup engine: ${messageOf(error)}`));
    return;
  }
  document.body.dataset.view = target;
  for (const tab of document.querySelectorAll<HTMLButtonElement>('.tab')) {
    tab.classList.toggle('active', tab.dataset.view === target);
    tab.disabled = target === 'wizard';
  }
  if (target === 'wizard') unmount = mountWizard(root, () => void show('dashboard'));
  else if (target === 'settings') unmount = mountSettings(root);
  else unmount = mountDashboard(root, { focusAlertId: alertId });
}

function start(): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>('.tab')) {
    tab.addEventListener('click', () => void show(tab.dataset.view === 'settings' ? 'settings' : 'dashboard'));
  }
  api().on('navigate', (target) => void show(target.view, target.alertId));
  window.addEventListener('hashchange', () => void show(window.location.hash === '#settings' ? 'settings' : 'dashboard'));
  // The shell loads index.html#settings (or #dashboard); the tests may use ?view=settings.
  const initial = window.location.hash.slice(1) || new URLSearchParams(window.location.search).get('view');
  void show(initial === 'settings' ? 'settings' : 'dashboard');
}

start();
