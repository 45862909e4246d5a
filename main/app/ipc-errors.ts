/**
 * Turning whatever a method throws into the contract's IpcError: the kind
 * travels, the message is one line a person can act on. Methods of the app API
 * never throw; they return one of these.
 */
import type { FieldError, IpcError, IpcResult } from '../../preload/ipc-contract.ts';
import { describeError, isBackupError } from '../engine/index.ts';

/** Thrown inside the app for input the renderer got wrong; becomes kind 'invalid'. */
export class InvalidRequestError extends Error {
  readonly fields: FieldError[];

  constructor(message: string, fields: FieldError[] = []) {
    super(message);
    this.name = 'InvalidRequestError';
    this.fields = fields;
  }
}

export function invalidSettings(fields: FieldError[]): InvalidRequestError {
  const names = fields.map((f) => f.field || '(top level)');
  const shown = names.slice(0, 3).join(', ');
  const more = names.length > 3 ? ` and ${names.length - 3} more` : '';
  return new InvalidRequestError(`${fields.length === 1 ? 'a setting is' : `${fields.length} settings are`} invalid: ${shown}${more}`, fields);
}

export function toIpcError(err: unknown): IpcError {
  if (err instanceof InvalidRequestError) {
    return { kind: 'invalid', message: oneLine(err.message), ...(err.fields.length > 0 ? { fields: err.fields } : {}) };
  }
  if (isBackupError(err)) return { kind: err.kind, message: oneLine(err.message) };
  // Anything else is a bug or an environment failure we did not classify.
  return { kind: 'fatal', message: oneLine(`unexpected error: ${describeError(err)}`) };
}

function oneLine(message: string): string {
  return message.split('\n')[0]!.trim() || 'unknown error';
}

/** Runs a method body and returns its result object; never throws. */
export async function settle<T>(body: () => Promise<T>): Promise<IpcResult<T>> {
  try {
    return { ok: true, value: await body() };
  } catch (err) {
    return { ok: false, error: toIpcError(err) };
  }
}
