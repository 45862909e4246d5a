/**
 * The operations log's hash chain: each entry's hash is SHA-256 over a
 * canonical encoding of every field, the previous entry's hash included, so
 * editing, removing or reordering one entry breaks the chain from there on.
 */
import { createHash } from 'node:crypto';

/** prevHash of the first entry: nothing came before it. */
export const GENESIS_HASH = '0'.repeat(64);

export interface OplogEntryFields {
  seq: number;
  time: string;
  host: string;
  user: string;
  type: string;
  summary: string;
  data: Record<string, unknown> | null;
  prevHash: string;
}

export interface OplogEntry extends OplogEntryFields {
  hash: string;
}

/**
 * JSON with object keys sorted at every depth and no whitespace: the same
 * entry always gives the same bytes, whichever code built the object.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    // undefined, functions and symbols have no JSON form; null keeps the encoding total.
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

export function hashEntry(fields: OplogEntryFields): string {
  const { seq, time, host, user, type, summary, data, prevHash } = fields;
  const encoded = canonicalJson({ seq, time, host, user, type, summary, data, prevHash });
  return createHash('sha256').update(encoded, 'utf8').digest('hex');
}

export function sealEntry(fields: OplogEntryFields): OplogEntry {
  return { ...fields, hash: hashEntry(fields) };
}
