/**
 * A job's schedule: enabled box, cron expression, and a live preview of the
 * next runs in the schedule's time zone (previewCron), so a typo shows at
 * once, in words, next to the field.
 */
import { api, call, messageOf } from '../lib/api.ts';
import { h, replaceChildren } from '../lib/dom.ts';
import { getPath, setPath } from './config-path.ts';
import type { Draft } from './config-path.ts';

const DEFAULT_CRONS: Record<string, string> = {
  snapshot: '*/15 * * * *', backup: '0 * * * *', full: '0 1 * * 0', cloud: '0 2 * * *',
  offsite: '0 3 1 * *', verify: '0 6 * * *', retention: '30 4 * * *', drill: '0 5 2 * *',
};
export const JOB_NAMES = Object.keys(DEFAULT_CRONS);

export function cronField(draft: Draft, job: string, timezone: () => string, onChange: () => void): HTMLElement {
  const path = `schedule.jobs.${job}.cron`;
  const id = `f-${path.replace(/\./g, '-')}`;
  const current = getPath(draft, path);
  const input = h('input', { id, type: 'text', class: 'mono', spellcheck: 'false', value: typeof current === 'string' ? current : DEFAULT_CRONS[job] ?? '' });
  const enabledValue = getPath(draft, `schedule.jobs.${job}.enabled`);
  const enabled = h('input', { type: 'checkbox', checked: enabledValue !== false, 'aria-label': `${job} enabled` });
  const preview = h('small', { class: 'cron-preview', 'data-testid': `cron-preview-${job}` });
  let timer: number | undefined;
  let sequence = 0;
  const refresh = (): void => {
    const mine = ++sequence;
    call(api().previewCron({ expression: input.value, timezone: timezone() }))
      .then((result) => {
        if (mine !== sequence) return;
        preview.classList.toggle('bad', !result.valid);
        replaceChildren(preview, result.valid ? `Next: ${result.next.slice(0, 3).map((iso) => short(iso, timezone())).join(' · ')} (${timezone()})` : `Invalid: ${result.error ?? 'not a cron expression'}`);
      })
      .catch((error: unknown) => { if (mine === sequence) replaceChildren(preview, messageOf(error)); });
  };
  input.addEventListener('input', () => {
    setPath(draft, path, input.value.trim());
    onChange();
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 200);
  });
  enabled.addEventListener('change', () => {
    setPath(draft, `schedule.jobs.${job}.enabled`, enabled.checked);
    onChange();
  });
  refresh();
  return h('div', { class: 'field cron', 'data-field': path, 'data-label': `${job} schedule` },
    h('label', { for: id }, enabled, ` ${job}`),
    input,
    preview,
  );
}

/** "Mon, Mar 9, 14:15" in the schedule's zone (named once after the list), as the scheduler sees it. */
function short(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions = { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };
  try {
    return date.toLocaleString(undefined, { ...options, timeZone });
  } catch (error) {
    // An unknown zone is the time-zone field's error, shown there; show local time meanwhile.
    if (!(error instanceof RangeError)) throw error;
    return date.toLocaleString(undefined, options);
  }
}
