/** The HTML report is one self-contained page and never turns data into markup. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { complianceHtml } from '../../../../main/engine/compliance/compliance-html.ts';
import type { ComplianceReport } from '../../../../main/engine/compliance/compliance-report.ts';

const copy = { configured: true, current: true, lastCopyAt: null, lastVerifiedAt: null, detail: '/srv/<repo>' };

test('text from holds, deletions and classes is escaped; no script, stylesheet link or remote resource', () => {
  const report: ComplianceReport = {
    generatedAt: '2026-11-27T18:00:00.000Z', timeZone: 'America/New_York', repositoryId: 'ab'.repeat(32), status: 'violation',
    classes: [{
      name: 'trade-records', description: 'd', retention: '7y', retentionDays: 2557, policy: { keepWithin: '48h' }, snapshots: 2,
      oldest: null, newest: null, firstBackup: null,
      coverage: { requiredFrom: null, requiredDays: 3, coveredDays: 3, ok: true, problem: null, gapDays: 0, gaps: [] },
      requiredCopies: 3, copies: 1, copiesMet: false, heldSnapshots: 0, status: 'attention', problems: ['<b>1 current copies</b>'],
    }],
    unclassifiedSnapshots: 0,
    copies: { local: copy, cloud: { ...copy, configured: false, current: false }, offsite: { ...copy, configured: false, current: false }, count: 1 },
    objectLock: { configured: false, mode: null, years: null, note: 'no cloud copy configured' },
    holds: [{ id: 3, since: '2026-11-01', scope: 'class trade-records', reason: '<script>alert(1)</script> SEC "inquiry" & co' }],
    earlyDeletions: [{ seq: 9, forgottenAt: '', snapshotId: 'x', snapshotTime: '', className: null, retentionEnd: null, message: 'snapshot <img src=x onerror=alert(1)>' }],
    log: { entries: 9, flushedThrough: 9, pending: 0 },
  };
  const html = complianceHtml(report);
  assert.match(html, /^<!doctype html>/);
  assert.doesNotMatch(html, /<script|<img|<b>|<link|https?:\/\//);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt; SEC &quot;inquiry&quot; &amp; co/);
  assert.match(html, /snapshot &lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(html, /Overall: VIOLATION/);
});
