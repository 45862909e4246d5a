/**
 * The log's destination without a second key derivation: every job opens the
 * configured repository anyway (scrypt at restic's N=32768 costs ~0.5-0.8 s
 * here), so the engine remembers that repository's key and backend per
 * engine, and the flush after the run reuses them. Only those three fields
 * are kept, never the repository with its index. Before reuse the cached key
 * must still decrypt the repository's config with the same id (a folder
 * re-initialised meanwhile gets a fresh open).
 */
import type { Engine } from '../engine.ts';
import { decodeConfig } from '../repo/config-file.ts';
import { decrypt } from '../repo/crypto.ts';
import type { OplogTarget } from './oplog-batch.ts';

const remembered = new WeakMap<Engine, { path: string; target: OplogTarget }>();

export function rememberOplogTarget(engine: Engine, path: string, repository: OplogTarget): void {
  remembered.set(engine, { path, target: { backend: repository.backend, masterKey: repository.masterKey, id: repository.id } });
}

/** The configured repository as a log destination: the remembered key when still valid, else a fresh open. */
export async function oplogTargetFor(engine: Engine): Promise<OplogTarget> {
  const config = await engine.config();
  const known = remembered.get(engine);
  if (known && known.path === config.repository.path && (await stillValid(known.target))) return known.target;
  return engine.openRepository(config);
}

async function stillValid(target: OplogTarget): Promise<boolean> {
  try {
    const stored = await target.backend.load({ type: 'config', name: '' });
    return decodeConfig(decrypt(target.masterKey, stored, 'the repository config'), target.backend.location()).id === target.id;
  } catch {
    // Gone, unreadable or another repository's key: the fresh open that follows reports what is wrong.
    return false;
  }
}
