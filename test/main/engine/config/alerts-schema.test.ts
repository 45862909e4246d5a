import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLoopbackHost } from '../../../../main/engine/config/alerts-schema.ts';
import { parseConfig } from '../../../../main/engine/config/load-config.ts';

const base = { version: 1, repository: { path: '/mnt/nas/quantai' } };

test('alerts default to the strategy: critical everywhere, warnings to e-mail and desktop, reminders every 4 h', () => {
  const { alerts } = parseConfig(base);
  assert.deepEqual(alerts.routing, { critical: ['email', 'slack', 'sms', 'desktop'], warning: ['email', 'desktop'] });
  assert.equal(alerts.reminderMinutes, 240);
  assert.equal(alerts.desktop, 'all');
  assert.deepEqual([alerts.email.enabled, alerts.slack.enabled, alerts.sms.enabled], [false, false, false]);
  assert.equal(alerts.sms.apiBaseUrl, 'https://api.twilio.com');
  assert.equal(alerts.email.port, 587);
});

test('an enabled channel must name where to send, and every missing setting is named', () => {
  assert.throws(
    () => parseConfig({ ...base, alerts: { email: { enabled: true }, sms: { enabled: true, to: ['555-1234'] } } }),
    (err: Error) => {
      for (const part of ['alerts.email.host', 'alerts.email.from', 'alerts.email.to', 'alerts.sms.accountSid', 'alerts.sms.from', 'alerts.sms.to.0']) {
        assert.match(err.message, new RegExp(part.replace(/\./g, '\\.')), `names ${part}`);
      }
      return true;
    },
  );
});

test('secrets have no place in the config: a password or webhook key is an unknown key', () => {
  assert.throws(() => parseConfig({ ...base, alerts: { slack: { enabled: true, webhookUrl: 'https://hooks.slack.com/services/x' } } }), /unknown key "alerts\.slack\.webhookUrl"/);
  assert.throws(() => parseConfig({ ...base, alerts: { email: { password: 'x' } } }), /unknown key "alerts\.email\.password"/);
  assert.throws(() => parseConfig({ ...base, alerts: { routing: { critical: ['pager'] } } }), /alerts\.routing\.critical\.0/);
  assert.throws(() => parseConfig({ ...base, alerts: { desktop: 'loud' } }), /alerts\.desktop/);
});

test('routing, reminder interval and the Twilio base URL can be changed', () => {
  const { alerts } = parseConfig({
    ...base,
    alerts: { routing: { warning: ['slack'] }, reminderMinutes: 60, sms: { apiBaseUrl: 'http://127.0.0.1:4010/' } },
  });
  assert.deepEqual(alerts.routing.warning, ['slack']);
  assert.deepEqual(alerts.routing.critical, ['email', 'slack', 'sms', 'desktop']);
  assert.equal(alerts.reminderMinutes, 60);
  assert.equal(alerts.sms.apiBaseUrl, 'http://127.0.0.1:4010', 'a trailing slash is dropped');
});

test('the Twilio base URL must be https: plain http only to a loopback host, and the error names the field', () => {
  for (const url of ['http://api.twilio.com', 'http://10.0.0.7:8080', 'http://127.0.0.1.nip.example', 'http://[fd00::2]:4010', 'ftp://api.twilio.com', 'api.twilio.com']) {
    assert.throws(
      () => parseConfig({ ...base, alerts: { sms: { apiBaseUrl: url } } }),
      (err: Error) => {
        assert.match(err.message, /alerts\.sms\.apiBaseUrl: must be an https URL/, url);
        return true;
      },
      url,
    );
  }
  for (const url of ['https://api.twilio.com', 'https://twilio-proxy.quant.example:8443/', 'http://127.0.0.1:4010', 'http://127.8.9.10', 'http://localhost:4010', 'http://[::1]:4010']) {
    assert.equal(parseConfig({ ...base, alerts: { sms: { apiBaseUrl: url } } }).alerts.sms.apiBaseUrl, url.replace(/\/+$/, ''), url);
  }
});

test('loopback hosts are localhost, 127.0.0.0/8 and ::1, and nothing that merely looks like them', () => {
  for (const host of ['localhost', 'LOCALHOST', 'localhost.', '127.0.0.1', '127.255.0.9', '::1', '[::1]']) assert.equal(isLoopbackHost(host), true, host);
  for (const host of ['', '127.0.0.1.evil.example', 'localhost.evil.example', '128.0.0.1', '127.0.0.256', '10.0.0.1', '::2', 'fd00::1', 'api.twilio.com']) assert.equal(isLoopbackHost(host), false, host);
});
