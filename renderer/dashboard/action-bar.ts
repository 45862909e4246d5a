/** The three things a user does from the dashboard: back up now, run a restore test, pause or resume. */
import type { DashboardState } from '../../preload/ipc-contract.ts';
import { api, call, messageOf } from '../lib/api.ts';
import { h } from '../lib/dom.ts';
import { showNotice } from '../lib/notice.ts';

export interface ActionHooks {
  /** Called after an action that changes what the dashboard shows. */
  refresh: () => void;
}

export function actionBar(state: DashboardState, hooks: ActionHooks): HTMLElement {
  const backup = h('button', { type: 'button', 'data-action': 'backup-now' }, 'Back up now');
  backup.addEventListener('click', () => run(backup, 'Backup started…', async () => {
    const { started } = await call(api().backupNow());
    return started.length > 0 ? `Started: ${started.join(', ')}.` : 'Nothing to start: every backup job is already running or not configured.';
  }, hooks));

  const drill = h('button', { type: 'button', class: 'secondary', 'data-action': 'restore-test' }, 'Run restore test');
  drill.addEventListener('click', () => run(drill, 'Restore test running: restoring the latest snapshots into a temporary folder…', async () => {
    const drills = await call(api().runRestoreTest());
    const failed = drills.filter((d) => !d.ok);
    return failed.length === 0 ? `Restore test passed on ${drills.length} destination${drills.length === 1 ? '' : 's'}.` : `Restore test FAILED: ${failed.map((d) => d.summary).join('; ')}`;
  }, hooks));

  const pause = state.paused
    ? h('button', { type: 'button', class: 'secondary', 'data-action': 'resume' }, 'Resume')
    : h('button', { type: 'button', class: 'secondary', 'data-action': 'pause' }, 'Pause until market close');
  pause.addEventListener('click', () => run(pause, state.paused ? 'Resuming…' : 'Pausing…', async () => {
    if (state.paused) {
      await call(api().resume());
      return 'Backups resumed.';
    }
    await call(api().pause({ until: await marketClose(), reason: 'paused from the dashboard until market close' }));
    return 'Backups paused until market close.';
  }, hooks));

  return h('div', { class: 'actions' }, backup, drill, pause);
}

function run(button: HTMLButtonElement, pending: string, action: () => Promise<string>, hooks: ActionHooks): void {
  button.disabled = true;
  showNotice(pending);
  action()
    .then((text) => showNotice(text, text.includes('FAILED') ? 'error' : 'success'))
    .catch((error: unknown) => showNotice(messageOf(error), 'error'))
    .finally(() => {
      button.disabled = false;
      hooks.refresh();
    });
}

/**
 * Market close is the end of the blackout named like "market" in the
 * schedule (16:00 by default), as "HH:MM": the engine reads it as the next
 * such time on the schedule's clock.
 */
async function marketClose(): Promise<string> {
  const settings = await api().getSettings();
  if (!settings.ok) return '16:00';
  const schedule = settings.value.config.schedule as { blackouts?: { name?: unknown; end?: unknown }[] } | undefined;
  const market = schedule?.blackouts?.find((b) => typeof b.name === 'string' && /market/i.test(b.name));
  return typeof market?.end === 'string' ? market.end : '16:00';
}
