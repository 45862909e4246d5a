import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../../../main/engine/config/load-config.ts';

const base = { version: 1, repository: { path: '/srv/repo' } };
const problem = (schedule: unknown): string => {
  try {
    parseConfig({ ...base, schedule }, 'config.json');
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail('the config was accepted');
};

test('defaults follow the strategy, in New York time, with market hours blacked out', () => {
  const s = parseConfig(base).schedule;
  assert.equal(s.timezone, 'America/New_York');
  assert.equal(s.jobs.snapshot.cron, '*/15 * * * *');
  assert.equal(s.jobs.backup.cron, '0 * * * *');
  assert.equal(s.jobs.cloud.cron, '0 2 * * *');
  assert.equal(s.jobs.full.cron, '0 1 * * 0');
  assert.equal(s.jobs.offsite.cron, '0 3 1 * *');
  assert.equal(s.jobs.verify.cron, '0 6 * * *');
  assert.ok(Object.values(s.jobs).every((j) => j.enabled));
  assert.deepEqual(s.blackouts, [{ name: 'market hours', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:30', end: '16:00' }]);
  assert.equal(s.heavyJobNice, 10);
});

test('a job entry overrides only what it sets', () => {
  const s = parseConfig({ ...base, schedule: { jobs: { snapshot: { cron: '*/5 * * * *' }, drill: { enabled: false } } } }).schedule;
  assert.deepEqual(s.jobs.snapshot, { cron: '*/5 * * * *', enabled: true });
  assert.deepEqual(s.jobs.drill, { cron: '0 5 2 * *', enabled: false });
});

test('a bad cron expression is named with its job, the expression and the field', () => {
  assert.equal(problem({ jobs: { backup: { cron: '61 * * * *' } } }),
    'config.json: schedule.jobs.backup.cron: job "backup": invalid cron expression "61 * * * *" (minute field "61": 61 is a invalid expression for minute)');
  assert.match(problem({ jobs: { verify: { cron: '0 6 * * funday' } } }), /job "verify": invalid cron expression "0 6 \* \* funday" \(dayOfWeek field "funday"/);
  assert.match(problem({ jobs: { snapshot: { cron: '*/15 * * *' } } }), /job "snapshot": cron expression "\*\/15 \* \* \*" must have 5 fields/);
});

test('unknown job names are rejected by name', () => {
  assert.match(problem({ jobs: { snapshots: { cron: '* * * * *' }, prune: {} } }), /schedule\.jobs\.snapshots: unknown job "snapshots".*schedule\.jobs\.prune: unknown job "prune"/);
});

test('overlapping blackouts are rejected naming both; an unknown zone is named', () => {
  assert.equal(problem({ blackouts: [
    { name: 'market hours', days: ['mon', 'tue'], start: '09:30', end: '16:00' },
    { name: 'close auction', days: ['tue', 'wed'], start: '15:50', end: '16:10' },
  ] }), 'config.json: schedule.blackouts: blackouts "market hours" (09:30-16:00) and "close auction" (15:50-16:10) overlap on tue: merge them or change one');
  // Touching windows do not overlap.
  parseConfig({ ...base, schedule: { blackouts: [
    { name: 'a', days: ['mon'], start: '09:00', end: '10:00' }, { name: 'b', days: ['mon'], start: '10:00', end: '11:00' },
  ] } });
  assert.match(problem({ timezone: 'America/Nowhere' }), /schedule\.timezone: unknown time zone "America\/Nowhere"/);
  assert.match(problem({ blackouts: [{ name: 'x', days: ['mon'], start: '16:00', end: '09:30' }] }), /start must be before end/);
});
