import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { ContentChunker, DEFAULT_CHUNKER_PARAMS } from '../../../../../main/engine/sources/files/file-chunker.ts';
import { nodeFileSource, type FileSource } from '../../../../../main/engine/sources/files/file-source.ts';
import { readFileContent } from '../../../../../main/engine/sources/files/read-file.ts';
import { tempDir } from '../../../../support/temp-dir.ts';

const small = { ...DEFAULT_CHUNKER_PARAMS, minSize: 4096, maxSize: 65536, maskBits: 13 };

function memoryStore() {
  const blobs = new Map<string, Buffer>();
  const saveChunk = async (chunk: Buffer): Promise<string> => {
    const id = createHash('sha256').update(chunk).digest('hex');
    blobs.set(id, chunk);
    return id;
  };
  const join = (ids: string[]): Buffer => Buffer.concat(ids.map((id) => blobs.get(id) ?? Buffer.alloc(0)));
  return { blobs, saveChunk, join };
}

test('a still file is read once and stored whole', async (t) => {
  const path = join(tempDir(t), 'f');
  const data = randomBytes(300_000);
  writeFileSync(path, data);
  const store = memoryStore();
  const res = await readFileContent(Buffer.from(path), { fs: nodeFileSource, newChunker: () => new ContentChunker(small), saveChunk: store.saveChunk });
  assert.equal(res.changed, false);
  assert.equal(res.size, data.length);
  assert.equal(res.bytesRead, data.length);
  assert.ok(res.content.length > 1);
  assert.deepEqual(store.join(res.content), data);
});

test('an empty file has an empty content list', async (t) => {
  const path = join(tempDir(t), 'empty');
  writeFileSync(path, '');
  const store = memoryStore();
  const res = await readFileContent(Buffer.from(path), { fs: nodeFileSource, newChunker: () => new ContentChunker(small), saveChunk: store.saveChunk });
  assert.deepEqual(res.content, []);
  assert.equal(res.size, 0);
});

/** A FileSource that appends to the file on every read during its first `stopAfterOpens` opens. */
function appendingSource(path: string, stopAfterOpens: number): FileSource {
  let opens = 0;
  return {
    ...nodeFileSource,
    async open(p) {
      opens++;
      const file = await nodeFileSource.open(p);
      const mutate = opens <= stopAfterOpens;
      return {
        ...file,
        stat: () => file.stat(),
        read: async (buf, off, len) => {
          const n = await file.read(buf, off, len);
          if (mutate) writeFileSync(path, 'more', { flag: 'a' });
          return n;
        },
        close: () => file.close(),
      };
    },
  };
}

test('a file that changes on every read is retried, then kept with changed=true and a size that matches', async (t) => {
  const path = join(tempDir(t), 'busy');
  writeFileSync(path, randomBytes(100_000));
  const store = memoryStore();
  const res = await readFileContent(Buffer.from(path), {
    fs: appendingSource(path, Infinity),
    newChunker: () => new ContentChunker(small),
    saveChunk: store.saveChunk,
    attempts: 3,
  });
  assert.equal(res.changed, true);
  assert.equal(store.join(res.content).length, res.size);
  assert.equal(res.size, Number(res.stat.size), 'it reads up to the size seen at open');
  assert.ok(res.bytesRead >= 3 * 100_000, `three attempts read ${res.bytesRead} bytes`);
});

test('a file that settles on the retry is not reported', async (t) => {
  const path = join(tempDir(t), 'settles');
  writeFileSync(path, randomBytes(50_000));
  const store = memoryStore();
  const res = await readFileContent(Buffer.from(path), {
    fs: appendingSource(path, 1),
    newChunker: () => new ContentChunker(small),
    saveChunk: store.saveChunk,
  });
  assert.equal(res.changed, false);
  assert.equal(res.size, statSync(path).size);
  assert.deepEqual(store.join(res.content), (await import('node:fs')).readFileSync(path));
});

test('a file that shrinks while read counts as changed and stores only what was read', async (t) => {
  const path = join(tempDir(t), 'shrinks');
  writeFileSync(path, randomBytes(200_000));
  const fs: FileSource = {
    ...nodeFileSource,
    async open(p) {
      const file = await nodeFileSource.open(p);
      let reads = 0;
      return {
        ...file,
        read: async (buf, off, len) => {
          if (++reads === 1) truncateSync(path, 1000);
          return file.read(buf, off, len);
        },
      };
    },
  };
  const store = memoryStore();
  const res = await readFileContent(Buffer.from(path), { fs, newChunker: () => new ContentChunker(small), saveChunk: store.saveChunk, attempts: 1 });
  assert.equal(res.changed, true);
  assert.equal(res.size, 1000);
  assert.equal(store.join(res.content).length, 1000);
});
