/**
 * The `alerts` section of config.json: which channels deliver alerts, to whom,
 * and how often an alert that stays open is repeated. Strict: unknown keys are
 * errors. Channel secrets (SMTP password, Slack webhook URL, Twilio token) are
 * never here: they come from the SecretSource.
 * Use .prefault({}) (not .default) on nested objects so zod 4 fills inner defaults.
 */
import { z } from 'zod';

export const CHANNEL_NAMES = ['email', 'slack', 'sms', 'desktop'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

const channelName = z.enum(CHANNEL_NAMES);
const address = z.string().min(3).refine((s) => s.includes('@'), 'must be an e-mail address');
const phoneNumber = z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'must be a phone number in E.164 form, e.g. +15551234567');

/**
 * True for a host name that can only mean this machine: localhost, 127.0.0.0/8
 * or ::1 (with or without the brackets a URL puts around it). Traffic to it
 * never leaves the machine, so plain http (or SMTP without STARTTLS) there is
 * acceptable for tests and local relays; anything else must be encrypted.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return v4 !== null && v4.slice(1).every((n) => Number(n) <= 255);
}

/**
 * A URL credentials are sent to: https, or http only to a loopback host (a
 * test server or a local proxy), never plain http across the network.
 */
const credentialUrl = z
  .string()
  .refine((s) => {
    try {
      const url = new URL(s);
      if (!/^https?:\/\/[^/]+/i.test(s)) return false;
      return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
    } catch {
      return false;
    }
  }, 'must be an https URL (plain http is allowed only to localhost, 127.0.0.0/8 or ::1, since the credentials would travel in clear)')
  .transform((s) => s.replace(/\/+$/, ''));

const emailSchema = z
  .object({
    enabled: z.boolean().default(false),
    host: z.string().min(1).optional(),
    /**
     * 465 with secure: true (TLS from the start); 587 or 25 with secure: false
     * (STARTTLS when offered; required, with a valid certificate, whenever a
     * username is set, so the password never travels in clear. The one
     * exemption is a loopback host (localhost, 127.0.0.0/8, ::1), whose traffic
     * never leaves the machine).
     */
    port: z.number().int().min(1).max(65535).default(587),
    secure: z.boolean().default(false),
    /** Login name; the password is the secret 'smtp-password'. No username: no login. */
    username: z.string().min(1).optional(),
    from: address.optional(),
    to: z.array(address).default([]),
  })
  .strict()
  .superRefine((email, ctx) => {
    if (!email.enabled) return;
    if (!email.host) ctx.addIssue({ code: 'custom', path: ['host'], message: 'is required when e-mail alerts are enabled' });
    if (!email.from) ctx.addIssue({ code: 'custom', path: ['from'], message: 'is required when e-mail alerts are enabled' });
    if (email.to.length === 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'needs at least one address when e-mail alerts are enabled' });
  });

const slackSchema = z
  .object({
    /** The incoming-webhook URL is the secret 'slack-webhook-url' (it contains the token). */
    enabled: z.boolean().default(false),
  })
  .strict();

const smsSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Twilio account SID (AC...); the auth token is the secret 'twilio-auth-token'. */
    accountSid: z.string().regex(/^[A-Za-z0-9]{8,64}$/, 'must be a Twilio account SID').optional(),
    from: phoneNumber.optional(),
    to: z.array(phoneNumber).default([]),
    /**
     * Twilio's REST API; configurable so tests (or a proxy) can stand in for it.
     * https only (the auth token goes in every request), except http to a loopback host.
     */
    apiBaseUrl: credentialUrl.default('https://api.twilio.com'),
  })
  .strict()
  .superRefine((sms, ctx) => {
    if (!sms.enabled) return;
    if (!sms.accountSid) ctx.addIssue({ code: 'custom', path: ['accountSid'], message: 'is required when SMS alerts are enabled' });
    if (!sms.from) ctx.addIssue({ code: 'custom', path: ['from'], message: 'is required when SMS alerts are enabled' });
    if (sms.to.length === 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'needs at least one number when SMS alerts are enabled' });
  });

/** The strategy's routing: critical alerts go everywhere, warnings to e-mail (and the desktop). */
const routingSchema = z
  .object({
    critical: z.array(channelName).default(['email', 'slack', 'sms', 'desktop']),
    warning: z.array(channelName).default(['email', 'desktop']),
  })
  .strict();

export const alertsSchema = z
  .object({
    email: emailSchema.prefault({}),
    slack: slackSchema.prefault({}),
    sms: smsSchema.prefault({}),
    routing: routingSchema.prefault({}),
    /** An alert still open after this long is sent again (once per interval) until it resolves. */
    reminderMinutes: z.number().int().min(1).max(7 * 24 * 60).default(240),
    /**
     * Desktop notifications: 'all' (problems and their resolution), 'warnings'
     * (problems only: opened and reminders), 'off'.
     */
    desktop: z.enum(['all', 'warnings', 'off']).default('all'),
    /** Longest wait for one channel to accept a message; a channel that does not answer in time is retried later. */
    timeoutSeconds: z.number().positive().max(300).default(30),
  })
  .strict();

export type AlertsConfig = z.infer<typeof alertsSchema>;
