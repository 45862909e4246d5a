/**
 * The recovery kit at the root of an offsite drive, rewritten by every copy:
 * RECOVERY-README.txt (how to restore with plain restic, step by step),
 * RECOVERY-FORMAT.md (our on-disk format notes) and the restic binary of this
 * machine when one is installed. Whoever holds the drive in seven years needs
 * nothing else but the password, which is never written here.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { access, constants, readFile, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { DRIVE_REPOSITORY_DIR } from './mounted-drives.ts';

export const README_FILE = 'RECOVERY-README.txt';
export const FORMAT_FILE = 'RECOVERY-FORMAT.md';

/** docs/format.md of this checkout; absent in a build that does not ship docs (then the kit says so). */
export const FORMAT_DOC = fileURLToPath(new URL('../../../docs/format.md', import.meta.url));

export interface RecoveryKitInput {
  mountPath: string;
  label: string;
  repositoryId: string;
  hostname: string;
  now: Date;
  /** The restic binary to put on the drive; null: none installed. */
  resticBinary: string | null;
  /** Path of the format notes; null or missing: not copied. */
  formatDoc: string | null;
}

export interface RecoveryKitFile {
  name: string;
  /** Bytes the kit writes for it now (0 when the same file is already on the drive). */
  size: number;
}

/** `which restic` without a shell: the first executable `restic` on PATH. */
export async function findResticBinary(path = process.env.PATH ?? ''): Promise<string | null> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'restic');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'EACCES') throw err;
    }
  }
  return null;
}

export function resticFileName(): string {
  return `restic-${process.platform}-${process.arch}`;
}

async function resticVersion(binary: string): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)(binary, ['version'], { timeout: 10_000 });
    return stdout.trim().split('\n')[0] ?? null;
  } catch (err) {
    // The version is a nicety for the README; the binary is copied either way.
    return `unknown version (${(err as Error).message.split('\n')[0]})`;
  }
}

async function readIfPresent(path: string | null): Promise<Buffer | null> {
  if (!path) return null;
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function sameContent(path: string, data: Buffer): Promise<boolean> {
  try {
    if ((await stat(path)).size !== data.length) return false;
    const digest = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
    return digest(await readFile(path)) === digest(data);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

interface KitContent { name: string; data: Buffer }

async function kitContents(input: RecoveryKitInput): Promise<KitContent[]> {
  const binary = await readIfPresent(input.resticBinary);
  const format = await readIfPresent(input.formatDoc);
  const version = binary && input.resticBinary ? await resticVersion(input.resticBinary) : null;
  const readme = recoveryReadme(input, { resticFile: binary ? resticFileName() : null, resticVersion: version, formatFile: format ? FORMAT_FILE : null });
  return [
    { name: README_FILE, data: Buffer.from(readme, 'utf8') },
    ...(format ? [{ name: FORMAT_FILE, data: format }] : []),
    ...(binary ? [{ name: resticFileName(), data: binary }] : []),
  ];
}

/** What writing the kit would add to the drive now, for the free-space check. */
export async function recoveryKitSizes(input: RecoveryKitInput): Promise<RecoveryKitFile[]> {
  const out: RecoveryKitFile[] = [];
  for (const file of await kitContents(input)) {
    out.push({ name: file.name, size: (await sameContent(join(input.mountPath, file.name), file.data)) ? 0 : file.data.length });
  }
  return out;
}

/** Writes (atomically, fsynced) each kit file that differs from the drive's; returns the names written. */
export async function writeRecoveryKit(input: RecoveryKitInput): Promise<string[]> {
  const written: string[] = [];
  for (const file of await kitContents(input)) {
    const path = join(input.mountPath, file.name);
    if (await sameContent(path, file.data)) continue;
    await writeFileAtomic(path, file.data, { mode: file.name === resticFileName() ? 0o755 : 0o644 });
    written.push(file.name);
  }
  return written;
}

export function recoveryReadme(
  input: RecoveryKitInput, kit: { resticFile: string | null; resticVersion: string | null; formatFile: string | null },
): string {
  const repo = `${input.mountPath}/${DRIVE_REPOSITORY_DIR}`;
  const restic = kit.resticFile ? `${input.mountPath}/${kit.resticFile}` : 'restic';
  return [
    `QuantAI Backup offsite drive '${input.label}': how to restore with plain restic`,
    '='.repeat(72),
    '',
    `Written ${input.now.toISOString()} by QuantAI Backup on ${input.hostname}; rewritten by every copy.`,
    `The folder ${DRIVE_REPOSITORY_DIR}/ on this drive is a complete copy of the backup repository`,
    `(id ${input.repositoryId}) in restic's repository format version 2. Any restic 0.14 or newer`,
    'reads it; QuantAI Backup itself is not needed.',
    '',
    'THE PASSWORD IS NOT ON THIS DRIVE. It is the repository password of QuantAI Backup: on the',
    'workstation it is kept in the desktop app\'s secure store (or in the file named by',
    'QUANTAI_BACKUP_PASSWORD_FILE), and a copy should be in your organisation\'s password safe.',
    'Without it nothing on this drive can be read.',
    '',
    kit.resticFile
      ? `A restic binary (${kit.resticVersion ?? 'unknown version'}, for ${process.platform}/${process.arch}) is on this drive: ${kit.resticFile}.\n`
        + `Copy it off the drive and make it executable if the drive does not allow that:\n     cp ${restic} /tmp/restic && chmod +x /tmp/restic`
      : 'No restic binary was installed on the workstation when this was written: install restic from your\ndistribution (apt-get install restic) or from its project page.',
    '',
    `The commands below assume the drive is mounted at ${input.mountPath}; use your mount point.`,
    '',
    '1. Give restic the password without putting it on the command line:',
    '     export RESTIC_PASSWORD_FILE=/path/to/a/file/holding/the/password',
    '',
    '2. List the snapshots (database snapshots carry the tag kind:sqlite, file backups kind:files):',
    `     restic -r ${repo} snapshots`,
    '   On a drive mounted read-only add --no-lock to every command.',
    '',
    '3. Optionally prove every byte is intact (reads the whole drive):',
    `     restic -r ${repo} check --read-data`,
    '',
    '4. Restore a snapshot into an empty folder:',
    `     restic -r ${repo} restore <snapshot-id> --target /tmp/restore`,
    '',
    '5. A database snapshot is stored in 1 MiB segments. Find the segments folder, join the',
    '   segments in name order, then compare with the manifest and let SQLite check the file:',
    '     cd "$(dirname "$(find /tmp/restore -name \'*.segments\' -type d | head -n 1)")"',
    '     cat trading.db.segments/*/data > trading.db        (use your database name)',
    '     sha256sum trading.db                  (must equal "sha256" in the manifest beside it)',
    '     sqlite3 trading.db \'PRAGMA integrity_check\'        (must print ok)',
    '   The restored snapshot also holds RESTORE-README.txt with the exact names.',
    '',
    '6. File backups restore as ordinary files and folders under /tmp/restore.',
    '',
    kit.formatFile
      ? `${kit.formatFile} on this drive describes the on-disk formats (segments, manifest, tags).`
      : 'The format notes (docs/format.md) were not available when this was written.',
    '',
    `Files beside ${DRIVE_REPOSITORY_DIR}/: .quantai-offsite.json identifies this drive to QuantAI Backup`,
    '(no secrets); do not delete it or the app will refuse to write to the drive.',
    '',
  ].join('\n');
}
