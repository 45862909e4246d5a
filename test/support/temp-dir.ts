import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

/** A fresh temporary directory removed when the test ends (kept if QB_KEEP_TMP=1). */
export function tempDir(t: TestContext, prefix = 'qb-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => {
    if (process.env.QB_KEEP_TMP !== '1') rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
