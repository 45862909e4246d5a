/**
 * Framing of the small JSON files (index, snapshot, lock) in format v2: the
 * plaintext is 0x02 || zstd(JSON). Readers also accept bare JSON (restic
 * writes files it could not shrink, and v1 files, that way).
 */
import { compress, decompress } from 'zstd-napi';
import { BackupError } from '../errors.ts';

const VERSION_COMPRESSED = 0x02;

export function encodeUnpacked(json: string): Buffer {
  return Buffer.concat([Buffer.from([VERSION_COMPRESSED]), compress(Buffer.from(json, 'utf8'))]);
}

export function decodeUnpacked(plaintext: Uint8Array, what: string): string {
  const first = plaintext[0];
  if (first === 0x7b || first === 0x5b) return Buffer.from(plaintext).toString('utf8'); // '{' or '['
  if (first !== VERSION_COMPRESSED) {
    throw new BackupError('permanent', `${what} has an unknown format (first byte ${first ?? 'missing'}): written by a newer restic or damaged`);
  }
  try {
    return decompress(plaintext.subarray(1)).toString('utf8');
  } catch (err) {
    throw new BackupError('permanent', `${what} cannot be decompressed: the file is damaged`, { cause: err });
  }
}
