/**
 * How a SQLite database is laid out in a snapshot (decided by the lead; readers
 * such as plain `restic restore` must be able to follow it with one command).
 *
 * A snapshot's root tree holds three entries:
 *
 *   <dbname>.segments/          one subdirectory per 1 MiB segment of the file,
 *     000000/data               named by its 6-digit zero-padded index; each holds
 *     000001/data               one file `data` with that segment's bytes
 *     ...
 *   <dbname>.manifest.json      size, SHA-256, page size, verification results,
 *                               and the join command (format "quantai-sqlite-snapshot/1")
 *   RESTORE-README.txt          fixed text: how to rebuild the file with plain restic
 *
 * The file is rebuilt by concatenating every segment's `data` in name order
 * (joinCommand() below: a `cat` over a shell glob, which sorts the zero-padded
 * names in file order).
 *
 * Why this shape:
 * - SQLite rewrites fixed-size pages in place, so content is chunked at page
 *   boundaries: chunk size = page size, but at least 4096 bytes (a power-of-two
 *   multiple of the page size), so an unchanged page is an unchanged blob.
 * - A file node lists every blob ID (~67 bytes of JSON each) and the whole tree
 *   is stored again when one blob changes. Splitting the file into fixed 1 MiB
 *   segments, each in its own subtree, bounds that list to 256 IDs per tree and
 *   lets an unchanged segment reuse its tree blob. Node times inside segment
 *   trees are therefore fixed (not the capture time): any varying field would
 *   make every segment tree new on every snapshot.
 */

export const SNAPSHOT_FORMAT = 'quantai-sqlite-snapshot/1';
export const SEGMENT_SIZE = 1024 * 1024;
export const MIN_CHUNK_SIZE = 4096;
export const SEGMENT_NAME_DIGITS = 6;
/** The name of the one file inside each segment directory. */
export const SEGMENT_FILE_NAME = 'data';
export const README_NAME = 'RESTORE-README.txt';
/** Times written on nodes whose tree must stay identical across snapshots. */
export const FIXED_NODE_TIME = '1970-01-01T00:00:00Z';

/** Bytes per blob for a database with this page size. */
export function chunkSizeFor(pageSize: number): number {
  if (!Number.isInteger(pageSize) || pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    throw new RangeError(`invalid SQLite page size ${pageSize}`);
  }
  return Math.max(pageSize, MIN_CHUNK_SIZE);
}

export function segmentCount(fileSize: number): number {
  return Math.ceil(fileSize / SEGMENT_SIZE);
}

/** Zero-padded so that a shell glob lists segments in file order. */
export function segmentName(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= 10 ** SEGMENT_NAME_DIGITS) {
    throw new RangeError(`segment index ${index} does not fit ${SEGMENT_NAME_DIGITS} digits (database larger than 1 TiB)`);
  }
  return String(index).padStart(SEGMENT_NAME_DIGITS, '0');
}

export function segmentsDirName(dbName: string): string {
  return `${dbName}.segments`;
}

export function manifestName(dbName: string): string {
  return `${dbName}.manifest.json`;
}

/** The shell command that rebuilds the database from a plain `restic restore`. */
export function joinCommand(dbName: string): string {
  return `cat ${shellQuote(segmentsDirName(dbName))}/*/${SEGMENT_FILE_NAME} > ${shellQuote(dbName)}`;
}

/** Quotes a name for a POSIX shell only when it needs it, so the usual command stays readable. */
export function shellQuote(name: string): string {
  return /^[A-Za-z0-9._+-]+$/.test(name) ? name : `'${name.replace(/'/g, `'\\''`)}'`;
}

export interface SegmentSpan {
  index: number;
  offset: number;
  length: number;
}

/** The byte ranges of a file's segments, in order. */
export function segmentSpans(fileSize: number): SegmentSpan[] {
  const spans: SegmentSpan[] = [];
  for (let index = 0; index * SEGMENT_SIZE < fileSize; index++) {
    const offset = index * SEGMENT_SIZE;
    spans.push({ index, offset, length: Math.min(SEGMENT_SIZE, fileSize - offset) });
  }
  return spans;
}

/** Splits one segment's bytes into chunks of `chunkSize` (the last may be short). */
export function splitChunks(segment: Buffer, chunkSize: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < segment.length; at += chunkSize) chunks.push(segment.subarray(at, at + chunkSize));
  return chunks;
}
