/** The settings form's sections, each a plain function of the draft config. */
import type { SecretName, SettingsView } from '../../preload/ipc-contract.ts';
import { api, call, messageOf } from '../lib/api.ts';
import { h } from '../lib/dom.ts';
import type { Child } from '../lib/dom.ts';
import { showNotice } from '../lib/notice.ts';
import { getPath } from './config-path.ts';
import type { Draft } from './config-path.ts';
import { JOB_NAMES, cronField } from './cron-field.ts';
import { checkField, selectField, textField } from './field.ts';
import { listEditor } from './list-editor.ts';
import { secretField } from './secret-field.ts';

export interface SectionContext {
  draft: Draft;
  secrets: SettingsView['secretsSet'];
  changed: () => void;
}

function section(title: string, id: string, ...children: Child[]): HTMLElement {
  return h('fieldset', { class: 'section', id: `section-${id}` }, h('legend', {}, title), ...children);
}

export function databaseSection(c: SectionContext): HTMLElement {
  return section('Trading database', 'database',
    textField(c.draft, 'database.path', 'Database file', { kind: 'optional-text', placeholder: '/data/trading.db', hint: 'The live SQLite database; copied consistently while the trading process writes.', onChange: c.changed }),
    textField(c.draft, 'database.requiredTables', 'Required tables', { kind: 'comma', placeholder: 'trades, positions, accounts, audit_trail', hint: 'A snapshot missing one of these is refused.', onChange: c.changed }),
  );
}

export function filesSection(c: SectionContext): HTMLElement {
  return section('Folders', 'files',
    listEditor(c.draft, {
      path: 'files.sources', label: 'File sources', addLabel: 'Add folder', empty: 'No folders are backed up.',
      make: () => ({ path: '', tier: 2 }), onChange: c.changed,
      row: (p) => [
        textField(c.draft, `${p}.path`, 'Folder', { placeholder: '/home/trader/research', onChange: c.changed }),
        selectField(c.draft, `${p}.tier`, 'Tier', [{ value: 1, text: '1 · critical' }, { value: 2, text: '2 · important' }, { value: 3, text: '3 · standard' }], c.changed),
      ],
    }),
    textField(c.draft, 'files.excludes', 'Excludes', { kind: 'lines', placeholder: '*.tmp', hint: 'One pattern per line.', onChange: c.changed }),
  );
}

export function repositorySection(c: SectionContext): HTMLElement {
  return section('Repository', 'repository',
    textField(c.draft, 'repository.path', 'Local repository folder', { placeholder: '/mnt/nas/quantai-backup', hint: 'A restic (format 2) repository on a disk or NAS.', onChange: c.changed }),
    secretField('repository-password', 'Repository password', c.secrets['repository-password']),
  );
}

export function scheduleSection(c: SectionContext): HTMLElement {
  const timezone = (): string => {
    const zone = getPath(c.draft, 'schedule.timezone');
    return typeof zone === 'string' && zone !== '' ? zone : 'America/New_York';
  };
  return section('Schedule', 'schedule',
    textField(c.draft, 'schedule.timezone', 'Time zone', { kind: 'optional-text', placeholder: 'America/New_York', hint: 'The exchange clock the schedule and blackouts use.', onChange: c.changed }),
    h('div', { class: 'cron-grid' }, ...JOB_NAMES.map((job) => cronField(c.draft, job, timezone, c.changed))),
    listEditor(c.draft, {
      path: 'schedule.blackouts', label: 'Blackout windows', addLabel: 'Add blackout', empty: 'No blackout: heavy jobs may run at any time.',
      make: () => ({ name: '', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:30', end: '16:00' }), onChange: c.changed,
      row: (p) => [
        textField(c.draft, `${p}.name`, 'Name', { placeholder: 'market hours', onChange: c.changed }),
        textField(c.draft, `${p}.days`, 'Days', { kind: 'comma', placeholder: 'mon, tue, wed', onChange: c.changed }),
        textField(c.draft, `${p}.start`, 'From', { placeholder: '09:30', onChange: c.changed }),
        textField(c.draft, `${p}.end`, 'Until', { placeholder: '16:00', onChange: c.changed }),
      ],
    }),
  );
}

export function desktopSection(c: SectionContext): HTMLElement {
  return section('Desktop app', 'desktop',
    checkField(c.draft, 'desktop.launchAtLogin', 'Start QuantAI Backup when I log in', c.changed, true),
    h('p', { class: 'note' }, 'Backups run only while the app (or `quantai-backup daemon`) runs.'),
  );
}

export function retentionSection(): HTMLElement {
  return section('Retention', 'retention',
    h('p', { class: 'note' }, 'Retention (7 years for tier 1, 2 years for tier 2, 30 days for tier 3) is applied by the retention job; its settings arrive in a later version. Nothing is deleted until then.'),
  );
}

export function alertsSection(c: SectionContext): HTMLElement {
  return section('Alert channels', 'alerts',
    channel('E-mail', 'email',
      checkField(c.draft, 'alerts.email.enabled', 'Send e-mail alerts', c.changed),
      textField(c.draft, 'alerts.email.host', 'SMTP server', { kind: 'optional-text', placeholder: 'smtp.example.com', onChange: c.changed }),
      textField(c.draft, 'alerts.email.port', 'Port', { kind: 'number', placeholder: '587', onChange: c.changed }),
      checkField(c.draft, 'alerts.email.secure', 'TLS from the start (port 465)', c.changed),
      textField(c.draft, 'alerts.email.username', 'Login name', { kind: 'optional-text', onChange: c.changed }),
      textField(c.draft, 'alerts.email.from', 'From', { kind: 'optional-text', placeholder: 'backup@example.com', onChange: c.changed }),
      textField(c.draft, 'alerts.email.to', 'To', { kind: 'comma', placeholder: 'ops@example.com, me@example.com', onChange: c.changed }),
      secretField('smtp-password', 'SMTP password', c.secrets['smtp-password']),
    ),
    channel('Slack', 'slack',
      checkField(c.draft, 'alerts.slack.enabled', 'Send Slack alerts', c.changed),
      secretField('slack-webhook-url', 'Slack webhook URL', c.secrets['slack-webhook-url']),
    ),
    channel('SMS (Twilio)', 'sms',
      checkField(c.draft, 'alerts.sms.enabled', 'Send SMS alerts', c.changed),
      textField(c.draft, 'alerts.sms.accountSid', 'Account SID', { kind: 'optional-text', onChange: c.changed }),
      textField(c.draft, 'alerts.sms.from', 'From number', { kind: 'optional-text', placeholder: '+15551234567', onChange: c.changed }),
      textField(c.draft, 'alerts.sms.to', 'To numbers', { kind: 'comma', placeholder: '+15557654321', onChange: c.changed }),
      secretField('twilio-auth-token' satisfies SecretName, 'Twilio auth token', c.secrets['twilio-auth-token']),
    ),
    channel('Desktop notifications', 'desktop'),
  );
}

function channel(title: string, name: 'email' | 'slack' | 'sms' | 'desktop', ...fields: Child[]): HTMLElement {
  const test = h('button', { type: 'button', class: 'small secondary', 'data-action': `test-${name}` }, 'Send test');
  test.addEventListener('click', () => {
    test.disabled = true;
    showNotice(`Sending a test through ${title}… (uses the saved settings)`);
    call(api().sendTestAlert({ channel: name }))
      .then(() => showNotice(`${title}: the test message was accepted.`, 'success'))
      .catch((error: unknown) => showNotice(`${title}: ${messageOf(error)}`, 'error'))
      .finally(() => { test.disabled = false; });
  });
  return h('div', { class: 'channel', 'data-channel': name }, h('div', { class: 'channel-head' }, h('h3', {}, title), test), ...fields);
}
