import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrustedSender, rendererUrl } from '../../../main/shell/trusted-ipc-sender.ts';

const renderer = rendererUrl('/opt/QuantAI Backup/resources/app/out/renderer/index.html');

test('only the top frame showing our renderer file may call the app API', () => {
  assert.equal(isTrustedSender({ url: renderer.href }, renderer), true);
  assert.equal(isTrustedSender({ url: `${renderer.href}#settings` }, renderer), true, 'hash routing is ours');
  assert.equal(isTrustedSender({ url: renderer.href, parent: { url: renderer.href } }, renderer), false, 'an iframe, even of our file');
  assert.equal(isTrustedSender({ url: 'file:///opt/QuantAI%20Backup/resources/app/out/renderer/other.html' }, renderer), false);
  assert.equal(isTrustedSender({ url: 'file:///tmp/index.html' }, renderer), false);
  assert.equal(isTrustedSender({ url: 'https://example.com/out/renderer/index.html' }, renderer), false);
  assert.equal(isTrustedSender({ url: 'file:///opt/QuantAI%zzBackup/resources/app/out/renderer/index.html' }, renderer), false, 'a malformed escape');
  assert.equal(isTrustedSender({ url: 'not a url' }, renderer), false);
  assert.equal(isTrustedSender(null, renderer), false);
});
