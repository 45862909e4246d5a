/**
 * Access to `window.quantai` (built by the preload, or by the UI-test harness)
 * and a helper that turns an IpcResult into a value or a shown error.
 */
import type { IpcError, IpcResult, QuantaiApi } from '../../preload/ipc-contract.ts';

declare global {
  interface Window {
    quantai?: QuantaiApi;
  }
}

export function api(): QuantaiApi {
  const bridge = window.quantai;
  if (!bridge) throw new Error('The app bridge is missing: this page must run inside QuantAI Backup.');
  return bridge;
}

export class ApiFailure extends Error {
  readonly error: IpcError;
  constructor(error: IpcError) {
    super(error.message);
    this.error = error;
  }
}

/** The value of a successful result; a failed one throws ApiFailure (kind, message, fields). */
export async function call<T>(result: Promise<IpcResult<T>>): Promise<T> {
  const settled = await result;
  if (settled.ok) return settled.value;
  throw new ApiFailure(settled.error);
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiFailure) {
    const fields = error.error.fields ?? [];
    return fields.length > 0 ? `${error.message} (${fields.map((f) => `${f.field}: ${f.message}`).join('; ')})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
