import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig, parseConfig } from '../../../../main/engine/config/load-config.ts';
import { tempDir } from '../../../support/temp-dir.ts';

test('a minimal config gets the strategy defaults', () => {
  const config = parseConfig({ repository: { path: '/srv/repo' }, database: { path: '/data/trading.db' } });
  assert.deepEqual(config.database?.requiredTables, ['trades', 'positions', 'accounts', 'audit_trail']);
  assert.deepEqual(config.files.excludes, ['*.tmp', '*.log', 'cache/']);
  assert.equal(config.version, 1);
});

test('every unknown key and bad value is named in one line', () => {
  assert.throws(
    () => parseConfig({ repository: { path: 'relative/repo' }, databse: {}, files: { sources: [{ path: '/x', tier: 7 }] } }, 'config.json'),
    (err: Error) => {
      assert.equal(err.message.split('\n').length, 1);
      assert.match(err.message, /^config\.json: /);
      assert.match(err.message, /repository\.path: must be an absolute path/);
      assert.match(err.message, /unknown key "databse"/);
      assert.match(err.message, /files\.sources\.0\.tier/);
      return true;
    },
  );
});

test('a nested unknown key is named with its full path', () => {
  assert.throws(() => parseConfig({ repository: { path: '/r', pth: '/x' } }), /unknown key "repository\.pth"/);
});

test('a required table name that is not a plain identifier is refused', () => {
  assert.throws(() => parseConfig({ repository: { path: '/r' }, database: { path: '/d.db', requiredTables: ['trades; DROP'] } }), /database\.requiredTables\.0/);
});

test('loadConfig names a missing file, bad JSON and bad content', async (t) => {
  const dir = tempDir(t);
  await assert.rejects(loadConfig(join(dir, 'config.json')), (err: Error & { kind?: string }) => err.kind === 'not-found' && /quantai-backup init/.test(err.message));
  writeFileSync(join(dir, 'bad.json'), '{ "repository": ');
  await assert.rejects(loadConfig(join(dir, 'bad.json')), /bad\.json is not valid JSON/);
  writeFileSync(join(dir, 'c.json'), JSON.stringify({ repository: { path: '/r' }, schedul: {} }));
  await assert.rejects(loadConfig(join(dir, 'c.json')), /c\.json: unknown key "schedul"/);
});
