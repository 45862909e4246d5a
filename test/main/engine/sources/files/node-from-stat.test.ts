import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, symlinkSync, writeFileSync, chmodSync, linkSync } from 'node:fs';
import { join } from 'node:path';
import { goFileMode, nodeFromStat, posixPermissions } from '../../../../../main/engine/sources/files/node-from-stat.ts';
import { tempDir } from '../../../../support/temp-dir.ts';

test('Go file modes: type bits and special permission bits', () => {
  assert.equal(goFileMode(0o40755, 'dir'), 2 ** 31 + 0o755);
  assert.equal(goFileMode(0o120777, 'symlink'), 2 ** 27 + 0o777);
  assert.equal(goFileMode(0o100644, 'file'), 0o644);
  assert.equal(goFileMode(0o104755, 'file'), 2 ** 23 + 0o755);
  assert.equal(goFileMode(0o41777, 'dir'), 2 ** 31 + 2 ** 20 + 0o777);
  assert.equal(goFileMode(0o20666, 'chardev'), 2 ** 26 + 2 ** 21 + 0o666);
  assert.equal(goFileMode(0o10644, 'fifo'), 2 ** 25 + 0o644);
  assert.equal(posixPermissions(2 ** 31 + 2 ** 22 + 0o750), 0o2750);
  assert.equal(posixPermissions(2 ** 23 + 2 ** 20 + 0o755), 0o5755);
});

test('nodes from real files carry times in ns, inode facts and size only for files', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'f'), 'hello');
  chmodSync(join(dir, 'f'), 0o640);
  linkSync(join(dir, 'f'), join(dir, 'g'));
  mkdirSync(join(dir, 'd'));
  symlinkSync('f', join(dir, 'l'));
  const st = lstatSync(join(dir, 'f'), { bigint: true });
  const f = nodeFromStat(Buffer.from('f'), st);
  assert.equal(f.type, 'file');
  assert.equal(f.size, 5);
  assert.equal(f.mode, 0o640);
  assert.equal(f.links, 2);
  assert.equal(f.inode, Number(st.ino));
  assert.equal(f.device_id, Number(st.dev));
  const frac = (st.mtimeNs % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  if (frac !== '') assert.ok(f.mtime.includes(`.${frac}`), `${f.mtime} should carry the fraction .${frac}`);
  assert.equal(new Date(f.mtime).getTime(), Math.floor(Number(st.mtimeNs / 1_000_000n)));
  const d = nodeFromStat(Buffer.from('d'), lstatSync(join(dir, 'd'), { bigint: true }));
  assert.equal(d.type, 'dir');
  assert.equal(d.size, undefined);
  assert.ok(d.mode >= 2 ** 31);
  const l = nodeFromStat(Buffer.from('l'), lstatSync(join(dir, 'l'), { bigint: true }));
  assert.equal(l.type, 'symlink');
});
