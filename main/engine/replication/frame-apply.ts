/**
 * Rolls a database file forward by WAL frames, as SQLite's checkpoint does:
 * each frame is the whole new image of one page, which lands at
 * (pgno - 1) * pageSize; after the last commit the file is cut to the
 * database size that commit recorded (a VACUUM or a dropped table can shrink
 * it). Only the newest image of a page in a batch is written, so a page
 * rewritten by a thousand commits costs one write.
 */
import type { FileHandle } from 'node:fs/promises';
import { BackupError } from '../errors.ts';

export class PageBatch {
  private readonly pages = new Map<number, Uint8Array>();

  constructor(readonly pageSize: number) {}

  /** Later frames replace earlier images of the same page. */
  set(pgno: number, image: Uint8Array): void {
    if (!Number.isInteger(pgno) || pgno < 1) throw new BackupError('fatal', `a replication frame names page ${pgno}: the segment is damaged`);
    if (image.length !== this.pageSize) {
      throw new BackupError('fatal', `a replication frame for page ${pgno} holds ${image.length} bytes, not the page size ${this.pageSize}: the segment is damaged`);
    }
    this.pages.set(pgno, image);
  }

  get size(): number {
    return this.pages.size;
  }

  /** Writes the batch in page order (sequential on disk) and empties it. */
  async writeTo(file: FileHandle): Promise<void> {
    const ordered = [...this.pages.entries()].sort((a, b) => a[0] - b[0]);
    for (const [pgno, image] of ordered) await file.write(image, 0, image.length, (pgno - 1) * this.pageSize);
    this.pages.clear();
  }
}

/** Cuts (or extends) the file to the database size, in pages, after the last applied commit. */
export async function setDatabasePages(file: FileHandle, pageSize: number, pages: number): Promise<void> {
  if (!Number.isInteger(pages) || pages < 1) throw new BackupError('fatal', `a replication commit records a database of ${pages} pages: the segment is damaged`);
  await file.truncate(pages * pageSize);
}
