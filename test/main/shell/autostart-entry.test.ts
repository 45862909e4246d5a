import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autostartEntry } from '../../../main/shell/autostart-entry.ts';
import { parseConfig } from '../../../main/engine/config/load-config.ts';

test('the Linux autostart entry quotes the executable path as the Desktop Entry spec asks', () => {
  const entry = autostartEntry('/opt/Quant AI/app "x"/$bin');
  assert.match(entry, /^\[Desktop Entry\]\n/);
  assert.ok(entry.includes('Exec="/opt/Quant AI/app \\"x\\"/\\$bin" --hidden\n'), entry);
});

test('launch at login is on by default and a setting in config.json', () => {
  assert.equal(parseConfig({ repository: { path: '/r' } }).desktop.launchAtLogin, true);
  assert.equal(parseConfig({ repository: { path: '/r' }, desktop: { launchAtLogin: false } }).desktop.launchAtLogin, false);
  assert.throws(() => parseConfig({ repository: { path: '/r' }, desktop: { launchAtlogin: false } }), /unknown key "desktop.launchAtlogin"/);
});
