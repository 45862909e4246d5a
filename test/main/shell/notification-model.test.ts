import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertEvent, AlertRecord, OffsiteNotice } from '../../../main/engine/index.ts';
import { isNotificationLevel, notificationFor, offsiteNotificationFor, testNotification, type NotificationLevel } from '../../../main/shell/notification-model.ts';

function alert(severity: 'warning' | 'critical', overrides: Partial<AlertRecord> = {}): AlertRecord {
  return {
    id: 12, key: 'no-recent-backup:tier-1', rule: 'no-recent-backup', severity,
    title: 'No tier 1 backup in 47 min', message: 'The last snapshot of trading.db is 47 min old; check the Backups log.',
    openedAt: '2026-03-10T14:00:00Z', resolvedAt: null, lastNotifiedAt: null, notifyCount: 0, ...overrides,
  };
}

const event = (kind: AlertEvent['kind'], severity: 'warning' | 'critical'): AlertEvent =>
  ({ kind, alert: alert(severity, kind === 'resolved' ? { resolvedAt: '2026-03-10T15:00:00Z' } : {}) });

test('off shows nothing, whatever the alert', () => {
  for (const kind of ['opened', 'reminder', 'resolved'] as const) {
    for (const severity of ['warning', 'critical'] as const) assert.equal(notificationFor(event(kind, severity), 'off'), null);
  }
});

test('critical alerts are critical notifications that open the alert', () => {
  for (const level of ['all', 'warnings'] as NotificationLevel[]) {
    assert.deepEqual(notificationFor(event('opened', 'critical'), level), {
      title: 'Critical: No tier 1 backup in 47 min',
      body: 'The last snapshot of trading.db is 47 min old; check the Backups log.',
      urgency: 'critical',
      alertId: 12,
    });
  }
});

test('warnings are normal urgency, under both levels that show problems', () => {
  for (const level of ['all', 'warnings'] as NotificationLevel[]) {
    const n = notificationFor(event('opened', 'warning'), level);
    assert.equal(n?.urgency, 'normal');
    assert.equal(n?.title, 'Warning: No tier 1 backup in 47 min');
  }
});

test('reminders say the problem is still open', () => {
  assert.equal(notificationFor(event('reminder', 'critical'), 'warnings')?.title, 'Critical (still open): No tier 1 backup in 47 min');
  assert.equal(notificationFor(event('reminder', 'warning'), 'all')?.urgency, 'normal');
});

test('resolved notices only at level all, with low urgency', () => {
  assert.equal(notificationFor(event('resolved', 'critical'), 'warnings'), null);
  const n = notificationFor(event('resolved', 'critical'), 'all');
  assert.equal(n?.title, 'Resolved: No tier 1 backup in 47 min');
  assert.equal(n?.urgency, 'low');
  assert.equal(n?.alertId, 12);
});

test('a test notification carries the text and no alert', () => {
  assert.deepEqual(testNotification({ title: 'Test', message: 'Hello' }), { title: 'Test', body: 'Hello', urgency: 'normal' });
});

test('level names are checked', () => {
  assert.ok(isNotificationLevel('warnings'));
  assert.ok(!isNotificationLevel('errors'));
  assert.ok(!isNotificationLevel(undefined));
});

const notice = (kind: OffsiteNotice['kind']): OffsiteNotice => ({
  kind, label: kind === 'refused' ? null : 'vault-a', mountPath: '/media/trader/VAULT-A',
  title: `title of ${kind}`, message: `message of ${kind}: run quantai-backup offsite copy`,
});
const OFFSITE_KINDS: OffsiteNotice['kind'][] = ['connected', 'copying', 'copied', 'copy-failed', 'refused'];

test('offsite drive notices: all of them at level all, the engine\'s words unchanged, problems at normal urgency', () => {
  for (const kind of OFFSITE_KINDS) {
    assert.deepEqual(offsiteNotificationFor(notice(kind), 'all'), {
      title: `title of ${kind}`, body: `message of ${kind}: run quantai-backup offsite copy`,
      urgency: kind === 'copy-failed' || kind === 'refused' ? 'normal' : 'low',
    });
  }
});

test('offsite drive notices at level warnings: failures, refusals and "safe to eject" only; off: none', () => {
  const shown = OFFSITE_KINDS.filter((kind) => offsiteNotificationFor(notice(kind), 'warnings') !== null);
  assert.deepEqual(shown, ['copied', 'copy-failed', 'refused']);
  assert.deepEqual(OFFSITE_KINDS.map((kind) => offsiteNotificationFor(notice(kind), 'off')), OFFSITE_KINDS.map(() => null));
});
