/**
 * Starts a generation: a base image at a known WAL position (taken in
 * generation-worker.ts), stored as an ordinary, verified database snapshot so
 * plain restic restores it, tagged with the generation id and the position.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { BackupError } from '../errors.ts';
import { tempOwnerTag } from '../home/tmp-sweep.ts';
import type { Repository } from '../repo/repository.ts';
import type { Snapshot } from '../repo/types.ts';
import { removeDatabaseFiles } from '../sources/sqlite/copy-database.ts';
import { snapshotDatabase } from '../sources/sqlite/database-snapshot.ts';
import { runWorker } from '../util/run-worker.ts';
import type { GenerationJob, GenerationJobResult } from './generation-worker.ts';
import { isGeneration, newGenerationId, type WalPosition } from './wal-segment-codec.ts';

const GENERATION_WORKER = new URL('./generation-worker.ts', import.meta.url);

export const BASE_TAG = 'replication-base';
const GENERATION_TAG = 'generation:';
const POSITION_TAG = 'wal-position:';

export interface GenerationBase {
  generation: string;
  snapshotId: string;
  /** The WAL position the base image stands at; null: the WAL was empty, the next WAL frame is the first. */
  position: WalPosition | null;
  startedAt: Date;
}

export interface StartGenerationOptions {
  dbPath: string;
  tmpDir: string;
  now: () => Date;
  requiredTables?: string[];
  hostname?: string;
  signal?: AbortSignal;
}

export interface StartedGeneration extends GenerationBase {
  lockMs: number;
  copyMs: number;
}

export async function startGeneration(repo: Repository, opts: StartGenerationOptions): Promise<StartedGeneration> {
  const startedAt = opts.now();
  const generation = newGenerationId(startedAt.getTime());
  const source = resolve(opts.dbPath);
  await mkdir(opts.tmpDir, { recursive: true });
  const dest = join(resolve(opts.tmpDir), `${basename(source)}.${tempOwnerTag()}.${randomBytes(6).toString('hex')}.base`);
  try {
    const job: GenerationJob = { dbPath: source, dest, busyTimeoutMs: 5000 };
    const taken = await runWorker<GenerationJobResult>(GENERATION_WORKER, job, opts.signal ? { signal: opts.signal } : {});
    const stored = await snapshotDatabase(repo, {
      dbPath: dest,
      sourcePath: source,
      tmpDir: opts.tmpDir,
      tags: [BASE_TAG, `${GENERATION_TAG}${generation}`, positionTag(taken.position)],
      now: () => startedAt,
      ...(opts.requiredTables ? { requiredTables: opts.requiredTables } : {}),
      ...(opts.hostname ? { hostname: opts.hostname } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return { generation, snapshotId: stored.snapshotId, position: taken.position, startedAt, lockMs: taken.lockMs, copyMs: taken.copyMs };
  } finally {
    await removeDatabaseFiles(dest);
  }
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/** `wal-position:<salt-1>-<salt-2>-<checkpoint seq>-<frames>-<checksum-1>-<checksum-2>` (hex), or `wal-position:none`. */
export function positionTag(p: WalPosition | null): string {
  if (!p) return `${POSITION_TAG}none`;
  return `${POSITION_TAG}${[p.salt1, p.salt2, p.checkpointSeq, p.walFrames, p.checksum1, p.checksum2].map(hex8).join('-')}`;
}

export function parsePositionTag(tag: string): WalPosition | null | undefined {
  if (!tag.startsWith(POSITION_TAG)) return undefined;
  const value = tag.slice(POSITION_TAG.length);
  if (value === 'none') return null;
  const parts = value.split('-');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-f]{8}$/.test(p))) return undefined;
  const [salt1, salt2, checkpointSeq, walFrames, checksum1, checksum2] = parts.map((p) => Number.parseInt(p, 16)) as [number, number, number, number, number, number];
  return { salt1, salt2, checkpointSeq, walFrames, checksum1, checksum2 };
}

/** The generation base a snapshot stands for, or null when it is not one (or not of this database). */
export function generationBaseOf(id: string, sn: Snapshot, dbPath: string): GenerationBase | null {
  const tags = sn.tags ?? [];
  if (!tags.includes(BASE_TAG) || !sn.paths.includes(resolve(dbPath))) return null;
  const generation = tags.find((t) => t.startsWith(GENERATION_TAG))?.slice(GENERATION_TAG.length);
  const positions = tags.map(parsePositionTag).filter((p) => p !== undefined);
  if (!generation || !isGeneration(generation) || positions.length !== 1) {
    throw new BackupError('permanent', `replication base snapshot ${id.slice(0, 8)} has malformed tags (${tags.join(', ')}): remove it with \`restic forget ${id.slice(0, 8)}\``);
  }
  return { generation, snapshotId: id, position: positions[0] ?? null, startedAt: new Date(sn.time) };
}
