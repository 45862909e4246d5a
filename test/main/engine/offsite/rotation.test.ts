/**
 * The rotation rules on synthetic register facts and a fixed clock: when a copy
 * is due and onto which drive, when a drive should leave and when one should
 * come back, and how the health model turns that into alerts (including the
 * existing destination-stale rule at 31 days).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { healthSchema } from '../../../../main/engine/config/health-schema.ts';
import { evaluateAlertRules } from '../../../../main/engine/health/alert-rules.ts';
import type { HealthInput } from '../../../../main/engine/health/health-types.ts';
import { copyDue, driveLocation, rotationReminders, type DriveFacts } from '../../../../main/engine/offsite/rotation.ts';

const DAY = 24 * 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (days: number): string => new Date(T0 + days * DAY).toISOString();
const now = (days: number): Date => new Date(T0 + days * DAY);
const SETTINGS = { rotationDays: 30, onsiteReminderDays: 3 };

function drive(label: string, parts: { copiedDay?: number; out?: number; back?: number; retired?: number; enrolled?: number } = {}): DriveFacts {
  const copy = parts.copiedDay === undefined ? null : {
    startedAt: at(parts.copiedDay - 0.01), finishedAt: at(parts.copiedDay), ok: true, newestSnapshotTime: at(parts.copiedDay - 0.02), snapshotCount: 4, error: null,
  };
  const checkout = parts.out === undefined ? null : { kind: 'checkout' as const, time: at(parts.out), note: null };
  const checkin = parts.back === undefined ? null : { kind: 'checkin' as const, time: at(parts.back), note: null };
  const moves = [checkout, checkin].filter((m) => m !== null).sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  return {
    label, fsUuid: `uuid-${label}`, fsType: 'ext4', enrolledAt: at(parts.enrolled ?? -10), retiredAt: parts.retired === undefined ? null : at(parts.retired),
    lastCopy: copy, lastOkCopy: copy, lastMovement: moves.at(-1) ?? null, lastCheckout: checkout, lastCheckin: checkin,
  };
}

test('where a drive is: the newest movement decides; retired wins', () => {
  assert.equal(driveLocation(drive('A')), 'onsite');
  assert.equal(driveLocation(drive('A', { out: 1 })), 'offsite');
  assert.equal(driveLocation(drive('A', { out: 1, back: 20 })), 'onsite');
  assert.equal(driveLocation(drive('A', { back: 1, out: 20 })), 'offsite');
  assert.equal(driveLocation(drive('A', { out: 1, retired: 5 })), 'retired');
});

test('a copy is due at once for new drives, then when the newest copy is older than the rotation', () => {
  assert.deepEqual(copyDue([], now(0), SETTINGS), { due: false, newestCopyAt: null, dueAt: null, nextDrive: null });
  const fresh = copyDue([drive('A', { enrolled: -1 })], now(0), SETTINGS);
  assert.equal(fresh.due, true);
  assert.equal(fresh.dueAt, at(-1));
  assert.equal(fresh.nextDrive, 'A');

  const drives = [drive('A', { copiedDay: 0, out: 1 }), drive('B')];
  assert.equal(copyDue(drives, now(29.9), SETTINGS).due, false);
  const due = copyDue(drives, now(30.1), SETTINGS);
  assert.equal(due.due, true);
  assert.equal(due.newestCopyAt, at(0));
  assert.equal(due.dueAt, at(30));
  assert.equal(due.nextDrive, 'B', 'the onsite drive, not the one at the facility');
  // A longer rotation moves the date.
  assert.equal(copyDue(drives, now(30.1), { ...SETTINGS, rotationDays: 45 }).due, false);
  // A retired drive's copy does not count.
  assert.equal(copyDue([drive('A', { copiedDay: 0, retired: 2 }), drive('B')], now(5), SETTINGS).due, true);
});

test('the next drive is the onsite one whose copy is oldest (never copied first)', () => {
  const drives = [drive('A', { copiedDay: 10 }), drive('B', { copiedDay: 0, out: 1, back: 5 }), drive('C', { copiedDay: -30, out: -29, back: 2 })];
  assert.equal(copyDue(drives, now(41), SETTINGS).nextDrive, 'C');
  assert.equal(copyDue([...drives, drive('D')], now(41), SETTINGS).nextDrive, 'D');
});

test('take-offsite: a drive still onsite more than N days after its copy', () => {
  const copied = [drive('A', { copiedDay: 0 }), drive('B', { copiedDay: -26, out: -25 })];
  assert.deepEqual(rotationReminders(copied, now(2.9), SETTINGS).map((r) => r.kind), []);
  const late = rotationReminders(copied, now(3.5), SETTINGS);
  assert.deepEqual(late.map((r) => [r.kind, r.label]), [['take-offsite', 'A']]);
  assert.equal(late[0]!.since, at(3));
  assert.match(late[0]!.message, /quantai-backup offsite checkout A/);
  // Once it has left, the reminder is gone; a drive that came back after its copy is not reminded.
  assert.deepEqual(rotationReminders([drive('A', { copiedDay: 0, out: 4 })], now(10), SETTINGS), []);
  assert.deepEqual(rotationReminders([drive('A', { copiedDay: 0, out: 1, back: 20 }), drive('B', { copiedDay: 19, out: 20 })], now(25), SETTINGS), []);
});

test('two drives: the classic swap asks to bring the old one back once the new copy is made', () => {
  // A went out on day 1; B onsite and free: nothing to bring back even after 30 days.
  assert.deepEqual(rotationReminders([drive('A', { copiedDay: 0, out: 1 }), drive('B')], now(29), SETTINGS), []);
  // Day 30: B receives the new copy; A has been out 29 days.
  const copied = [drive('A', { copiedDay: 0, out: 1 }), drive('B', { copiedDay: 30 })];
  assert.deepEqual(rotationReminders(copied, now(30.5), SETTINGS), []);
  // Day 33.5: B is still here (take it out) and no free drive is onsite (bring A back).
  assert.deepEqual(rotationReminders(copied, now(33.5), SETTINGS).map((r) => [r.kind, r.label]), [['take-offsite', 'B'], ['bring-back', 'A']]);
  // B left on day 34; A is still asked back.
  const swap = rotationReminders([drive('A', { copiedDay: 0, out: 1 }), drive('B', { copiedDay: 30, out: 34 })], now(35), SETTINGS);
  assert.deepEqual(swap.map((r) => [r.kind, r.label]), [['bring-back', 'A']]);
  assert.equal(swap[0]!.since, at(31));
  assert.match(swap[0]!.message, /offsite checkin A/);
});

test('three drives: nobody is asked back while a free drive is onsite', () => {
  const drives = [drive('A', { copiedDay: 0, out: 1 }), drive('B', { copiedDay: 30, out: 31 }), drive('C')];
  assert.deepEqual(rotationReminders(drives, now(45), SETTINGS), []);
  const allOut = [drive('A', { copiedDay: 0, out: 1 }), drive('B', { copiedDay: 30, out: 31 }), drive('C', { copiedDay: 60, out: 61 })];
  assert.deepEqual(rotationReminders(allOut, now(62), SETTINGS).map((r) => [r.kind, r.label]), [['bring-back', 'A']], 'the one out longest');
});

test('copy due with every drive offsite says which to bring back; retired drives are ignored', () => {
  const r = rotationReminders([drive('A', { copiedDay: 0, out: 1 }), drive('B', { copiedDay: -40, out: -39, retired: -5 })], now(40), SETTINGS);
  assert.deepEqual(r.map((x) => [x.kind, x.label]), [['copy-due', null], ['bring-back', 'A']]);
  assert.match(r[0]!.message, /newest offsite copy is 40 d old .*bring drive 'A' back/);
  assert.deepEqual(rotationReminders([drive('B', { copiedDay: -40, retired: -5 })], now(40), SETTINGS), [], 'only retired drives: no rotation');
});

function healthInput(reminders: HealthInput['offsiteReminders'], lastSuccess: string | null): HealthInput {
  return {
    installedAt: at(-60), tiers: [], recentDatabaseSnapshots: [], databaseConfigured: false, sizeHistory: [],
    destinations: [{ name: 'offsite', kind: 'offsite', addedAt: at(-10), lastSuccess, verifications: [], lastDrill: null, space: null }],
    offsiteReminders: reminders,
  };
}

test('health: reminders become warnings keyed per drive; the 31-day stale alert comes a day after the copy is due', () => {
  const config = healthSchema.parse({});
  const drives = [drive('A', { copiedDay: 0, out: 1 }), drive('B')];
  const at30 = evaluateAlertRules(healthInput(rotationReminders(drives, now(30.5), SETTINGS), at(0)), config, now(30.5));
  assert.deepEqual(at30.map((c) => [c.rule, c.key, c.severity]), [['offsite-copy-due', 'offsite-copy-due', 'warning']]);
  assert.match(at30[0]!.title, /connect drive 'B'/);
  assert.equal(at30[0]!.data?.['destination'], 'offsite');
  const at32 = evaluateAlertRules(healthInput(rotationReminders(drives, now(32), SETTINGS), at(0)), config, now(32));
  assert.deepEqual(at32.map((c) => c.key), ['destination-stale:offsite', 'offsite-copy-due']);
  const takeOut = evaluateAlertRules(healthInput(rotationReminders([drive('A', { copiedDay: 0 })], now(4), SETTINGS), at(0)), config, now(4));
  assert.deepEqual(takeOut.map((c) => c.key), ['offsite-take-offsite:A']);
});
