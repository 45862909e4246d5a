import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UploadPacer } from '../../../../main/engine/cloud/upload-pacer.ts';

function fakeTime() {
  let now = 0;
  const waits: number[] = [];
  return {
    clock: { now: () => new Date(now) },
    sleep: async (ms: number) => { waits.push(ms); now += ms; },
    waits,
    elapsed: () => now,
  };
}

test('under a cap, sending N bytes takes about N / rate seconds', async () => {
  const time = fakeTime();
  const pacer = new UploadPacer({ clock: time.clock, capAt: () => 100_000, sleep: time.sleep });
  for (let i = 0; i < 40; i++) await pacer.pace(25_000);
  // 1 MB at 100 kB/s: 10 s, less the initial burst of a quarter second.
  assert.ok(time.elapsed() >= 9_500 && time.elapsed() <= 10_100, `took ${time.elapsed()} ms`);
});

test('no cap: never waits; the cap is looked up again for every chunk', async () => {
  const time = fakeTime();
  let capped = false;
  const pacer = new UploadPacer({ clock: time.clock, capAt: () => (capped ? 10_000 : null), sleep: time.sleep });
  for (let i = 0; i < 10; i++) await pacer.pace(1_000_000);
  assert.equal(time.waits.length, 0);
  capped = true;
  await pacer.pace(20_000);
  await pacer.pace(20_000);
  assert.ok(time.elapsed() >= 3_000, `a blackout cap applies at once (waited ${time.elapsed()} ms)`);
});

test('capped() says whether a cap applies at this instant, so uncapped uploads skip the paced stream', () => {
  const time = fakeTime();
  let cap: number | null = null;
  const pacer = new UploadPacer({ clock: time.clock, capAt: (now) => (now.getTime() >= 1000 ? cap : null), sleep: time.sleep });
  cap = 5_000;
  assert.equal(pacer.capped(), false, 'before 1 s no cap applies');
  void time.sleep(1000);
  assert.equal(pacer.capped(), true);
  cap = null;
  assert.equal(pacer.capped(), false);
});
