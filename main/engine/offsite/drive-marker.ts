/**
 * The enrolment marker at the root of an offsite drive: proof that this file
 * system is the drive enrolled under that catalog row (its marker_id), not
 * another disk with the same label. It names the repository it carries but
 * never holds a secret.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { BackupError } from '../errors.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';

export const MARKER_FILE = '.quantai-offsite.json';

const markerSchema = z.strictObject({
  format: z.literal(1),
  marker_id: z.string().regex(/^[0-9a-f]{32}$/),
  label: z.string().min(1),
  fs_uuid: z.string().min(1),
  fs_label: z.string().nullable(),
  enrolled_at: z.string(),
  repository_id: z.string().regex(/^[0-9a-f]{64}$/),
});

export type DriveMarker = z.infer<typeof markerSchema>;

export function markerPath(mountPath: string): string {
  return join(mountPath, MARKER_FILE);
}

/** The marker on a mounted drive; null when there is none; a damaged marker is an error naming the file. */
export async function readMarker(mountPath: string): Promise<DriveMarker | null> {
  let text: string;
  try {
    text = await readFile(markerPath(mountPath), 'utf8');
  } catch (err) {
    return missingOrThrow(err, mountPath);
  }
  return parseMarker(text, markerPath(mountPath));
}

/** readMarker for synchronous callers (the destination list). */
export function readMarkerSync(mountPath: string): DriveMarker | null {
  let text: string;
  try {
    text = readFileSync(markerPath(mountPath), 'utf8');
  } catch (err) {
    return missingOrThrow(err, mountPath);
  }
  return parseMarker(text, markerPath(mountPath));
}

function missingOrThrow(err: unknown, mountPath: string): null {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
  throw new BackupError('permanent', `cannot read the offsite marker ${markerPath(mountPath)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
}

export function parseMarker(text: string, path: string): DriveMarker {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BackupError('permanent', `the offsite marker ${path} is not valid JSON: the drive must be enrolled again`, { cause: err });
  }
  const parsed = markerSchema.safeParse(json);
  if (!parsed.success) {
    throw new BackupError('permanent', `the offsite marker ${path} is damaged (${parsed.error.issues[0]?.path.join('.') || 'format'}): the drive must be enrolled again`);
  }
  return parsed.data;
}

/** Written atomically and fsynced (file and folder), so a pulled drive has the whole marker or none. */
export async function writeMarker(mountPath: string, marker: DriveMarker): Promise<void> {
  // 0644: vfat ignores modes anyway, and the marker holds nothing secret.
  await writeFileAtomic(markerPath(mountPath), `${JSON.stringify(markerSchema.parse(marker), null, 2)}\n`, { mode: 0o644 });
}
