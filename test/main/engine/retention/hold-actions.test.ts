/**
 * `hold add` and `hold release` through the real CLI: each is evidence in the
 * repository's encrypted operations log as soon as the command returns, not
 * at the next run's flush (no run happens in between here).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { loadBatch } from '../../../../main/engine/compliance/oplog-batch.ts';
import type { OplogEntry } from '../../../../main/engine/compliance/oplog-chain.ts';
import { verifyOplog } from '../../../../main/engine/compliance/oplog-verify.ts';
import { createEngine } from '../../../../main/engine/engine.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import { passwordFromEnvironment } from '../../../../main/engine/secrets/password-source.ts';
import { parseJsonOutput, runCli } from '../../../support/cli.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const PASSWORD = 'hold oplog password';

async function repositoryLog(repo: Repository): Promise<OplogEntry[]> {
  const names = (await repo.backend.list('oplog')).map((f) => f.name).sort();
  return (await Promise.all(names.map((n) => loadBatch(repo, n)))).flat();
}

test('hold add and hold release are in the decrypted repository log when the command returns', async (t) => {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const repoPath = join(dir, 'repo');
  const files = join(dir, 'research');
  mkdirSync(files);
  const setup = createEngine({ home, kdf: { N: 1024, r: 8, p: 1 }, secrets: passwordFromEnvironment({ QUANTAI_BACKUP_PASSWORD: PASSWORD }) });
  await setup.initialize({ repoPath, files: [files] });
  setup.close();
  const env = { home, password: PASSWORD };
  const repo = await Repository.open(new LocalBackend(repoPath), PASSWORD);
  const initial = (await repositoryLog(repo)).length;

  const added = runCli(['hold', 'add', '--class', 'important-files', '--reason', 'SEC inquiry 2026-17', '--json'], env);
  assert.equal(added.code, 0, added.stderr);
  const hold = parseJsonOutput<{ id: number }>(added);
  const afterAdd = await repositoryLog(repo);
  assert.equal(afterAdd.length, initial + 1);
  const placed = afterAdd.at(-1)!;
  assert.equal(placed.type, 'hold');
  assert.equal(placed.data?.['holdId'], hold.id);
  assert.equal(placed.data?.['reason'], 'SEC inquiry 2026-17');
  assert.match(placed.summary, /legal hold #\d+ placed on .*important-files.*: SEC inquiry 2026-17/);

  const released = runCli(['hold', 'release', String(hold.id), '--reason', 'inquiry closed'], env);
  assert.equal(released.code, 0, released.stderr);
  const afterRelease = await repositoryLog(repo);
  assert.equal(afterRelease.length, initial + 2);
  const lifted = afterRelease.at(-1)!;
  assert.equal(lifted.type, 'hold-release');
  assert.equal(lifted.data?.['holdId'], hold.id);
  assert.equal(lifted.prevHash, placed.hash, 'chained onto the hold entry');

  const chain = await verifyOplog(repo, afterRelease, []);
  assert.equal(chain.ok, true, JSON.stringify(chain.findings));
});
