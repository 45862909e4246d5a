/**
 * One batch file of the operations log in the repository (quantai/oplog/):
 * immutable, encrypted with the repository master key like every restic file
 * (IV || AES-256-CTR || Poly1305), plaintext = 0x02 || zstd(JSON). Its name
 * carries the sequence range, zero-padded so a plain listing sorts in log
 * order: 000000000001-000000000042.
 */
import type { Backend } from '../backends/backend.ts';
import { BackupError } from '../errors.ts';
import { decrypt, encrypt, type MasterKey } from '../repo/crypto.ts';
import { decodeUnpacked, encodeUnpacked } from '../repo/unpacked-file.ts';
import type { OplogEntry } from './oplog-chain.ts';

/** Where the log lives: a Repository has all three (backend, masterKey, id). */
export interface OplogTarget {
  readonly backend: Backend;
  readonly masterKey: MasterKey;
  readonly id: string;
}

export interface BatchRange {
  first: number;
  last: number;
}

const SEQ_DIGITS = 12;
const NAME_PATTERN = /^(\d{12})-(\d{12})$/;

export function batchName(range: BatchRange): string {
  return `${String(range.first).padStart(SEQ_DIGITS, '0')}-${String(range.last).padStart(SEQ_DIGITS, '0')}`;
}

/** The range a batch file's name claims, or null for a name we did not write. */
export function parseBatchName(name: string): BatchRange | null {
  const match = NAME_PATTERN.exec(name);
  if (!match?.[1] || !match[2]) return null;
  const first = Number(match[1]);
  const last = Number(match[2]);
  return first >= 1 && last >= first ? { first, last } : null;
}

interface BatchDocument {
  version: 1;
  repositoryId: string;
  entries: OplogEntry[];
}

export function encodeBatch(key: MasterKey, repositoryId: string, entries: readonly OplogEntry[]): Buffer {
  const doc: BatchDocument = { version: 1, repositoryId, entries: [...entries] };
  return encrypt(key, encodeUnpacked(JSON.stringify(doc)));
}

/** Decrypts and parses a batch; a byte flipped anywhere fails the MAC and says so. */
export function decodeBatch(key: MasterKey, stored: Uint8Array, name: string): OplogEntry[] {
  const what = `operations log batch ${name}`;
  const json = decodeUnpacked(decrypt(key, stored, what), what);
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    throw new BackupError('permanent', `${what} is not valid JSON: it was altered or damaged`, { cause: err });
  }
  const entries = (doc as Partial<BatchDocument> | null)?.entries;
  if (!Array.isArray(entries)) throw new BackupError('permanent', `${what} has no entries list: it was altered or damaged`);
  return entries as OplogEntry[];
}

export async function saveBatch(target: OplogTarget, entries: readonly OplogEntry[]): Promise<string> {
  const first = entries[0];
  const last = entries[entries.length - 1];
  if (!first || !last) throw new BackupError('fatal', 'an operations log batch needs at least one entry');
  const name = batchName({ first: first.seq, last: last.seq });
  await target.backend.save({ type: 'oplog', name }, encodeBatch(target.masterKey, target.id, entries));
  return name;
}

export async function loadBatch(target: OplogTarget, name: string): Promise<OplogEntry[]> {
  return decodeBatch(target.masterKey, await target.backend.load({ type: 'oplog', name }), name);
}
