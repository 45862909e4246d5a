/**
 * The recovery kit the first-run wizard makes the user save: where the
 * repository is, its ID, and how to restore with plain restic if this app is
 * gone. It never contains the password; it leaves a line to write it by hand,
 * because a kit file that opens the backups on its own is a leak waiting to happen.
 */
import { basename } from 'node:path';
import { joinCommand, shellQuote } from '../engine/sources/sqlite/page-layout.ts';

export interface RecoveryKitInput {
  repositoryPath: string;
  repositoryId: string;
  createdAt: Date;
  hostname: string;
  dbPath?: string;
  files?: string[];
}

export function recoveryKit(input: RecoveryKitInput): { fileName: string; text: string } {
  const repo = shellQuote(input.repositoryPath);
  const dbName = input.dbPath ? basename(input.dbPath) : null;
  const lines = [
    'QuantAI Backup recovery kit',
    '===========================',
    '',
    `Made ${input.createdAt.toISOString()} on ${input.hostname}. Print it or keep it somewhere other than this computer.`,
    '',
    `Repository location: ${input.repositoryPath}`,
    `Repository ID:       ${input.repositoryId}`,
    'Format:              restic repository format version 2 (restic 0.14 or newer reads it)',
    ...(input.dbPath ? [`Protected database:  ${input.dbPath}`] : []),
    ...(input.files && input.files.length > 0 ? [`Protected folders:   ${input.files.join(', ')}`] : []),
    '',
    'The repository password is NOT in this kit. Without it nobody, you included,',
    'can read these backups. Write it here by hand, or keep it in a password manager:',
    '',
    '  Password: ______________________________________________',
    '',
    'Restore without QuantAI Backup',
    '------------------------------',
    '1. Install restic (Debian/Ubuntu: apt install restic; others: https://restic.net).',
    '   restic asks for the password; or put it in a file readable only by you and',
    '   run: export RESTIC_PASSWORD_FILE=/path/to/that/file',
    '2. See what is there (database snapshots carry the tag kind:sqlite, files kind:files):',
    `     restic -r ${repo} snapshots`,
    '3. Check the repository, reading every byte:',
    `     restic -r ${repo} check --read-data`,
    '4. Restore files (a snapshot ID from step 2, or "latest"):',
    `     restic -r ${repo} restore <snapshot-id> --target /tmp/restore`,
    '5. Restore the database: restore a kind:sqlite snapshot as in step 4, then go to',
    '   the folder that holds RESTORE-README.txt and follow it. In short:',
    ...(dbName
      ? [`     ${joinCommand(dbName)}`, `     sqlite3 ${shellQuote(dbName)} 'PRAGMA integrity_check'    (must print "ok")`]
      : ['     cat <db>.segments/*/<segment> > <db>    (RESTORE-README.txt names the exact files)']),
    '   Stop the trading process before putting the file in place, and remove stale',
    '   -wal and -shm files beside the old one.',
    '',
  ];
  return { fileName: `quantai-backup-recovery-kit-${input.repositoryId.slice(0, 8)}.txt`, text: lines.join('\n') };
}
