/** A folder's exact state (paths, sizes, content hashes) to prove that a failed command changed nothing. */
import assert from 'node:assert/strict';
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

const LOG_LINE = /^[fd] quantai(\/oplog(\/|$)|$)/;

/**
 * A failed run is still recorded: its entry joins the operations log
 * (quantai/oplog/), which is evidence, not damage. So "nothing changed" means:
 * every other file identical, and every earlier log batch still there unchanged.
 */
export function assertUnchangedButLog(before: string, after: string): void {
  const outside = (fp: string): string => fp.split('\n').filter((l) => !LOG_LINE.test(l)).join('\n');
  assert.equal(outside(after), outside(before), 'the repository outside the operations log changed');
  const afterLines = new Set(after.split('\n'));
  const lost = before.split('\n').filter((l) => LOG_LINE.test(l) && !afterLines.has(l));
  assert.deepEqual(lost, [], 'an earlier operations-log batch changed or disappeared');
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
