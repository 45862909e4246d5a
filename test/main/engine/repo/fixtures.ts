/**
 * Shared helpers for the repository tests: a minimal directory -> tree writer
 * (the real walker lives in sources/files), a tree -> file map reader, and the
 * restic CLI as the oracle.
 */
import { restic as runRestic, resticOk as runResticOk } from '../../../support/restic.ts';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { goFileMode, nodeTypeOf } from '../../../../main/engine/repo/file-mode.ts';
import type { Repository } from '../../../../main/engine/repo/repository.ts';
import type { Id, TreeNode } from '../../../../main/engine/repo/types.ts';
import { statTimes } from '../../../../main/engine/util/rfc3339.ts';

export const FAST_KDF = { N: 1024, r: 8, p: 1 };
export const PASSWORD = 'correct horse battery staple';

/** What a test compares: path (raw bytes, hex-joined) -> file bytes, link target, or dir marker. */
export type FileMap = Map<string, { type: string; data?: Buffer; target?: string }>;

function pathKey(parts: Buffer[]): string {
  return parts.map((p) => p.toString('hex')).join('/');
}

/** Stores a directory tree with fixed-size chunks; returns the root tree id. */
export async function storeDirectory(repo: Repository, dir: Buffer | string, chunkSize = 64 * 1024): Promise<Id> {
  const dirBytes = Buffer.isBuffer(dir) ? dir : Buffer.from(dir);
  const names = readdirSync(dirBytes, { encoding: 'buffer' });
  const nodes: TreeNode[] = [];
  for (const name of names) {
    const path = Buffer.concat([dirBytes, Buffer.from('/'), name]);
    const st = lstatSync(path, { bigint: true });
    const type = nodeTypeOf(Number(st.mode));
    const node: TreeNode = {
      name, type, mode: goFileMode(Number(st.mode)), ...statTimes(st),
      uid: Number(st.uid), gid: Number(st.gid), inode: Number(st.ino), device_id: Number(st.dev), links: Number(st.nlink),
    };
    if (type === 'file') {
      const data = readFileSync(path);
      node.size = data.length;
      node.content = [];
      for (let at = 0; at < data.length; at += chunkSize) {
        node.content.push((await repo.saveBlob('data', data.subarray(at, at + chunkSize))).id);
      }
    } else if (type === 'dir') {
      node.subtree = await storeDirectory(repo, path, chunkSize);
    } else if (type === 'symlink') {
      node.linktarget = readlinkSync(path, { encoding: 'buffer' }).toString('utf8');
    }
    nodes.push(node);
  }
  return (await repo.saveTree({ nodes })).id;
}

/** Reads every file of a stored tree back through the repository. */
export async function readStoredTree(repo: Repository, treeId: Id, prefix: Buffer[] = [], out: FileMap = new Map()): Promise<FileMap> {
  const tree = await repo.loadTree(treeId);
  for (const node of tree.nodes) {
    const parts = [...prefix, node.name];
    if (node.type === 'dir') {
      out.set(pathKey(parts), { type: 'dir' });
      await readStoredTree(repo, node.subtree!, parts, out);
    } else if (node.type === 'file') {
      const chunks = await Promise.all((node.content ?? []).map((id) => repo.loadBlob('data', id)));
      const data = Buffer.concat(chunks);
      if (data.length !== node.size && !(data.length === 0 && node.size === undefined)) {
        throw new Error(`size ${node.size} of ${node.name.toString('hex')} differs from its content (${data.length})`);
      }
      out.set(pathKey(parts), { type: 'file', data });
    } else if (node.type === 'symlink') {
      out.set(pathKey(parts), { type: 'symlink', target: node.linktarget ?? '' });
    }
  }
  return out;
}

/** The same map from a directory on disk (names read as raw bytes). */
export function readDirectory(dir: Buffer, prefix: Buffer[] = [], out: FileMap = new Map()): FileMap {
  for (const name of readdirSync(dir, { encoding: 'buffer' })) {
    const path = Buffer.concat([dir, Buffer.from('/'), name]);
    const parts = [...prefix, name];
    const st = lstatSync(path);
    if (st.isDirectory()) {
      out.set(pathKey(parts), { type: 'dir' });
      readDirectory(path, parts, out);
    } else if (st.isSymbolicLink()) {
      out.set(pathKey(parts), { type: 'symlink', target: readlinkSync(path, { encoding: 'buffer' }).toString('utf8') });
    } else {
      out.set(pathKey(parts), { type: 'file', data: readFileSync(path) });
    }
  }
  return out;
}

/** Runs restic; returns status and output instead of throwing, so tests can assert on failures too. */
export function restic(repoDir: string, args: string[], password = PASSWORD): { status: number; stdout: string; stderr: string } {
  const r = runRestic(repoDir, password, args);
  return { status: r.code ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function resticOk(repoDir: string, args: string[], password = PASSWORD): string {
  return runResticOk(repoDir, password, args);
}

export function joinBuffer(dir: string, name: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from(dir), Buffer.from('/'), Buffer.isBuffer(name) ? name : Buffer.from(name)]);
}
