/**
 * Builds `window.quantai` from any transport: the preload passes an
 * ipcRenderer-based invoke/on pair, the UI tests pass a Playwright binding.
 * One named method per contract channel; the transport itself is never exposed.
 *
 * Imports only the contract (types and channel tables) so it compiles for both
 * the preload (Node types) and a browser bundle.
 */
import { EVENT_CHANNELS, INVOKE_CHANNELS } from './ipc-contract.ts';
import type { ApiEventName, ApiEvents, ApiMethodName, IpcResult, QuantaiApi } from './ipc-contract.ts';

export type InvokeTransport = (channel: string, request: unknown) => Promise<IpcResult<unknown>>;
export type EventTransport = (channel: string, listener: (payload: unknown) => void) => () => void;

export function makeQuantaiApi(invoke: InvokeTransport, on: EventTransport): QuantaiApi {
  const methods: Record<string, (request?: unknown) => Promise<IpcResult<unknown>>> = {};
  for (const name of Object.keys(INVOKE_CHANNELS) as ApiMethodName[]) {
    const channel = INVOKE_CHANNELS[name];
    // A transport failure (closed window, broken binding) becomes a typed
    // error result, so callers only ever handle IpcResult.
    methods[name] = async (request?: unknown) => {
      try {
        return await invoke(channel, request);
      } catch (error) {
        return { ok: false, error: { kind: 'transient', message: `The app did not answer (${describe(error)}). Try again.` } };
      }
    };
  }
  const api = {
    ...methods,
    on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
      const channel = EVENT_CHANNELS[event];
      if (channel === undefined) throw new Error(`Unknown event '${String(event)}'`);
      return on(channel, (payload) => listener(payload as ApiEvents[E]));
    },
  };
  return Object.freeze(api) as unknown as QuantaiApi;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
