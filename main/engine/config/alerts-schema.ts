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
const httpUrl = z
  .string()
  .refine((s) => /^https?:\/\/[^/]+/.test(s), 'must be an http(s) URL')
  .transform((s) => s.replace(/\/+$/, ''));

const emailSchema = z
  .object({
    enabled: z.boolean().default(false),
    host: z.string().min(1).optional(),
    /** 465 with secure: true (TLS from the start); 587 or 25 with secure: false (STARTTLS when offered). */
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
    /** Twilio's REST API; configurable so tests (or a proxy) can stand in for it. */
    apiBaseUrl: httpUrl.default('https://api.twilio.com'),
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
