import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { META_CONTENT_SECURITY_POLICY } from '../../../main/shell/content-security-policy.ts';

test('the renderer page carries the same policy the shell sends as a header', () => {
  const html = readFileSync(new URL('../../../renderer/index.html', import.meta.url), 'utf8');
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(meta, 'index.html has a CSP meta tag');
  assert.equal(meta[1], META_CONTENT_SECURITY_POLICY);
  assert.match(META_CONTENT_SECURITY_POLICY, /default-src 'none'/);
  assert.doesNotMatch(META_CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval/);
});
