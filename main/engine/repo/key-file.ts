/**
 * Key files (keys/<id>): plain JSON holding scrypt parameters, a salt, and the
 * repository's master key encrypted with a key derived from the password.
 * Several key files may exist (one per password); all unlock the same master key.
 */
import { randomBytes, scrypt } from 'node:crypto';
import { hostname as osHostname, userInfo } from 'node:os';
import { BackupError } from '../errors.ts';
import { formatDate } from '../util/rfc3339.ts';
import { decodeMasterKey, decrypt, encodeMasterKey, encrypt, keyFromBytes, type MasterKey } from './crypto.ts';

export interface KdfParams {
  N: number;
  r: number;
  p: number;
}

/** restic's usual parameters; tests pass cheaper ones. */
export const DEFAULT_KDF: KdfParams = { N: 32768, r: 8, p: 1 };

const SALT_SIZE = 64;

interface KeyFileJson {
  created: string;
  username: string;
  hostname: string;
  kdf: string;
  N: number;
  r: number;
  p: number;
  salt: string;
  data: string;
}

function validateKdf(params: KdfParams): void {
  const { N, r, p } = params;
  const powerOfTwo = Number.isInteger(N) && N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || !Number.isInteger(r) || r < 1 || !Number.isInteger(p) || p < 1) {
    throw new BackupError('permanent', `invalid scrypt parameters N=${N} r=${r} p=${p}: N must be a power of two > 1, r and p at least 1`);
  }
}

/** scrypt -> 64 bytes -> user key. Async so a 100 ms+ derivation does not block the event loop. */
export function deriveUserKey(password: string, salt: Uint8Array, params: KdfParams): Promise<MasterKey> {
  validateKdf(params);
  // Node refuses scrypt when 128*N*r*p exceeds maxmem (32 MiB default); N=32768,r=8 needs 32 MiB plus slack.
  const maxmem = Math.max(64 * 1024 * 1024, 256 * params.N * params.r * params.p);
  return new Promise((resolve, reject) => {
    scrypt(password, salt, 64, { N: params.N, r: params.r, p: params.p, maxmem }, (err, out) => {
      if (err) reject(new BackupError('fatal', `cannot derive the key from the password: ${err.message}`, { cause: err }));
      else resolve(keyFromBytes(out));
    });
  });
}

export interface KeyFileMeta {
  username?: string;
  hostname?: string;
  created?: Date;
}

/** Returns the key file's bytes (its id is their SHA-256). */
export async function createKeyFile(master: MasterKey, password: string, params: KdfParams, meta: KeyFileMeta = {}): Promise<Buffer> {
  const salt = randomBytes(SALT_SIZE);
  const userKey = await deriveUserKey(password, salt, params);
  const json: KeyFileJson = {
    created: formatDate(meta.created ?? new Date()),
    username: meta.username ?? safeUsername(),
    hostname: meta.hostname ?? osHostname(),
    kdf: 'scrypt',
    N: params.N,
    r: params.r,
    p: params.p,
    salt: salt.toString('base64'),
    data: encrypt(userKey, Buffer.from(encodeMasterKey(master), 'utf8')).toString('base64'),
  };
  return Buffer.from(JSON.stringify(json), 'utf8');
}

function parseKeyFile(bytes: Uint8Array, name: string): KeyFileJson {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new BackupError('permanent', `key file ${name} is not valid JSON: the file is damaged`, { cause: err });
  }
  const k = parsed as Partial<KeyFileJson> | null;
  if (!k || k.kdf !== 'scrypt' || typeof k.N !== 'number' || typeof k.r !== 'number' || typeof k.p !== 'number'
    || typeof k.salt !== 'string' || typeof k.data !== 'string') {
    throw new BackupError('permanent', `key file ${name} is malformed (expected kdf "scrypt" with N, r, p, salt and data)`);
  }
  return k as KeyFileJson;
}

/**
 * Unlocks a key file. Returns null when the password does not fit (MAC
 * mismatch); throws for a malformed file.
 */
export async function openKeyFile(bytes: Uint8Array, password: string, name = 'key'): Promise<MasterKey | null> {
  const k = parseKeyFile(bytes, name);
  const userKey = await deriveUserKey(password, Buffer.from(k.salt, 'base64'), { N: k.N, r: k.r, p: k.p });
  let plain: Buffer;
  try {
    plain = decrypt(userKey, Buffer.from(k.data, 'base64'), `key file ${name}`);
  } catch (err) {
    if (err instanceof BackupError && err.kind === 'permanent') return null;
    throw err;
  }
  return decodeMasterKey(plain.toString('utf8'));
}

function safeUsername(): string {
  try {
    return userInfo().username;
  } catch (err) {
    // No passwd entry (e.g. in some containers): restic writes an empty name then too.
    void err;
    return '';
  }
}
