/**
 * The first-run wizard: create (or connect to) the repository, write
 * config.json, keep the password in the SecretStore, and hand back the
 * recovery kit. The password is stored only once it opened or created the
 * repository, so a typo never replaces a working password.
 */
import { hostname } from 'node:os';
import { isAbsolute } from 'node:path';
import type { FieldError, WizardInput, WizardResult } from '../../preload/ipc-contract.ts';
import type { Engine } from '../engine/index.ts';
import { InvalidRequestError } from './ipc-errors.ts';
import { recoveryKit } from './recovery-kit.ts';
import type { SecretStore } from './secret-store.ts';

export function wizardInputErrors(input: WizardInput): FieldError[] {
  const errors: FieldError[] = [];
  const absolute = (field: string, value: unknown) => {
    if (typeof value !== 'string' || value.trim() === '') errors.push({ field, message: 'must not be empty' });
    else if (!isAbsolute(value)) errors.push({ field, message: 'must be an absolute path' });
  };
  absolute('repoPath', input.repoPath);
  if (input.dbPath !== undefined && input.dbPath !== '') absolute('dbPath', input.dbPath);
  (input.files ?? []).forEach((f, i) => absolute(`files.${i}`, f));
  if (typeof input.password !== 'string' || input.password.length === 0) errors.push({ field: 'password', message: 'must not be empty' });
  return errors;
}

export async function runWizard(engine: Engine, secrets: SecretStore, input: WizardInput): Promise<WizardResult> {
  const errors = wizardInputErrors(input);
  if (errors.length > 0) throw new InvalidRequestError(`the setup is incomplete: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);
  const dbPath = input.dbPath ? input.dbPath : undefined;
  const files = input.files ?? [];
  const previous = await secrets.get('repository-password');
  // The engine reads the password through the store: stage it, and take it back if it does not work.
  await secrets.set('repository-password', input.password);
  let result;
  try {
    result = await engine.initialize({ repoPath: input.repoPath, files, ...(dbPath ? { dbPath } : {}) });
  } catch (err) {
    if (previous !== null) await secrets.set('repository-password', previous);
    else if (secrets.delete) await secrets.delete('repository-password');
    throw err;
  }
  return {
    repositoryId: result.repositoryId,
    created: result.created,
    recoveryKit: recoveryKit({
      repositoryPath: result.repositoryPath, repositoryId: result.repositoryId, createdAt: engine.clock.now(), hostname: hostname(),
      ...(dbPath ? { dbPath } : {}), files,
    }),
  };
}
