/**
 * The words of every alert notification, in one place so e-mail, Slack, SMS
 * and the desktop say the same thing. Texts come from the condition (which
 * never holds secrets) plus the host name and times.
 */
import { PRODUCT_NAME } from '../home/home-dir.ts';
import type { AlertRecord } from './alert-types.ts';
import type { AlertMessage, ChannelName, MessageKind } from './notifiers/notifier.ts';

export interface MessageContext {
  hostname: string;
  now: Date;
}

const SMS_LIMIT = 300;

function severityLabel(alert: AlertRecord): string {
  return alert.severity === 'critical' ? 'CRITICAL' : 'WARNING';
}

/** "2 h 5 min", "45 min": how long an alert has been open, for reminders and resolutions. */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days ${hours % 24} h`;
}

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 3)}...`;
}

export function composeAlertMessage(kind: Exclude<MessageKind, 'test'>, alert: AlertRecord, ctx: MessageContext): AlertMessage {
  const openFor = formatDuration(ctx.now.getTime() - Date.parse(alert.openedAt));
  const label = severityLabel(alert);
  let subject: string;
  let lead: string;
  if (kind === 'opened') {
    subject = `[${PRODUCT_NAME}] ${label}: ${alert.title}`;
    lead = alert.message;
  } else if (kind === 'reminder') {
    subject = `[${PRODUCT_NAME}] Still ${label} after ${openFor}: ${alert.title}`;
    lead = `${alert.message}\nThis alert has been open for ${openFor}.`;
  } else {
    subject = `[${PRODUCT_NAME}] Resolved: ${alert.title}`;
    lead = `Resolved after ${openFor}: this is no longer the case.\nWas: ${alert.message}`;
  }
  const body = [
    lead,
    '',
    `Host: ${ctx.hostname}`,
    `Alert: ${alert.key} (${alert.severity})`,
    `Opened: ${alert.openedAt}`,
    ...(kind === 'resolved' ? [`Resolved: ${alert.resolvedAt ?? ctx.now.toISOString()}`] : []),
    '',
    kind === 'resolved'
      ? 'Nothing to do.'
      : `For details run \`quantai-backup status\` and \`quantai-backup alerts\` on ${ctx.hostname}, or open the ${PRODUCT_NAME} app.`,
  ].join('\n');
  const shortLead = kind === 'resolved' ? `RESOLVED: ${alert.title}` : kind === 'reminder' ? `STILL ${label} (${openFor}): ${alert.title}` : `${label}: ${alert.title}`;
  const short = clip(`${PRODUCT_NAME} on ${ctx.hostname}: ${shortLead}${kind === 'resolved' ? '' : `. ${alert.message}`}`, SMS_LIMIT);
  return { kind, alert, severity: alert.severity, subject, body, short };
}

export function composeTestMessage(channel: ChannelName, ctx: MessageContext): AlertMessage {
  return {
    kind: 'test',
    alert: null,
    severity: null,
    subject: `[${PRODUCT_NAME}] Test notification (${channel})`,
    body: [
      `This is a test of the ${channel} alert channel of ${PRODUCT_NAME} on ${ctx.hostname}, sent at ${ctx.now.toISOString()}.`,
      'If you can read it, alerts will reach you here.',
    ].join('\n'),
    short: `${PRODUCT_NAME} on ${ctx.hostname}: test message (${channel}). Alerts will reach you here.`,
  };
}
