/** A folder's exact state (paths, sizes, content hashes) to prove that a failed command changed nothing. */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export function fingerprint(dir: string): string {
  if (!existsSync(dir)) return '(absent)';
  const lines: string[] = [];
  const walk = (rel: string) => {
    const full = join(dir, rel);
    const st = lstatSync(full);
    if (st.isDirectory()) {
      lines.push(`d ${rel}`);
      for (const name of readdirSync(full).sort()) walk(join(rel, name));
    } else if (st.isSymbolicLink()) {
      lines.push(`l ${rel} -> ${readlinkSync(full)}`);
    } else {
      lines.push(`f ${rel} ${st.size} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
    }
  };
  walk('.');
  return lines.join('\n');
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
