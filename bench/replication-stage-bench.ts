/**
 * What one MiB of WAL costs each stage of the replicator, in CPU, on page-like
 * data (a quarter of each 4 KiB page random, the rest zero: about as
 * compressible as the trading WAL), beside Node's native primitives as peers:
 *   node --import tsx bench/replication-stage-bench.ts [--mib 16] [--rounds 3]
 * Encryption is restic's: AES-256-CTR then Poly1305 over the (compressed)
 * ciphertext. Node has no standalone Poly1305, so ours is @noble/ciphers' in
 * JS; native AES-CTR and SHA-256 show what a native pass over the same bytes costs.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, writeSync, fsyncSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compress } from 'zstd-napi';
import { poly1305 } from '@noble/ciphers/_poly1305.js';
import { encrypt, newRandomKey } from '../main/engine/repo/crypto.ts';
import { walChecksum } from '../main/engine/replication/wal-format.ts';
import { fixed, formatTable } from './lib/table.ts';

function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const MIB = 1024 * 1024;
const mib = numberArg('--mib', 16);
const rounds = numberArg('--rounds', 3);
const data = Buffer.alloc(mib * MIB);
for (let o = 0; o < data.length; o += 4096) randomBytes(1024).copy(data, o);
const compressed = compress(data);
const key = newRandomKey();
const dir = mkdtempSync(join(tmpdir(), 'qb-stage-bench-'));

/** CPU ms per MiB of `bytes` for fn, best of the rounds (after one warm-up). */
function cpuPerMib(bytes: number, fn: () => void): number {
  fn();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    const before = process.cpuUsage();
    fn();
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / 1000 / (bytes / MIB));
  }
  return best;
}

try {
  const walMib = data.length;
  const rows: [string, number, number][] = [
    ['WAL checksum chain (JS)', cpuPerMib(walMib, () => walChecksum(data, false, [0, 0])), walMib],
    ['zstd compress (zstd-napi)', cpuPerMib(walMib, () => compress(data)), walMib],
    ['AES-256-CTR (native)', cpuPerMib(compressed.length, () => createCipheriv('aes-256-ctr', key.encrypt, randomBytes(16)).update(compressed)), compressed.length],
    ['Poly1305 (@noble/ciphers, JS)', cpuPerMib(compressed.length, () => poly1305(compressed, randomBytes(32))), compressed.length],
    ['SHA-256 (native, reference)', cpuPerMib(compressed.length, () => createHash('sha256').update(compressed).digest()), compressed.length],
    ['encrypt() = AES-CTR + Poly1305', cpuPerMib(compressed.length, () => encrypt(key, compressed)), compressed.length],
    ['write + fsync', cpuPerMib(compressed.length, () => {
      const fd = openSync(join(dir, 'segment'), 'w');
      writeSync(fd, compressed);
      fsyncSync(fd);
      closeSync(fd);
    }), compressed.length],
  ];
  const ratio = compressed.length / data.length;
  console.log(`replicator stages on ${mib} MiB of page-like data (zstd ratio ${fixed(ratio, 3)}); CPU ms, best of ${rounds}`);
  console.log(formatTable(
    ['stage', 'per MiB it reads', 'per MiB of WAL'],
    rows.map(([name, perMib, bytes]) => [name, fixed(perMib, 2), fixed((perMib * bytes) / walMib, 2)]),
  ));
  const poly = rows[3]![1];
  const aes = rows[2]![1];
  console.log(`Poly1305 in JS / native AES-CTR over the same bytes: ${fixed(poly / aes, 1)}x`);
  console.log(JSON.stringify({ bench: 'replication-stages', mib, ratio, stages: Object.fromEntries(rows.map(([n, p, b]) => [n, { perMib: p, perWalMib: (p * b) / walMib }])) }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
