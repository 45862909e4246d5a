/**
 * restic's authenticated encryption: IV(16) || AES-256-CTR(plaintext) || MAC(16),
 * where MAC is Poly1305-AES over the ciphertext: the one-time Poly1305 key is
 * r || AES-128(k, IV). Node has AES but no standalone Poly1305, hence noble's.
 */
import { createCipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { poly1305 } from '@noble/ciphers/_poly1305.js';
import { BackupError } from '../errors.ts';

export const IV_SIZE = 16;
export const MAC_SIZE = 16;
/** Bytes that encryption adds to every object. */
export const CRYPTO_OVERHEAD = IV_SIZE + MAC_SIZE;

export interface MasterKey {
  /** AES-256 key. */
  encrypt: Buffer;
  /** AES-128 key that turns the IV into Poly1305's `s`. */
  macK: Buffer;
  /** Poly1305 `r` (stored clamped, as restic does). */
  macR: Buffer;
}

export function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Poly1305's clamp of r; noble clamps too, but restic stores the clamped value, so do we. */
function clampR(r: Buffer): Buffer {
  const out = Buffer.from(r);
  for (const i of [3, 7, 11, 15]) out[i]! &= 0x0f;
  for (const i of [4, 8, 12]) out[i]! &= 0xfc;
  return out;
}

export function newRandomKey(): MasterKey {
  return { encrypt: randomBytes(32), macK: randomBytes(16), macR: clampR(randomBytes(16)) };
}

/** Splits the 64 bytes of a KDF output: 32 AES key, 16 MAC k, 16 MAC r. */
export function keyFromBytes(bytes: Uint8Array): MasterKey {
  if (bytes.length !== 64) throw new BackupError('fatal', `key material must be 64 bytes, got ${bytes.length}`);
  const b = Buffer.from(bytes);
  return { encrypt: b.subarray(0, 32), macK: b.subarray(32, 48), macR: b.subarray(48, 64) };
}

function mac(key: MasterKey, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const ecb = createCipheriv('aes-128-ecb', key.macK, null);
  ecb.setAutoPadding(false);
  const s = Buffer.concat([ecb.update(iv), ecb.final()]);
  return poly1305(ciphertext, Buffer.concat([key.macR, s]));
}

export function encrypt(key: MasterKey, plaintext: Uint8Array): Buffer {
  const iv = randomBytes(IV_SIZE);
  const cipher = createCipheriv('aes-256-ctr', key.encrypt, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, ciphertext, mac(key, iv, ciphertext)]);
}

/** Verifies the MAC, then decrypts. A bad MAC is 'permanent': wrong key or damaged bytes. */
export function decrypt(key: MasterKey, data: Uint8Array, what = 'data'): Buffer {
  if (data.length < CRYPTO_OVERHEAD) {
    throw new BackupError('permanent', `${what} is damaged: ${data.length} bytes is too short to be encrypted data`);
  }
  const iv = data.subarray(0, IV_SIZE);
  const ciphertext = data.subarray(IV_SIZE, data.length - MAC_SIZE);
  const expected = data.subarray(data.length - MAC_SIZE);
  const actual = mac(key, iv, ciphertext);
  if (!timingSafeEqual(Buffer.from(actual), Buffer.from(expected))) {
    throw new BackupError('permanent', `${what} failed its integrity check (authentication code mismatch): the file is damaged or was written with another key`);
  }
  const decipher = createCipheriv('aes-256-ctr', key.encrypt, iv);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** The master key as restic stores it inside a key file: {"mac":{"k","r"},"encrypt"}, base64. */
export function encodeMasterKey(key: MasterKey): string {
  return JSON.stringify({
    mac: { k: key.macK.toString('base64'), r: key.macR.toString('base64') },
    encrypt: key.encrypt.toString('base64'),
  });
}

export function decodeMasterKey(json: string): MasterKey {
  const bad = (): BackupError => new BackupError('permanent', 'the key file holds a malformed master key');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new BackupError('permanent', 'the key file holds a malformed master key', { cause: err });
  }
  const obj = parsed as { mac?: { k?: unknown; r?: unknown }; encrypt?: unknown } | null;
  if (!obj || typeof obj.encrypt !== 'string' || typeof obj.mac?.k !== 'string' || typeof obj.mac.r !== 'string') throw bad();
  const key = {
    encrypt: Buffer.from(obj.encrypt, 'base64'),
    macK: Buffer.from(obj.mac.k, 'base64'),
    macR: Buffer.from(obj.mac.r, 'base64'),
  };
  if (key.encrypt.length !== 32 || key.macK.length !== 16 || key.macR.length !== 16) throw bad();
  return key;
}
