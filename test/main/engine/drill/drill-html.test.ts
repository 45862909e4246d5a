import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DRILL_EVIDENCE_FORMAT, type DrillEvidence } from '../../../../main/engine/drill/drill-evidence.ts';
import { escapeHtml, formatDuration, renderDrillHtml } from '../../../../main/engine/drill/drill-html.ts';

const HOSTILE = `/data/<script>alert("x")</script>&'.csv`;
const SHA = 'ab'.repeat(32);

function evidence(over: Partial<DrillEvidence> = {}): DrillEvidence {
  return {
    format: DRILL_EVIDENCE_FORMAT, ok: true, withinRto: false,
    startedAt: '2026-01-05T03:00:00.000Z', endedAt: '2026-01-05T03:00:04.000Z', durationMs: 4321,
    host: { hostname: 'ws<1>', platform: 'linux', arch: 'x64', release: '6.1' },
    versions: { quantaiBackup: '0.1.0', node: '20.19.0', sqlite: '3.45.0', repositoryFormat: 2 },
    destination: { name: 'local', location: '/mnt/nas/"repo"', repositoryId: 'cd'.repeat(32) },
    checks: [{ name: 'open repository', result: 'pass', detail: '2 snapshot(s)' }],
    database: {
      snapshotId: 'ef'.repeat(32), snapshotTime: '2026-01-05T02:45:00Z', source: '/data/trading.db', tier: 1,
      restoreMs: 1234, rtoMs: 900_000, withinRto: true, size: 3_145_728, sha256: SHA,
      tables: { trades: 5000, positions: 50 }, checks: [{ name: 'integrity_check', result: 'pass', expected: 'ok', actual: 'ok' }],
    },
    files: {
      snapshotId: '12'.repeat(32), snapshotTime: '2026-01-05T02:00:00Z', paths: ['/data'], tier: 2, filesInSnapshot: 40,
      bytesInSnapshot: 1_000_000, sampleRequested: 20,
      sampled: [{ path: HOSTILE, expectedSize: 10, restoredBytes: 10, sha256: SHA, result: 'pass', largest: true }],
      restoreMs: 56, restoredBytes: 10, estimatedFullRestoreMs: 5_600_000, rtoMs: 3_600_000, withinRto: false,
      checks: [{ name: 'sampled files', result: 'pass' }],
    },
    summary: 'the restore drill from local passed', failures: [], binding: { part: 'files', ms: 5_600_000, rtoMs: 3_600_000 },
    ...over,
  };
}

test('escapeHtml escapes every character that can open markup or an attribute', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});

test('the page shows the figures: times against objectives, hashes, row counts', () => {
  const html = renderDrillHtml([evidence()]);
  for (const figure of ['1234 ms', '900000 ms', '1.2 s', '15.0 min', '5600000 ms', '3600000 ms', '1.56 h', SHA, 'trades: 5000', '40 files, 1000000 bytes']) {
    assert.ok(html.includes(figure), `the page shows ${figure}`);
  }
  assert.match(html, /NOT within the recovery-time objectives/);
  assert.match(html, /PASSED/);
});

test('every value is escaped, and the page loads nothing from outside', () => {
  const html = renderDrillHtml([evidence({ ok: false, failures: [`files: ${HOSTILE}: damaged`] })]);
  assert.ok(!html.includes('<script'), 'no script element, not even from a file name');
  assert.ok(html.includes('/data/&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;.csv'), 'the hostile name is shown escaped');
  assert.ok(html.includes('ws&lt;1&gt;'));
  assert.ok(html.includes('/mnt/nas/&quot;repo&quot;'));
  assert.doesNotMatch(html, /https?:\/\/|<link|<img|<iframe|url\(/i);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.match(html, /FAILED/);
});

test('durations read in the unit a person compares', () => {
  assert.deepEqual([950, 12_300, 252_000, 5_400_000].map(formatDuration), ['950 ms', '12.3 s', '4.2 min', '1.50 h']);
});
