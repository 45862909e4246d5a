import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classSchema, retentionSchema } from '../../../../main/engine/config/retention-schema.ts';
import { BUILT_IN_CLASSES, retentionClasses } from '../../../../main/engine/retention/data-classes.ts';
import type { Hold } from '../../../../main/engine/retention/holds.ts';
import { decideRetention, summarizeDecisions, type RetentionSnapshot } from '../../../../main/engine/retention/policy.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DB_TAGS = ['quantai', 'kind:sqlite', 'tier:1'];
const DB_PATHS = ['/data/trading.db'];
const builtIn = retentionClasses({ retention: retentionSchema.parse({}) });

function every15Minutes(fromMs: number, toMs: number, tags = DB_TAGS, paths = DB_PATHS, prefix = 'db'): RetentionSnapshot[] {
  const out: RetentionSnapshot[] = [];
  for (let ms = fromMs, i = 0; ms <= toMs; ms += 15 * MIN, i++) {
    out.push({ id: `${prefix}${String(i).padStart(8, '0')}`, time: new Date(ms).toISOString(), tags, paths, hostname: 'trader' });
  }
  return out;
}

function hold(id: number, reason: string, scope: Hold['scope'], released = false): Hold {
  return {
    id, reason, scope, createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'test',
    releasedAt: released ? '2026-02-01T00:00:00.000Z' : null, releaseReason: released ? 'closed' : null, releasedBy: released ? 'test' : null,
  };
}

test('eight years of 15-minute database snapshots: each rule keeps what the calendar says, the month-end chain is whole', () => {
  const start = Date.UTC(2019, 0, 1);
  const last = Date.UTC(2026, 11, 31, 23, 45);
  const snapshots = every15Minutes(start, last);
  assert.equal(snapshots.length, (last - start) / (15 * MIN) + 1);
  const heldSnapshot = snapshots.find((s) => s.time === '2020-06-10T13:15:00.000Z')!;
  const holds = [
    hold(3, 'SEC inquiry', { type: 'snapshot', snapshotId: heldSnapshot.id }),
    hold(4, 'FINRA exam', { type: 'range', from: '2021-03-02T10:00:00.000Z', to: '2021-03-02T12:00:00.000Z' }),
    hold(5, 'released long ago', { type: 'range', from: '2022-01-01T00:00:00.000Z', to: '2022-12-31T00:00:00.000Z' }, true),
  ];

  const decisions = decideRetention(snapshots, builtIn, holds, new Date(last + 10 * MIN), { timeZone: 'UTC' });
  const summary = summarizeDecisions(decisions);

  // Expected counts by calendar arithmetic from the newest snapshot, 2026-12-31 23:45 UTC.
  assert.equal(summary.byRule.within, 48 * 4 + 1, 'every snapshot of the last 48 hours, both ends included');
  assert.equal(summary.byRule.hourly, 30 * 24 + 1, 'one per hour for 30 days, plus the hour the window starts in');
  assert.equal(summary.byRule.daily, 365 + 1, 'one per day from 2025-12-31 to 2026-12-31');
  assert.equal(summary.byRule.monthly, 7 * 12 + 1, 'month ends 2019-12 .. 2026-12');
  assert.equal(summary.byRule.hold, 1 + 9, 'one held snapshot plus 10:00..12:00 every 15 minutes; the released hold keeps nothing');
  assert.equal(summary.byRule.newest, 1);
  assert.equal(summary.byRule.unclassified, 0);

  // The kept set, by an independent predicate on UTC calendar fields.
  const cut48h = last - 48 * HOUR;
  const cut30d = Date.UTC(2026, 11, 1, 23, 45);
  const cut1y = Date.UTC(2025, 11, 31, 23, 45);
  const cut7y = Date.UTC(2019, 11, 31, 23, 45);
  const heldMs = [Date.parse(heldSnapshot.time)];
  let expectedKept = 0;
  decisions.forEach((d) => {
    const t = new Date(d.time);
    const ms = t.getTime();
    const lastOfHour = t.getUTCMinutes() === 45;
    const lastOfDay = lastOfHour && t.getUTCHours() === 23;
    const lastOfMonth = lastOfDay && new Date(ms + 15 * MIN).getUTCMonth() !== t.getUTCMonth();
    const inFinraRange = ms >= Date.UTC(2021, 2, 2, 10) && ms <= Date.UTC(2021, 2, 2, 12);
    const keep = ms >= cut48h || (lastOfHour && ms >= cut30d) || (lastOfDay && ms >= cut1y) || (lastOfMonth && ms >= cut7y)
      || heldMs.includes(ms) || inFinraRange;
    if (keep) expectedKept++;
    if (d.keep !== keep) assert.fail(`${d.time}: expected ${keep ? 'kept' : 'forgotten'}, got ${d.reasons.join('; ') || 'forgotten'}`);
  });
  assert.equal(summary.kept, expectedKept);
  assert.equal(summary.forgotten, snapshots.length - expectedKept);

  // The month-end chain: every month of the seven years has its last snapshot kept as month-end.
  const monthEnds = decisions.filter((d) => d.rules.includes('monthly')).map((d) => d.time.slice(0, 7));
  const expectedMonths: string[] = [];
  for (let y = 2019, m = 12; y < 2026 || (y === 2026 && m <= 12); m === 12 ? ((y += 1), (m = 1)) : (m += 1)) {
    expectedMonths.push(`${y}-${String(m).padStart(2, '0')}`);
  }
  assert.deepEqual([...monthEnds].sort(), expectedMonths);

  const held = decisions.find((d) => d.id === heldSnapshot.id)!;
  assert.deepEqual(held.reasons, ['legal hold #3: SEC inquiry']);
  const hourly = decisions.find((d) => d.time === '2026-12-15T14:45:00.000Z')!;
  assert.deepEqual(hourly.reasons, ['hourly 2026-12-15 14:00']);
  const monthEnd = decisions.find((d) => d.time === '2023-10-31T23:45:00.000Z')!;
  assert.deepEqual(monthEnd.reasons, ['month-end 2023-10']);
  const newest = decisions.at(-1)!;
  assert.equal(newest.reasons[0], 'newest of its class and source');
});

test('classes: tier-3 files go after 30 days, unclassified and foreign snapshots are always kept, a class hold keeps the class', () => {
  const now = Date.UTC(2026, 5, 30, 12);
  const from = now - 120 * 24 * HOUR;
  const tier3 = every15Minutes(from, now - HOUR, ['quantai', 'kind:files', 'tier:3'], ['/scratch'], 't3');
  const foreign = every15Minutes(from, from + 4 * HOUR, ['nightly'], ['/home'], 'fx');
  const untiered = every15Minutes(from, from + 4 * HOUR, ['quantai', 'kind:files'], ['/misc'], 'un');
  const all = [...tier3, ...foreign, ...untiered];

  const decisions = decideRetention(all, builtIn, [], new Date(now), { timeZone: 'UTC' });
  const byId = new Map(decisions.map((d) => [d.id, d]));
  for (const s of [...foreign, ...untiered]) {
    assert.deepEqual(byId.get(s.id)!.reasons, ['unclassified']);
    assert.equal(byId.get(s.id)!.className, null);
  }
  const cut = now - HOUR - 30 * 24 * HOUR;
  for (const s of tier3) {
    const d = byId.get(s.id)!;
    assert.equal(d.className, 'temporary-files');
    if (Date.parse(s.time) < cut) assert.equal(d.keep, false, `${s.time} is older than 30 days: ${d.reasons.join('; ')}`);
  }
  assert.ok(tier3.some((s) => byId.get(s.id)!.keep));

  const withHold = decideRetention(all, builtIn, [hold(7, 'litigation', { type: 'class', className: 'temporary-files' })], new Date(now), { timeZone: 'UTC' });
  assert.ok(withHold.every((d) => d.keep), 'a class hold keeps every snapshot of the class');
  assert.equal(withHold.find((d) => d.id === tier3[0]!.id)!.reasons[0], 'legal hold #7: litigation');
});

test('a snapshot matched by several classes follows the longest retention; path classes come from the config', () => {
  const config = {
    retention: retentionSchema.parse({
      classes: [
        { name: 'system-logs', retention: '2y', match: [{ paths: ['/var/log/app'] }], policy: { keepWithinMonthly: '2y' } },
        { name: 'financial-statements', retention: '7y', match: [{ paths: ['/data/statements/'] }], policy: { keepWithinMonthly: '7y' } },
      ],
    }),
  };
  const classes = retentionClasses(config);
  assert.deepEqual(classes.map((c) => c.name), ['system-logs', 'financial-statements', 'trade-records', 'important-files', 'temporary-files']);
  const mk = (paths: string[], tier: number): RetentionSnapshot => ({ id: 'x', time: '2026-01-01T00:00:00Z', tags: ['quantai', 'kind:files', `tier:${tier}`], paths, hostname: 'h' });
  const classOf = (s: RetentionSnapshot) => decideRetention([s], classes, [], new Date('2026-02-01T00:00:00Z'), { timeZone: 'UTC' })[0]!.className;
  assert.equal(classOf(mk(['/var/log/app'], 3)), 'system-logs', 'path class (2y) outlasts tier 3 (30d)');
  assert.equal(classOf(mk(['/var/log/app', '/data/statements/2026'], 2)), 'financial-statements');
  assert.equal(classOf(mk(['/var/log/application'], 3)), 'temporary-files', 'a path prefix is matched at folder boundaries only');
  assert.equal(classOf(mk(['/var/log/app', '/srv/critical'], 1)), 'trade-records');
});

test('month ends follow the schedule time zone: October in New York ends at 04:00 UTC on 1 November', () => {
  const snapshots = every15Minutes(Date.UTC(2026, 8, 15), Date.UTC(2026, 10, 20));
  const classes = retentionClasses({
    retention: retentionSchema.parse({ builtInClasses: false, classes: [{ name: 'db', retention: '1y', match: [{ kind: 'sqlite' }], policy: { keepWithinMonthly: '1y' } }] }),
  });
  const now = new Date(Date.UTC(2026, 10, 20, 1));
  const ny = decideRetention(snapshots, classes, [], now, { timeZone: 'America/New_York' }).filter((d) => d.keep);
  const utc = decideRetention(snapshots, classes, [], now, { timeZone: 'UTC' }).filter((d) => d.keep);
  assert.deepEqual(ny.map((d) => [d.time, d.reasons.join('; ')]), [
    ['2026-10-01T03:45:00.000Z', 'month-end 2026-09'],
    ['2026-11-01T03:45:00.000Z', 'month-end 2026-10'],
    ['2026-11-20T00:00:00.000Z', 'newest of its class and source; month-end 2026-11'],
  ]);
  assert.deepEqual(utc.map((d) => d.time), ['2026-09-30T23:45:00.000Z', '2026-10-31T23:45:00.000Z', '2026-11-20T00:00:00.000Z']);
});

test('the config refuses a class whose policy is shorter than its retention, and names the problem', () => {
  const bad = retentionSchema.safeParse({ classes: [{ name: 'statements', retention: '7y', match: [{ paths: ['/s'] }], policy: { keepWithinMonthly: '2y' } }] });
  assert.equal(bad.success, false);
  assert.match(bad.error!.issues[0]!.message, /must keep records for 7y but its longest keepWithin\* window is 2y/);
  const badDuration = retentionSchema.safeParse({ classes: [{ name: 's', retention: '7 years', match: [{ kind: 'files' }], policy: { keepLast: 1 } }] });
  assert.equal(badDuration.success, false);
  assert.match(badDuration.error!.issues[0]!.message, /"7 years" is not a duration/);
  for (const c of BUILT_IN_CLASSES) assert.equal(classSchema.safeParse(c).success, true, `built-in class ${c.name} passes the same checks as a configured one`);
});
