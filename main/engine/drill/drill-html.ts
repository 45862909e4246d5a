/**
 * The drill evidence as a standalone HTML page a person can read, print or
 * attach to an audit: no scripts, no external resources (inline CSS only),
 * and every value from the repository or the host escaped, because file
 * names in a snapshot can contain anything, markup included.
 */
import type { CheckResult } from '../verify/check-result.ts';
import type { DrillEvidence } from './drill-evidence.ts';

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** 950 ms, 12.3 s, 4.2 min, 1.5 h: the unit a reader compares with an objective. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(2)} h`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:70em;color:#1b1f24;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #d0d7de;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f6f8fa}code{font:12px ui-monospace,monospace;word-break:break-all}
.pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}.skipped{color:#6e7781}
.banner{padding:.8em 1em;border-radius:6px;font-size:1.1em}.banner.pass{background:#dafbe1}.banner.fail{background:#ffebe9}
`;

const cell = (value: unknown): string => `<td>${escapeHtml(value)}</td>`;
const codeCell = (value: unknown): string => `<td><code>${escapeHtml(value)}</code></td>`;
const verdict = (r: 'pass' | 'fail' | 'skipped'): string => `<td class="${r}">${r.toUpperCase()}</td>`;
const show = (v: unknown): string => (v === undefined ? '' : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

function checksTable(checks: readonly CheckResult[]): string {
  if (checks.length === 0) return '<p>No checks.</p>';
  const rows = checks.map((c) => `<tr>${cell(c.name)}${verdict(c.result)}${codeCell(show(c.expected))}${codeCell(show(c.actual))}${cell(c.detail ?? '')}</tr>`);
  return `<table><tr><th>check</th><th>result</th><th>expected</th><th>actual</th><th>detail</th></tr>${rows.join('')}</table>`;
}

function timing(label: string, ms: number, rtoMs: number, within: boolean, note = ''): string {
  return `<tr>${cell(label)}<td>${escapeHtml(formatDuration(ms))} (<code>${escapeHtml(ms)} ms</code>)${escapeHtml(note)}</td>`
    + `<td>${escapeHtml(formatDuration(rtoMs))} (<code>${escapeHtml(rtoMs)} ms</code>)</td>${verdict(within ? 'pass' : 'fail')}</tr>`;
}

function section(e: DrillEvidence): string {
  const out: string[] = [];
  const status = e.ok ? 'pass' : 'fail';
  out.push(`<h2>Destination ${escapeHtml(e.destination.name)}: <span class="${status}">${e.ok ? 'PASSED' : 'FAILED'}</span></h2>`);
  out.push('<table>');
  out.push(`<tr><th>location</th>${codeCell(e.destination.location)}</tr>`);
  out.push(`<tr><th>repository id</th>${codeCell(e.destination.repositoryId ?? '(not opened)')}</tr>`);
  out.push(`<tr><th>started</th>${cell(e.startedAt)}</tr><tr><th>ended</th>${cell(e.endedAt)}</tr>`);
  out.push(`<tr><th>drill duration</th>${cell(`${formatDuration(e.durationMs)} (${e.durationMs} ms)`)}</tr>`);
  out.push(`<tr><th>host</th>${cell(`${e.host.hostname} (${e.host.platform} ${e.host.arch}, ${e.host.release})`)}</tr>`);
  out.push(`<tr><th>versions</th>${cell(`QuantAI Backup ${e.versions.quantaiBackup}, Node ${e.versions.node}, SQLite ${e.versions.sqlite}, repository format ${e.versions.repositoryFormat ?? 'unknown'}`)}</tr>`);
  out.push('</table>');
  if (e.failures.length > 0) {
    out.push(`<h3>What failed</h3><ul>${e.failures.map((f) => `<li class="fail">${escapeHtml(f)}</li>`).join('')}</ul>`);
  }
  if (e.database || e.files) {
    out.push('<h3>Recovery time against objectives</h3><table><tr><th>part</th><th>measured</th><th>objective (RTO)</th><th>within</th></tr>');
    if (e.database) out.push(timing(`database (tier ${e.database.tier})`, e.database.restoreMs, e.database.rtoMs, e.database.withinRto));
    if (e.files) out.push(timing(`files (tier ${e.files.tier}), estimated full restore`, e.files.estimatedFullRestoreMs, e.files.rtoMs, e.files.withinRto, `; sample took ${formatDuration(e.files.restoreMs)}`));
    out.push('</table>');
  }
  out.push('<h3>Destination checks</h3>', checksTable(e.checks));
  if (e.database) {
    const d = e.database;
    out.push('<h3>Database</h3><table>');
    out.push(`<tr><th>snapshot</th>${codeCell(d.snapshotId)}</tr><tr><th>taken</th>${cell(d.snapshotTime)}</tr><tr><th>source</th>${codeCell(d.source)}</tr>`);
    out.push(`<tr><th>restored size</th>${cell(d.size === null ? 'not restored' : `${d.size} bytes`)}</tr><tr><th>SHA-256</th>${codeCell(d.sha256 ?? 'not restored')}</tr>`);
    if (d.tables) out.push(`<tr><th>row counts</th>${cell(Object.entries(d.tables).map(([t, n]) => `${t}: ${n}`).join(', '))}</tr>`);
    out.push('</table>', checksTable(d.checks));
  }
  if (e.files) {
    const f = e.files;
    out.push('<h3>Files</h3><table>');
    out.push(`<tr><th>snapshot</th>${codeCell(f.snapshotId)}</tr><tr><th>taken</th>${cell(f.snapshotTime)}</tr><tr><th>paths</th>${codeCell(f.paths.join(', '))}</tr>`);
    out.push(`<tr><th>in the snapshot</th>${cell(`${f.filesInSnapshot} files, ${f.bytesInSnapshot} bytes`)}</tr>`);
    out.push(`<tr><th>sample</th>${cell(`${f.sampled.length} files (the largest plus up to ${f.sampleRequested} at random), ${f.restoredBytes} bytes in ${formatDuration(f.restoreMs)}`)}</tr>`);
    out.push('</table>', checksTable(f.checks));
    if (f.sampled.length > 0) {
      const rows = f.sampled.map((s) => `<tr>${codeCell(s.path)}${cell(s.largest ? 'largest' : 'random')}${cell(s.expectedSize)}${cell(s.restoredBytes)}${codeCell(s.sha256 ?? '')}${verdict(s.result)}${cell(s.detail ?? '')}</tr>`);
      out.push(`<table><tr><th>file</th><th>why</th><th>recorded size</th><th>restored bytes</th><th>SHA-256 of the restored file</th><th>result</th><th>detail</th></tr>${rows.join('')}</table>`);
    }
  }
  return out.join('\n');
}

/** One page for the drill of every destination. */
export function renderDrillHtml(evidence: readonly DrillEvidence[]): string {
  const ok = evidence.length > 0 && evidence.every((e) => e.ok);
  const when = evidence[0]?.startedAt ?? '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Restore drill ${escapeHtml(when)}: ${ok ? 'passed' : 'FAILED'}</title>
<style>${STYLE}</style></head><body>
<h1>QuantAI Backup restore drill</h1>
<p class="banner ${ok ? 'pass' : 'fail'}">${ok ? 'PASSED: everything restored and checked' : 'FAILED: see what failed below'}; ${evidence.every((e) => e.withinRto) ? 'within' : 'NOT within'} the recovery-time objectives. Started ${escapeHtml(when)}.</p>
${evidence.map(section).join('\n')}
</body></html>
`;
}
