/**
 * What a settings save changed, leaf by leaf, for the operations log: a
 * retention shortened from 7y to 1y must be visible in the evidence. The
 * config never holds secrets (the settings service refuses them), so the
 * values are logged as they are.
 */
export interface ConfigChange {
  path: string;
  from: unknown;
  to: unknown;
}

/** Changes listed in the log entry; the count is always complete. */
const MAX_LISTED = 50;

export function configChanges(before: unknown, after: unknown): { changes: ConfigChange[]; total: number } {
  const out: ConfigChange[] = [];
  walk(before, after, '', out);
  return { changes: out.slice(0, MAX_LISTED), total: out.length };
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function walk(a: unknown, b: unknown, path: string, out: ConfigChange[]): void {
  if (isRecord(a) && isRecord(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      walk(a[key], b[key], path ? `${path}.${key}` : key, out);
    }
    return;
  }
  // Arrays and scalars compare whole: a changed list of sources is one change.
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path: path || '(config)', from: a ?? null, to: b ?? null });
}
