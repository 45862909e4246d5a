/** Snapshot files: restic 0.14's JSON (note "paths", not the design doc's "dir"). */
import { BackupError } from '../errors.ts';
import { parseRfc3339Nano } from '../util/rfc3339.ts';
import type { Snapshot } from './types.ts';

const HEX64 = /^[0-9a-f]{64}$/;

export function encodeSnapshot(sn: Snapshot): string {
  // Field order and omitempty follow restic's Snapshot struct.
  const out: Record<string, unknown> = { time: sn.time };
  if (sn.parent) out.parent = sn.parent;
  out.tree = sn.tree;
  out.paths = sn.paths;
  if (sn.hostname) out.hostname = sn.hostname;
  if (sn.username) out.username = sn.username;
  if (sn.uid) out.uid = sn.uid;
  if (sn.gid) out.gid = sn.gid;
  if (sn.excludes && sn.excludes.length > 0) out.excludes = sn.excludes;
  if (sn.tags && sn.tags.length > 0) out.tags = sn.tags;
  if (sn.program_version) out.program_version = sn.program_version;
  return JSON.stringify(out);
}

export function validateSnapshot(sn: Snapshot): void {
  try {
    parseRfc3339Nano(sn.time);
  } catch (err) {
    throw new BackupError('fatal', `snapshot time ${JSON.stringify(sn.time)} is not RFC 3339`, { cause: err });
  }
  if (!HEX64.test(sn.tree)) throw new BackupError('fatal', `snapshot tree ${JSON.stringify(sn.tree)} is not a blob id`);
  if (sn.parent !== undefined && !HEX64.test(sn.parent)) throw new BackupError('fatal', `snapshot parent ${JSON.stringify(sn.parent)} is not a snapshot id`);
  if (!Array.isArray(sn.paths) || sn.paths.length === 0) throw new BackupError('fatal', 'a snapshot needs at least one path');
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? v : undefined;
}

export function decodeSnapshot(json: string, what: string): Snapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new BackupError('permanent', `${what} is not valid JSON: the snapshot file is damaged`, { cause: err });
  }
  const r = parsed as Record<string, unknown> | null;
  if (!r || typeof r.time !== 'string' || typeof r.tree !== 'string' || !HEX64.test(r.tree)) {
    throw new BackupError('permanent', `${what} is malformed (needs time and tree)`);
  }
  try {
    parseRfc3339Nano(r.time);
  } catch (err) {
    throw new BackupError('permanent', `${what} has an unreadable time ${JSON.stringify(r.time)}`, { cause: err });
  }
  const sn: Snapshot = {
    time: r.time,
    tree: r.tree,
    paths: stringList(r.paths) ?? [],
    hostname: typeof r.hostname === 'string' ? r.hostname : '',
    username: typeof r.username === 'string' ? r.username : '',
    uid: typeof r.uid === 'number' ? r.uid : 0,
    gid: typeof r.gid === 'number' ? r.gid : 0,
  };
  if (typeof r.parent === 'string') sn.parent = r.parent;
  const excludes = stringList(r.excludes);
  if (excludes) sn.excludes = excludes;
  const tags = stringList(r.tags);
  if (tags) sn.tags = tags;
  if (typeof r.program_version === 'string') sn.program_version = r.program_version;
  return sn;
}
