/**
 * The config file (config.json in the home folder): what to protect and where.
 * Strict everywhere: an unknown key is an error, so a typo never silently
 * turns a protection off. Defaults follow the backup strategy.
 * Secrets (repository password, cloud keys, channel tokens) are never here.
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { alertsSchema } from './alerts-schema.ts';
import { cloudSchema } from './cloud-schema.ts';
import { desktopSchema } from './desktop-schema.ts';
import { healthSchema } from './health-schema.ts';
import { offsiteSchema } from './offsite-schema.ts';
import { scheduleSchema } from './schedule-schema.ts';
import { verificationSchema } from './verification-schema.ts';
import { retentionSchema } from './retention-schema.ts';
import { replicationSchema } from './replication-schema.ts';

export const DEFAULT_REQUIRED_TABLES = ['trades', 'positions', 'accounts', 'audit_trail'] as const;
export const DEFAULT_EXCLUDES = ['*.tmp', '*.log', 'cache/'] as const;

const absolutePath = z
  .string()
  .min(1, 'must not be empty')
  .refine((p) => isAbsolute(p), 'must be an absolute path');

const tableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain SQL table name');

const databaseSchema = z
  .object({
    path: absolutePath,
    requiredTables: z.array(tableName).min(1).default([...DEFAULT_REQUIRED_TABLES]),
  })
  .strict();

const fileSourceSchema = z
  .object({
    path: absolutePath,
    tier: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(2),
  })
  .strict();

const filesSchema = z
  .object({
    sources: z.array(fileSourceSchema).default([]),
    excludes: z.array(z.string().min(1)).default([...DEFAULT_EXCLUDES]),
  })
  .strict();

const repositorySchema = z
  .object({
    path: absolutePath,
  })
  .strict();

export const configSchema = z
  .object({
    version: z.literal(1).default(1),
    database: databaseSchema.optional(),
    files: filesSchema.default({ sources: [], excludes: [...DEFAULT_EXCLUDES] }),
    repository: repositorySchema,
    schedule: scheduleSchema.prefault({}),
    verification: verificationSchema.prefault({}),
    health: healthSchema.prefault({}),
    alerts: alertsSchema.prefault({}),
    desktop: desktopSchema.prefault({}),
    cloud: cloudSchema.prefault({}),
    retention: retentionSchema.prefault({}),
    offsite: offsiteSchema.prefault({}),
    replication: replicationSchema.prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
