/**
 * A run whose process is killed with kill -9 never logs itself. The next
 * process to open the catalog marks it interrupted and logs it; the entry
 * reaches the repository with the next flush and the chain stays intact.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { markAndLogInterruptedRuns } from '../../../../main/engine/compliance/interrupted-runs.ts';
import { loadBatch } from '../../../../main/engine/compliance/oplog-batch.ts';
import { OplogStore } from '../../../../main/engine/compliance/oplog-store.ts';
import { syncOplog } from '../../../../main/engine/compliance/oplog-sync.ts';
import { verifyOplog } from '../../../../main/engine/compliance/oplog-verify.ts';
import { engineFixture, openRepo } from '../verify/engine-fixture.ts';

const CATALOG_MODULE = pathToFileURL(resolve('main/engine/catalog/catalog.ts')).href;

/** Starts a run in another process, as a job would, and kills that process with SIGKILL mid-run. */
async function runKilledMidway(dir: string, catalogFile: string): Promise<{ runId: number; pid: number }> {
  const script = join(dir, 'start-run-then-hang.ts');
  writeFileSync(script, [
    `import { Catalog } from ${JSON.stringify(CATALOG_MODULE)};`,
    'const catalog = Catalog.open(process.argv[2]!);',
    "const id = catalog.startRun('snapshot', new Date());",
    'process.stdout.write(`${id}\\n`);',
    'setInterval(() => {}, 1000);',
  ].join('\n'));
  const child = spawn(process.execPath, ['--import', 'tsx', script, catalogFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  child.kill('SIGKILL');
  await once(child, 'exit');
  return { runId: Number(line.toString().trim()), pid: child.pid! };
}

test('a run killed with kill -9 is logged as interrupted once, and the next flush takes it to the repository', async (t) => {
  const fx = await engineFixture(t, {});
  fx.engine.close(); // The catalog is opened afresh below, as by the next process.
  const { runId, pid } = await runKilledMidway(fx.dir, join(fx.home, 'catalog.db'));
  assert.ok(runId > 0);

  fx.clock.set(new Date('2026-01-05T04:00:00Z'));
  const catalog = fx.engine.catalog; // Opening marks and logs.
  const store = new OplogStore(catalog);
  const logged = store.entries().filter((e) => e.data?.['result'] === 'interrupted');
  assert.equal(logged.length, 1, JSON.stringify(store.entries().map((e) => e.summary)));
  const entry = logged[0]!;
  assert.equal(entry.type, 'snapshot');
  assert.equal(entry.data?.['runId'], runId);
  assert.equal(entry.data?.['pid'], pid);
  assert.equal(entry.time, '2026-01-05T04:00:00.000Z', 'logged when it was found');
  assert.match(entry.summary, new RegExp(`^snapshot run ${runId} interrupted: its process \\(pid ${pid}\\) stopped`));
  assert.equal(catalog.lastRun('snapshot')?.result, 'interrupted');

  // A second opening (another process, or the same one again) logs nothing more.
  assert.equal(markAndLogInterruptedRuns(catalog, new Date(), () => false), 0);
  fx.engine.close();
  const again = new OplogStore(fx.engine.catalog).entries();
  assert.equal(again.filter((e) => e.data?.['result'] === 'interrupted').length, 1);

  // Waiting in the catalog until the next flush, then in the repository with an intact chain.
  const repo = await openRepo(fx.repoPath);
  const before = await verifyOplog(repo, again, new OplogStore(fx.engine.catalog).batches(repo.id));
  assert.equal(before.catalog.pending, 1);
  await syncOplog({ catalog: fx.engine.catalog, clock: fx.clock, engine: fx.engine });
  const names = (await repo.backend.list('oplog')).map((f) => f.name).sort();
  const inRepository = (await Promise.all(names.map((n) => loadBatch(repo, n)))).flat();
  assert.deepEqual(inRepository.find((e) => e.seq === entry.seq), entry);
  const after = await verifyOplog(repo, new OplogStore(fx.engine.catalog).entries(), new OplogStore(fx.engine.catalog).batches(repo.id));
  assert.equal(after.ok, true, JSON.stringify(after.findings));
  assert.equal(after.catalog.pending, 0);
});

test('a run of a process still alive is left alone', async (t) => {
  const fx = await engineFixture(t, {});
  const catalog = fx.engine.catalog;
  const id = catalog.startRun('backup', new Date());
  catalog.database.prepare('UPDATE runs SET host_pid = ? WHERE id = ?').run(process.ppid, id);
  const head = new OplogStore(catalog).headSeq();
  assert.equal(markAndLogInterruptedRuns(catalog, new Date(), () => true), 0);
  assert.equal(new OplogStore(catalog).headSeq(), head);
  assert.equal(catalog.lastRun('backup')?.result, 'running');
});
