/**
 * The compliance report as one self-contained HTML page (inline CSS, no
 * scripts, no external resources); every text from data is escaped.
 */
import type { ComplianceReport } from './compliance-report.ts';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const cell = (value: unknown): string => `<td>${escapeHtml(value === null || value === undefined ? '—' : String(value))}</td>`;

export function complianceHtml(r: ComplianceReport): string {
  const classRows = r.classes.map((c) => `<tr class="${c.status}">${[
    c.name, c.retention, c.snapshots, c.oldest?.slice(0, 10), c.firstBackup?.slice(0, 10),
    `${c.coverage.coveredDays} / ${c.coverage.requiredDays} days`, c.coverage.gapDays, `${c.copies} / ${c.requiredCopies}`,
    c.heldSnapshots, c.status, c.problems.join('; '),
  ].map(cell).join('')}</tr>`).join('\n');
  const deletions = r.earlyDeletions.length === 0
    ? '<p>None found in the operations log.</p>'
    : `<ul class="violation">${r.earlyDeletions.map((d) => `<li>${escapeHtml(d.message)}</li>`).join('')}</ul>`;
  const holds = r.holds.length === 0
    ? '<p>No active legal hold.</p>'
    : `<ul>${r.holds.map((h) => `<li>#${h.id} since ${escapeHtml(h.since)}: ${escapeHtml(h.scope)} — ${escapeHtml(h.reason)}</li>`).join('')}</ul>`;
  const copyRow = (name: string, c: ComplianceReport['copies']['local']): string =>
    `<tr>${[name, c.configured ? 'yes' : 'no', c.current ? 'yes' : 'no', c.lastCopyAt, c.lastVerifiedAt, c.detail].map(cell).join('')}</tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>QuantAI Backup compliance report</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #bbb;padding:4px 8px;text-align:left;font-size:14px}th{background:#eee}
.violation{background:#fde2e2;color:#8a1010;font-weight:bold}.attention{background:#fff4d6}.compliant{background:#e6f6e6}
</style></head><body>
<h1>Compliance report</h1>
<p class="${r.status}">Overall: ${escapeHtml(r.status.toUpperCase())}</p>
<p>Generated ${escapeHtml(r.generatedAt)} (time zone ${escapeHtml(r.timeZone)}), repository ${escapeHtml(r.repositoryId.slice(0, 16))}.</p>
<h2>Data classes</h2>
<table><tr><th>class</th><th>retention</th><th>snapshots</th><th>oldest retained</th><th>first backup</th><th>coverage</th><th>gap days</th><th>copies</th><th>held</th><th>status</th><th>problems</th></tr>
${classRows}
</table>
<p>Unclassified snapshots (kept, never forgotten): ${r.unclassifiedSnapshots}</p>
<h2>Deletions before retention end</h2>
${deletions}
<h2>Copies (3-2-1)</h2>
<table><tr><th>tier</th><th>configured</th><th>current</th><th>last copy</th><th>last verified</th><th>detail</th></tr>
${copyRow('local', r.copies.local)}
${copyRow('cloud', r.copies.cloud)}
${copyRow('offsite', r.copies.offsite)}
</table>
<h2>Object Lock</h2><p>${escapeHtml(r.objectLock.note)}</p>
<h2>Legal holds</h2>
${holds}
<h2>Operations log</h2>
<p>${r.log.entries} entries; in the repository through entry ${r.log.flushedThrough}; ${r.log.pending} waiting for the next flush. Check the chain with <code>quantai-backup compliance verify-log</code>.</p>
</body></html>
`;
}
