/**
 * Tests that need a system tool (restic, sqlite3, chromium) call requireTool().
 * Where the tool is missing the test is skipped with a loud reason; under CI=true
 * a missing tool is a failure, never a skip.
 */
import { execFileSync } from 'node:child_process';
import type { TestContext } from 'node:test';

const cache = new Map<string, string | null>();

export function findTool(name: string): string | null {
  if (!cache.has(name)) {
    try {
      cache.set(name, execFileSync('which', [name], { encoding: 'utf8' }).trim() || null);
    } catch {
      cache.set(name, null);
    }
  }
  return cache.get(name) ?? null;
}

/** Returns the tool's path, or skips (locally) / fails (CI) the test. */
export function requireTool(t: TestContext, name: string): string | null {
  const path = findTool(name);
  if (path) return path;
  const message = `MISSING TOOL: '${name}' is not installed (apt-get install -y ${name}); this test cannot run without it`;
  if (process.env.CI === 'true') throw new Error(message);
  process.stderr.write(`\n*** ${message} ***\n`);
  t.skip(message);
  return null;
}
