/**
 * Streams one file through the chunker into the repository and notices when
 * the file changed while it was read.
 *
 * The file is read up to the size fstat gave when it was opened (so a file
 * appended to without pause still ends). It counts as changed when the read
 * came up short or when size or mtime differ between the fstat before and the
 * fstat after. A changed file is read again, up to `attempts` times; if it
 * never holds still, the last read is kept and `changed` is set so the caller
 * can warn. The returned size is always the number of bytes stored: a node
 * whose size disagrees with its content restores as an empty file in restic.
 */
import type { BigIntStats } from 'node:fs';
import type { Id } from '../../repo/types.ts';
import type { ContentChunker } from './file-chunker.ts';
import type { FileSource, OpenFile } from './file-source.ts';

const READ_SIZE = 1024 * 1024;

export interface ReadFileOptions {
  fs: FileSource;
  newChunker: () => ContentChunker;
  /** Stores one chunk as a data blob and returns its ID. */
  saveChunk: (chunk: Buffer) => Promise<Id>;
  attempts?: number;
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
}

export interface ReadFileResult {
  content: Id[];
  size: number;
  /** fstat when the kept read began: the node's metadata comes from it. */
  stat: BigIntStats;
  /** Bytes read over all attempts. */
  bytesRead: number;
  changed: boolean;
}

export async function readFileContent(path: Buffer, opts: ReadFileOptions): Promise<ReadFileResult> {
  const attempts = opts.attempts ?? 3;
  let bytesRead = 0;
  for (let attempt = 1; ; attempt++) {
    const file = await opts.fs.open(path);
    try {
      const before = await file.stat();
      if (!before.isFile()) {
        throw Object.assign(new Error(`${path.toString('utf8')} is no longer a regular file`), { code: 'ENOENT' });
      }
      const { content, size } = await readAll(file, Number(before.size), opts);
      bytesRead += size;
      const after = await file.stat();
      const changed = size !== Number(before.size) || after.size !== before.size || after.mtimeNs !== before.mtimeNs;
      if (!changed || attempt >= attempts) return { content, size, stat: before, bytesRead, changed };
    } finally {
      await file.close();
    }
  }
}

async function readAll(file: OpenFile, limit: number, opts: ReadFileOptions): Promise<{ content: Id[]; size: number }> {
  const chunker = opts.newChunker();
  const buffer = Buffer.allocUnsafe(Math.min(READ_SIZE, Math.max(limit, 1)));
  const content: Id[] = [];
  let size = 0;
  while (size < limit) {
    opts.signal?.throwIfAborted();
    const n = await file.read(buffer, 0, Math.min(buffer.length, limit - size));
    if (n === 0) break; // shrank while we read
    size += n;
    opts.onBytes?.(n);
    for (const chunk of chunker.push(buffer.subarray(0, n))) content.push(await opts.saveChunk(chunk));
  }
  const last = chunker.finish();
  if (last) content.push(await opts.saveChunk(last));
  return { content, size };
}
