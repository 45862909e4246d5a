/** A test source tree with the awkward cases: odd names, empty file, symlink, compressible and random data. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { joinBuffer } from './fixtures.ts';

export const ODD_NAMES: Buffer[] = [
  Buffer.from('with "quotes"'),
  Buffer.from('back\\slash'),
  Buffer.from('new\nline'),
  Buffer.from('tab\there'),
  Buffer.from([0x66, 0xff, 0xfe]),
  Buffer.from('ünïcödé 日本.txt'),
  Buffer.from('\u00a0nbsp and \u200b zero width'),
];

export interface SourceOptions {
  /** Size of the random file that should span several packs. */
  bigRandom?: number;
}

/** Creates the tree under `root` (which must exist). */
export function makeSourceTree(root: string, options: SourceOptions = {}): void {
  const compressible = Buffer.from('trade_id,symbol,qty,price\n'.repeat(12_000));
  writeFileSync(joinBuffer(root, 'trades.csv'), compressible);
  writeFileSync(joinBuffer(root, 'random.bin'), randomBytes(options.bigRandom ?? 300 * 1024));
  writeFileSync(joinBuffer(root, 'empty'), Buffer.alloc(0));
  symlinkSync('trades.csv', joinBuffer(root, 'link-to-trades'));
  mkdirSync(joinBuffer(root, 'sub'));
  for (const [i, name] of ODD_NAMES.entries()) writeFileSync(joinBuffer(`${root}/sub`, name), `content ${i}\n`);
  mkdirSync(joinBuffer(`${root}/sub`, Buffer.from([0x64, 0x69, 0x72, 0xc3])));
  writeFileSync(Buffer.concat([joinBuffer(`${root}/sub`, Buffer.from([0x64, 0x69, 0x72, 0xc3])), Buffer.from('/inner')]), 'inner');
  mkdirSync(joinBuffer(root, 'empty-dir'));
}
