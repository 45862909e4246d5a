import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultHomeDir, resolveHomeDir } from '../../../../main/engine/home/home-dir.ts';

test('the default home is the folder Electron uses as userData for our product name', () => {
  assert.equal(defaultHomeDir('linux', {}, '/home/t'), '/home/t/.config/QuantAI Backup');
  assert.equal(defaultHomeDir('linux', { XDG_CONFIG_HOME: '/x' }, '/home/t'), '/x/QuantAI Backup');
  assert.equal(defaultHomeDir('darwin', {}, '/Users/t'), '/Users/t/Library/Application Support/QuantAI Backup');
  assert.match(defaultHomeDir('win32', { APPDATA: 'C:\\Users\\t\\AppData\\Roaming' }, 'C:\\Users\\t'), /Roaming.QuantAI Backup$/);
});

test('--home wins over QUANTAI_BACKUP_HOME, which wins over the default', () => {
  assert.equal(resolveHomeDir('/flag', { QUANTAI_BACKUP_HOME: '/env' }), '/flag');
  assert.equal(resolveHomeDir(undefined, { QUANTAI_BACKUP_HOME: '/env' }), '/env');
});
