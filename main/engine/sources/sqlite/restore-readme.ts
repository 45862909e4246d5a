/**
 * RESTORE-README.txt, stored in every database snapshot. Its text depends only
 * on the database's file name, so across snapshots it is one deduplicated blob.
 */
import { SEGMENT_FILE_NAME, joinCommand, manifestName, segmentsDirName, shellQuote } from './page-layout.ts';

export function restoreReadme(dbName: string): string {
  const manifest = manifestName(dbName);
  return [
    `How to rebuild ${dbName} from this snapshot with plain restic`,
    '',
    `The database is stored in 1 MiB segments: ${segmentsDirName(dbName)}/000000/${SEGMENT_FILE_NAME},`,
    `${segmentsDirName(dbName)}/000001/${SEGMENT_FILE_NAME}, ... Joined in name order they are the file.`,
    `${manifest} records its size, SHA-256, page size and row counts.`,
    '',
    '1. Restore the snapshot into an empty folder:',
    '     restic -r <repository> restore <snapshot-id> --target /tmp/db-restore',
    '2. Join the segments (run inside the restored folder):',
    '     cd /tmp/db-restore',
    `     ${joinCommand(dbName)}`,
    `3. Compare the checksum with "sha256" in ${manifest}:`,
    `     sha256sum ${shellQuote(dbName)}`,
    '4. Let SQLite check the whole file; it must print "ok":',
    `     sqlite3 ${shellQuote(dbName)} 'PRAGMA integrity_check'`,
    '',
    'Then stop the trading process and put the file in place of the damaged one',
    '(remove any stale -wal and -shm files beside it first).',
    '',
  ].join('\n');
}
