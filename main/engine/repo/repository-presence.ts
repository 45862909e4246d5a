/**
 * Guards against writing a repository where the user did not mean to: every
 * caller except `init` needs an existing repository, and an empty folder
 * usually means the NAS or drive is not mounted.
 */
import type { Backend } from '../backends/backend.ts';
import { BackupError } from '../errors.ts';

/** Backends that can tell whether their location holds anything at all (the local one can). */
interface EmptinessProbe {
  isEmpty(): Promise<boolean>;
}

function canProbe(backend: Backend): backend is Backend & EmptinessProbe {
  return typeof (backend as Partial<EmptinessProbe>).isEmpty === 'function';
}

export async function assertRepositoryPresent(backend: Backend): Promise<void> {
  if (await backend.exists()) return;
  const location = backend.location();
  if (!canProbe(backend)) {
    throw new BackupError('not-found', `no repository at ${location} (no config file found: check the location; run \`quantai-backup init\` only for a new repository)`);
  }
  if (!(await backend.isEmpty())) {
    throw new BackupError('not-found', `no repository at ${location}: the folder holds files but no repository config; check the path`);
  }
  throw new BackupError('not-found', `no repository at ${location} (the folder is empty or missing: is the NAS or drive mounted? Run \`quantai-backup init\` only for a new repository)`);
}
