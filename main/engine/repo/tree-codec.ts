/**
 * Tree blobs: JSON {"nodes":[...]} + "\n", nodes sorted by raw name bytes,
 * fields as restic 0.14 writes them. Names are Go-quoted (without the outer
 * quotes) so that names which are not valid UTF-8 survive.
 */
import { BackupError } from '../errors.ts';
import { goQuote, goUnquote } from '../util/go-quote.ts';
import type { Tree, TreeNode } from './types.ts';

const NODE_TYPES = new Set<TreeNode['type']>(['file', 'dir', 'symlink', 'dev', 'chardev', 'fifo', 'socket']);
const ZERO_TIME = '0001-01-01T00:00:00Z';
const KNOWN = new Set(['name', 'type', 'mode', 'mtime', 'atime', 'ctime', 'uid', 'gid', 'user', 'group', 'inode',
  'device_id', 'size', 'links', 'linktarget', 'device', 'content', 'subtree']);

function quoteName(name: Buffer): string {
  return goQuote(name).slice(1, -1);
}

export function sortNodes(nodes: readonly TreeNode[]): TreeNode[] {
  return [...nodes].sort((a, b) => Buffer.compare(a.name, b.name));
}

function encodeNode(n: TreeNode): Record<string, unknown> {
  const printable = n.name.toString('utf8');
  if (n.name.length === 0) throw new BackupError('fatal', 'a tree node has an empty name');
  if (n.type === 'file' && (!n.content || n.size === undefined)) {
    // Without size restic restores an empty file; without content check fails. Both are bugs upstream of here.
    throw new BackupError('fatal', `file node ${JSON.stringify(printable)} needs content and size`);
  }
  if (n.type === 'dir' && !n.subtree) throw new BackupError('fatal', `dir node ${JSON.stringify(printable)} needs a subtree`);
  // omitempty fields as restic's Node struct declares them; "content" is never omitted.
  const out: Record<string, unknown> = { name: quoteName(n.name), type: n.type };
  // Go reads mode as uint32; JS bit operations yield a negative number once the dir bit (1<<31) is set.
  if (n.mode) out.mode = n.mode >>> 0;
  out.mtime = n.mtime;
  out.atime = n.atime;
  out.ctime = n.ctime;
  out.uid = n.uid;
  out.gid = n.gid;
  if (n.user) out.user = n.user;
  if (n.group) out.group = n.group;
  if (n.inode) out.inode = n.inode;
  if (n.device_id) out.device_id = n.device_id;
  if (n.size) out.size = n.size;
  if (n.links) out.links = n.links;
  if (n.linktarget) out.linktarget = n.linktarget;
  if (n.extra) for (const [k, v] of Object.entries(n.extra)) if (!KNOWN.has(k)) out[k] = v;
  if (n.device) out.device = n.device;
  out.content = n.content ?? null;
  if (n.subtree) out.subtree = n.subtree;
  return out;
}

/** The exact bytes stored for a tree (its blob id is their SHA-256). */
export function encodeTree(tree: Tree): Buffer {
  const nodes = sortNodes(tree.nodes);
  for (let i = 1; i < nodes.length; i++) {
    if (Buffer.compare(nodes[i - 1]!.name, nodes[i]!.name) === 0) {
      throw new BackupError('fatal', `a tree has two nodes named ${JSON.stringify(nodes[i]!.name.toString('utf8'))}`);
    }
  }
  return Buffer.from(`${JSON.stringify({ nodes: nodes.map(encodeNode) })}\n`, 'utf8');
}

function num(v: unknown, field: string, what: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new BackupError('permanent', `${what}: field ${field} is not a number`);
  return v;
}

function str(v: unknown, field: string, what: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new BackupError('permanent', `${what}: field ${field} is not a string`);
  return v;
}

function decodeNode(raw: unknown, what: string): TreeNode {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new BackupError('permanent', `${what} has a node that is not an object`);
  const r = raw as Record<string, unknown>;
  const quoted = str(r.name, 'name', what);
  if (quoted === undefined) throw new BackupError('permanent', `${what} has a node without a name`);
  let name: Buffer;
  try {
    name = goUnquote(`"${quoted}"`);
  } catch (err) {
    throw new BackupError('permanent', `${what} has a badly quoted node name ${JSON.stringify(quoted)}`, { cause: err });
  }
  const nodeWhat = `${what}, node ${JSON.stringify(quoted)}`;
  const type = r.type as TreeNode['type'];
  if (!NODE_TYPES.has(type)) throw new BackupError('permanent', `${nodeWhat} has an unknown type ${JSON.stringify(r.type)}`);
  const node: TreeNode = {
    name,
    type,
    mode: num(r.mode, 'mode', nodeWhat) ?? 0,
    mtime: str(r.mtime, 'mtime', nodeWhat) ?? ZERO_TIME,
    atime: str(r.atime, 'atime', nodeWhat) ?? ZERO_TIME,
    ctime: str(r.ctime, 'ctime', nodeWhat) ?? ZERO_TIME,
    uid: num(r.uid, 'uid', nodeWhat) ?? 0,
    gid: num(r.gid, 'gid', nodeWhat) ?? 0,
  };
  const optionalStrings = ['user', 'group', 'linktarget', 'subtree'] as const;
  for (const f of optionalStrings) {
    const v = str(r[f], f, nodeWhat);
    if (v !== undefined) node[f] = v;
  }
  const optionalNumbers = ['inode', 'device_id', 'size', 'links', 'device'] as const;
  for (const f of optionalNumbers) {
    const v = num(r[f], f, nodeWhat);
    if (v !== undefined) node[f] = v;
  }
  if (Array.isArray(r.content)) {
    if (!r.content.every((c): c is string => typeof c === 'string')) throw new BackupError('permanent', `${nodeWhat} has a bad content list`);
    node.content = r.content;
  } else if (r.content !== undefined && r.content !== null) {
    throw new BackupError('permanent', `${nodeWhat} has a bad content list`);
  }
  const extra = Object.fromEntries(Object.entries(r).filter(([k]) => !KNOWN.has(k)));
  if (Object.keys(extra).length > 0) node.extra = extra;
  return node;
}

export function decodeTree(bytes: Uint8Array, what = 'tree'): Tree {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new BackupError('permanent', `${what} is not valid JSON`, { cause: err });
  }
  const nodes = (parsed as { nodes?: unknown } | null)?.nodes;
  if (nodes === null) return { nodes: [] }; // Go marshals an empty slice that was never allocated as null
  if (!Array.isArray(nodes)) throw new BackupError('permanent', `${what} has no "nodes" list`);
  return { nodes: nodes.map((n) => decodeNode(n, what)) };
}
