/**
 * The only place with raw ipcMain and webContents.send: one typed handler per
 * contract method, each refusing callers that are not our renderer, and a
 * typed sender for events. Every other shell file uses these wrappers.
 */
import { ipcMain } from 'electron';
import type { WebContents } from 'electron';
import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../../preload/ipc-contract.ts';
import type { ApiEventName, ApiEvents, ApiMethodName, IpcResult } from '../../preload/ipc-contract.ts';
import type { AppApi } from '../app/index.ts';
import { isTrustedSender } from './trusted-ipc-sender.ts';
import { shellLog } from './logging.ts';

/** Registers one handler per channel; returns a function that removes them all. */
export function registerApiHandlers(api: Pick<AppApi, 'invoke'>, renderer: URL): () => void {
  const names = Object.keys(INVOKE_CHANNELS) as ApiMethodName[];
  for (const name of names) {
    const channel = INVOKE_CHANNELS[name];
    ipcMain.handle(channel, async (event, request: unknown): Promise<IpcResult<unknown>> => {
      if (!isTrustedSender(event.senderFrame, renderer)) {
        shellLog.warn(`refused ${channel} from an untrusted frame`, event.senderFrame?.url ?? '(gone)');
        return { ok: false, error: { kind: 'permanent', message: 'This page may not use QuantAI Backup.' } };
      }
      try {
        // The app API validates the request's shape itself: it is data from a renderer.
        return await api.invoke(name, request);
      } catch (err) {
        // The app API returns results; a throw is a bug, logged and reported, never an unhandled rejection.
        shellLog.error(`${channel} failed unexpectedly`, err);
        return { ok: false, error: { kind: 'fatal', message: `Unexpected error in ${name}: ${err instanceof Error ? err.message : String(err)}. See the log.` } };
      }
    });
  }
  return () => {
    for (const name of names) ipcMain.removeHandler(INVOKE_CHANNELS[name]);
  };
}

/** Sends an event to our renderer in a window; skipped if the window shows anything else. */
export function sendEvent<E extends ApiEventName>(target: WebContents, renderer: URL, event: E, payload: ApiEvents[E]): void {
  if (target.isDestroyed()) return;
  if (!isTrustedSender(target.mainFrame, renderer)) return;
  target.send(EVENT_CHANNELS[event], payload);
}
