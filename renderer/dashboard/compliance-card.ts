/**
 * The compliance summary: the overall verdict, one line per data class
 * (coverage, gaps, copies), and any deletion before retention end, loudly.
 * The full report is `quantai-backup compliance --html FILE`.
 */
import type { ComplianceClassView, ComplianceSummaryView } from '../../preload/ipc-contract.ts';
import { h } from '../lib/dom.ts';
import { formatTime } from '../lib/format.ts';

const PILL: Record<ComplianceSummaryView['status'], string> = { compliant: 'healthy', attention: 'warning', violation: 'critical' };
const WORDS: Record<ComplianceSummaryView['status'], string> = {
  compliant: 'Retention requirements met',
  attention: 'Retention needs attention',
  violation: 'Retention violated',
};

export function complianceCard(summary: ComplianceSummaryView | null, error: string | null): HTMLElement {
  if (!summary) {
    return h('section', { class: 'panel', 'data-testid': 'compliance', 'data-status': 'unknown' },
      h('h2', {}, 'Compliance'),
      h('p', { class: error ? 'error' : 'empty' }, error ? `The compliance report is not available: ${error}` : 'Loading the compliance report…'),
    );
  }
  const copies = (['local', 'cloud', 'offsite'] as const).map((k) => `${k} ${summary.copies[k] ? '✓' : '✗'}`).join(' · ');
  return h('section', { class: 'panel', 'data-testid': 'compliance', 'data-status': summary.status },
    h('header', { class: 'card-head' },
      h('h2', {}, 'Compliance'),
      h('span', { class: `pill pill-${PILL[summary.status]}`, 'data-testid': 'compliance-status' }, WORDS[summary.status]),
    ),
    summary.earlyDeletions.length === 0
      ? null
      : h('div', { class: 'alert alert-critical', 'data-testid': 'early-deletions' },
        h('div', {},
          h('strong', {}, `${summary.earlyDeletions.length} deletion(s) before retention end`),
          ...summary.earlyDeletions.slice(0, 5).map((line) => h('p', {}, line)),
        )),
    h('table', { class: 'compliance-classes' },
      h('thead', {}, h('tr', {}, ...['Data class', 'Retention', 'Oldest kept', 'Coverage', 'Gap days', 'Copies', 'State'].map((t) => h('th', {}, t)))),
      h('tbody', {}, ...summary.classes.map(classRow)),
    ),
    h('p', { class: 'rpo-text' },
      `Copies: ${copies}. Object Lock: ${summary.objectLock}. Legal holds: ${summary.activeHolds}. `
      + `Operations log: ${summary.log.entries} entries${summary.log.pending > 0 ? `, ${summary.log.pending} not yet in the repository` : ''}. `
      + `Checked ${formatTime(summary.generatedAt)}.`),
  );
}

function classRow(c: ComplianceClassView): HTMLElement {
  return h('tr', { 'data-class': c.name, 'data-status': c.status, title: c.problems.join('; ') },
    h('td', {}, c.name),
    h('td', {}, c.retention),
    h('td', {}, c.oldest ? formatTime(c.oldest) : 'none'),
    h('td', {}, `${c.coveredDays} of ${c.requiredDays} days`),
    h('td', {}, String(c.gapDays)),
    h('td', {}, `${c.copies} of ${c.requiredCopies}`),
    h('td', {}, h('span', { class: `pill pill-${PILL[c.status]}` }, c.status)),
  );
}
