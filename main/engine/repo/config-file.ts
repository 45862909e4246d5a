/**
 * The repository config: {"version":2,"id","chunker_polynomial"}, encrypted
 * with the master key and, unlike other small files, never compressed (restic
 * must read it before it knows the repository version).
 */
import { randomBytes } from 'node:crypto';
import { BackupError } from '../errors.ts';
import { formatPolynomial, isValidChunkerPolynomial, parsePolynomial, randomChunkerPolynomial } from './chunker-polynomial.ts';

export interface RepoConfig {
  version: number;
  id: string;
  chunker_polynomial: string;
}

export function newRepoConfig(): RepoConfig {
  return { version: 2, id: randomBytes(32).toString('hex'), chunker_polynomial: formatPolynomial(randomChunkerPolynomial()) };
}

export function encodeConfig(config: RepoConfig): Buffer {
  return Buffer.from(JSON.stringify({ version: config.version, id: config.id, chunker_polynomial: config.chunker_polynomial }), 'utf8');
}

/** Parses and validates a decrypted config; only version 2 repositories are supported. */
export function decodeConfig(plaintext: Uint8Array, location: string): RepoConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(plaintext).toString('utf8'));
  } catch (err) {
    throw new BackupError('permanent', `the config of ${location} is not valid JSON: the repository is damaged`, { cause: err });
  }
  const c = parsed as Partial<RepoConfig> | null;
  if (!c || typeof c.version !== 'number' || typeof c.id !== 'string' || typeof c.chunker_polynomial !== 'string') {
    throw new BackupError('permanent', `the config of ${location} is malformed (needs version, id, chunker_polynomial)`);
  }
  if (c.version !== 2) {
    const hint = c.version === 1 ? ': upgrade it with `restic migrate upgrade_repo_v2`' : '';
    throw new BackupError('permanent', `${location} is a restic repository of format version ${c.version}; only version 2 is supported${hint}`);
  }
  let valid = false;
  try {
    valid = isValidChunkerPolynomial(parsePolynomial(c.chunker_polynomial));
  } catch (err) {
    void err; // reported just below with the repository's location
  }
  if (!valid) throw new BackupError('permanent', `the config of ${location} has an invalid chunker polynomial ${c.chunker_polynomial}`);
  return { version: c.version, id: c.id, chunker_polynomial: c.chunker_polynomial };
}
