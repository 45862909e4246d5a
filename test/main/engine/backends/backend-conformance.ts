/**
 * The contract every Backend must meet (backend.ts), as node:test tests.
 * A backend's test file calls runBackendConformance(name, makeBackend).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import type { Backend, FileType } from '../../../../main/engine/backends/backend.ts';
import { isBackupError } from '../../../../main/engine/errors.ts';

/** Returns a fresh, empty backend; cleanup is the factory's job (e.g. via t.after). */
export type BackendFactory = (t: TestContext) => Promise<Backend>;

function idOf(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

async function rejectsWithKind(promise: Promise<unknown>, kind: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isBackupError(err), `expected a BackupError, got ${String(err)}`);
    assert.equal(err.kind, kind, `expected kind ${kind}: ${err.message}`);
    return true;
  });
}

export function runBackendConformance(name: string, makeBackend: BackendFactory): void {
  const fresh = async (t: TestContext): Promise<Backend> => {
    const backend = await makeBackend(t);
    await backend.create();
    t.after(() => backend.close());
    return backend;
  };

  test(`${name}: exists() is false until a config is saved`, async (t) => {
    const backend = await fresh(t);
    assert.equal(await backend.exists(), false);
    await backend.save({ type: 'config', name: '' }, Buffer.from('cfg'));
    assert.equal(await backend.exists(), true);
    assert.deepEqual(await backend.load({ type: 'config', name: '' }), Buffer.from('cfg'));
  });

  test(`${name}: save then load returns the same bytes for every file type`, async (t) => {
    const backend = await fresh(t);
    for (const type of ['key', 'lock', 'snapshot', 'index', 'data'] as FileType[]) {
      const data = randomBytes(1000 + Math.floor(Math.random() * 1000));
      const handle = { type, name: idOf(data) };
      await backend.save(handle, data);
      assert.deepEqual(await backend.load(handle), data, type);
      assert.deepEqual(await backend.stat(handle), { name: handle.name, size: data.length });
    }
  });

  test(`${name}: load with offset and length reads exactly that range`, async (t) => {
    const backend = await fresh(t);
    const data = randomBytes(4096);
    const handle = { type: 'data' as const, name: idOf(data) };
    await backend.save(handle, data);
    assert.deepEqual(await backend.load(handle, 100, 50), data.subarray(100, 150));
    assert.deepEqual(await backend.load(handle, 4000), data.subarray(4000));
    assert.deepEqual(await backend.load(handle, 0, 0), Buffer.alloc(0));
    assert.deepEqual(await backend.load(handle, 4095, 1), data.subarray(4095));
    await assert.rejects(backend.load(handle, 4000, 200), 'a range past the end must fail, not return short data');
  });

  test(`${name}: an empty file round-trips`, async (t) => {
    const backend = await fresh(t);
    const handle = { type: 'index' as const, name: idOf(Buffer.alloc(0)) };
    await backend.save(handle, Buffer.alloc(0));
    assert.equal((await backend.load(handle)).length, 0);
    assert.equal((await backend.stat(handle)).size, 0);
  });

  test(`${name}: list returns exactly the saved files of a type, with sizes`, async (t) => {
    const backend = await fresh(t);
    const saved = new Map<string, number>();
    for (let i = 0; i < 20; i++) {
      const data = randomBytes(10 + i);
      const name = idOf(data);
      await backend.save({ type: 'data', name }, data);
      saved.set(name, data.length);
    }
    const other = randomBytes(7);
    await backend.save({ type: 'snapshot', name: idOf(other) }, other);
    const listed = await backend.list('data');
    assert.deepEqual(new Map(listed.map((f) => [f.name, f.size])), saved);
    assert.deepEqual(await backend.list('snapshot'), [{ name: idOf(other), size: 7 }]);
    assert.deepEqual(await backend.list('index'), []);
  });

  test(`${name}: remove deletes, and a second remove is not-found`, async (t) => {
    const backend = await fresh(t);
    const data = randomBytes(64);
    const handle = { type: 'lock' as const, name: idOf(data) };
    await backend.save(handle, data);
    await backend.remove(handle);
    assert.deepEqual(await backend.list('lock'), []);
    await rejectsWithKind(backend.remove(handle), 'not-found');
  });

  test(`${name}: missing files are 'not-found' for load, stat and remove`, async (t) => {
    const backend = await fresh(t);
    const handle = { type: 'data' as const, name: 'ab'.repeat(32) };
    await rejectsWithKind(backend.load(handle), 'not-found');
    await rejectsWithKind(backend.load(handle, 0, 10), 'not-found');
    await rejectsWithKind(backend.stat(handle), 'not-found');
    await rejectsWithKind(backend.remove(handle), 'not-found');
  });

  test(`${name}: concurrent saves are atomic and leave nothing but whole files in list`, async (t) => {
    const backend = await fresh(t);
    const blobs = Array.from({ length: 16 }, () => randomBytes(256 * 1024));
    const readers: Promise<void>[] = [];
    const writes = blobs.map(async (data) => {
      await backend.save({ type: 'data', name: idOf(data) }, data);
    });
    // While writing, every listed file must already be complete.
    for (let i = 0; i < 5; i++) {
      readers.push((async () => {
        for (const f of await backend.list('data')) {
          const bytes = await backend.load({ type: 'data', name: f.name });
          assert.equal(idOf(bytes), f.name, 'a listed file must be complete');
        }
      })());
    }
    await Promise.all([...writes, ...readers]);
    const listed = await backend.list('data');
    assert.equal(listed.length, blobs.length);
    for (const f of listed) assert.equal(f.size, 256 * 1024);
  });

  test(`${name}: saving the same content twice keeps one file`, async (t) => {
    const backend = await fresh(t);
    const data = randomBytes(100);
    const handle = { type: 'snapshot' as const, name: idOf(data) };
    await backend.save(handle, data);
    await backend.save(handle, data);
    assert.equal((await backend.list('snapshot')).length, 1);
    assert.deepEqual(await backend.load(handle), data);
  });

  test(`${name}: location() names the place`, async (t) => {
    const backend = await fresh(t);
    assert.ok(backend.location().length > 0);
  });

  test(`${name}: our own file types (wal, oplog) take plain names, list apart from restic's, and refuse paths`, async (t) => {
    const backend = await fresh(t);
    await backend.save({ type: 'config', name: '' }, Buffer.from('cfg'));
    const segment = randomBytes(300);
    await backend.save({ type: 'wal', name: 'g0000000000000001-0000000000000001' }, segment);
    await backend.save({ type: 'oplog', name: '2026-11-27.000001' }, Buffer.from('entry'));
    assert.deepEqual(await backend.list('wal'), [{ name: 'g0000000000000001-0000000000000001', size: 300 }]);
    assert.deepEqual((await backend.list('oplog')).map((f) => f.name), ['2026-11-27.000001']);
    assert.deepEqual(await backend.list('snapshot'), []);
    assert.deepEqual(await backend.load({ type: 'wal', name: 'g0000000000000001-0000000000000001' }), segment);
    await rejectsWithKind(backend.save({ type: 'wal', name: '../config' }, segment), 'permanent');
    await rejectsWithKind(backend.save({ type: 'oplog', name: 'A/B' }, segment), 'permanent');
  });
}
