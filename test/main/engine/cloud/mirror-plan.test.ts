import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileInfo, FileType } from '../../../../main/engine/backends/backend.ts';
import { planMirror } from '../../../../main/engine/cloud/mirror-plan.ts';

const id = (c: string): string => c.repeat(64);
const listing = (entries: Partial<Record<FileType, FileInfo[]>>): Map<FileType, FileInfo[]> => new Map(Object.entries(entries) as [FileType, FileInfo[]][]);

test('an empty bucket gets config and keys, then packs, then index, then snapshots, then our own files; never locks', () => {
  const source = listing({
    config: [{ name: '', size: 155 }], key: [{ name: id('a'), size: 400 }],
    data: [{ name: id('b'), size: 1000 }, { name: id('c'), size: 2000 }], index: [{ name: id('d'), size: 300 }],
    snapshot: [{ name: id('e'), size: 250 }], lock: [{ name: id('f'), size: 100 }],
    wal: [{ name: 'g1-1', size: 70 }], oplog: [{ name: 'e1', size: 90 }],
  });
  const plan = planMirror(source, listing({}));
  assert.deepEqual(plan.phases.map((p) => p.map((f) => f.type)), [['config', 'key'], ['data', 'data'], ['index'], ['snapshot'], ['wal', 'oplog']]);
  assert.equal(plan.present, 0);
});

test('files present with the right size are skipped; a wrong size is sent again', () => {
  const source = listing({ data: [{ name: id('b'), size: 1000 }, { name: id('c'), size: 2000 }], snapshot: [{ name: id('e'), size: 250 }] });
  const target = listing({ data: [{ name: id('b'), size: 1000 }, { name: id('c'), size: 5 }], snapshot: [{ name: id('e'), size: 250 }] });
  const plan = planMirror(source, target);
  assert.deepEqual(plan.phases.flat().map((f) => f.name), [id('c')]);
  assert.equal(plan.present, 2);
  assert.equal(plan.presentBytes, 1250);
  assert.deepEqual(plan.mismatched.map((f) => f.name), [id('c')]);
});
