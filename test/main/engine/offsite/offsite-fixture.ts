/**
 * An engine with a local repository holding real file backups (random bytes,
 * so packs do not shrink under zstd), for the offsite drive tests.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { TestContext } from 'node:test';
import { engineFixture, writeTree, type EngineFixture } from '../verify/engine-fixture.ts';

export { PASSWORD } from '../verify/engine-fixture.ts';

export interface OffsiteFixture extends EngineFixture {
  files: string;
  /** Adds `mib` MiB of new random data in a new file and backs it up (one more snapshot, new packs). */
  grow(mib: number): Promise<string>;
}

export async function offsiteFixture(t: TestContext, firstMiB: number): Promise<OffsiteFixture> {
  const base = await engineFixture(t, {});
  const files = join(base.dir, 'files');
  mkdirSync(files);
  writeTree(files, { 'notes/readme.txt': 'offsite test\n', 'empty.txt': '' });
  await base.engine.initialize({ repoPath: base.repoPath, files: [files] });
  let n = 0;
  const grow = async (mib: number): Promise<string> => {
    writeTree(files, { [`data/part-${n++}.bin`]: randomBytes(mib * 1024 * 1024) });
    base.clock.set(new Date(base.clock.now().getTime() + 3_600_000));
    const r = await base.engine.backupFiles();
    return r.snapshotId;
  };
  await grow(firstMiB);
  return { ...base, files, grow };
}

/** Every file under `root` with its size, relative paths sorted: what a drive holds. */
export function listing(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else out.push(`${relative(root, path)} ${st.size}`);
    }
  };
  walk(root);
  return out.sort();
}
