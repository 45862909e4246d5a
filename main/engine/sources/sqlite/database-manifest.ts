/**
 * The manifest stored beside a database's segments: enough to rebuild and
 * check the file without this program (see page-layout.ts for the layout).
 * Field names are snake_case because users read this file with plain restic.
 */
import { z } from 'zod';
import { SNAPSHOT_FORMAT } from './page-layout.ts';

const count = z.number().int().nonnegative();

export const databaseManifestSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  source: z.string().min(1),
  size: count,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  page_size: count,
  page_count: count,
  chunk_size: z.number().int().positive(),
  segment_size: z.number().int().positive(),
  segments: count,
  verification: z.object({
    quick_check: z.literal('ok'),
    tables: z.record(z.string(), count),
    required_tables: z.array(z.string()),
  }),
  captured_at: z.string(),
  join: z.string(),
});

export type DatabaseManifest = z.infer<typeof databaseManifestSchema>;

/** Parses a stored manifest; null when the bytes are not one (so callers can say what the snapshot is instead). */
export function parseDatabaseManifest(bytes: Buffer): DatabaseManifest | null {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    if (err instanceof SyntaxError) return null;
    throw err;
  }
  const parsed = databaseManifestSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export function encodeDatabaseManifest(manifest: DatabaseManifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}
