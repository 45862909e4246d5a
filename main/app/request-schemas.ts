/**
 * What each method accepts, checked before it runs: requests come from the
 * renderer, which is untrusted. A bad request is refused with kind 'invalid'
 * and the fields named; messages never echo the values (a password could be one).
 */
import { z } from 'zod';
import type { ApiMethodName } from '../../preload/ipc-contract.ts';
import { CHANNEL_NAMES } from '../engine/index.ts';
import { APP_SECRET_NAMES } from './secret-store.ts';

const none = z.union([z.undefined(), z.null()]);
const text = z.string().min(1, 'must not be empty');

export const REQUEST_SCHEMAS: Record<ApiMethodName, z.ZodType> = {
  getState: none,
  backupNow: none,
  runRestoreTest: none,
  cancelJob: z.object({ job: text }).strict(),
  pause: z.object({ until: z.string().nullable(), reason: text }).strict(),
  resume: none,
  listSnapshots: none,
  restoreSnapshot: z
    .object({ snapshotId: text, to: text, include: z.array(text).optional(), force: z.boolean().optional() })
    .strict(),
  listRuns: z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
  listDrills: none,
  getDrillReport: z.object({ id: z.number().int().positive() }).strict(),
  getSettings: none,
  validateSettings: z.object({ config: z.record(z.string(), z.unknown()) }).strict(),
  saveSettings: z.object({ config: z.record(z.string(), z.unknown()) }).strict(),
  setSecret: z.object({ name: z.enum(APP_SECRET_NAMES as [string, ...string[]]), value: text }).strict(),
  sendTestAlert: z.object({ channel: z.enum(CHANNEL_NAMES) }).strict(),
  previewCron: z.object({ expression: z.string(), timezone: text }).strict(),
  runWizard: z
    .object({ repoPath: z.string(), dbPath: z.string().optional(), files: z.array(z.string()).optional(), password: z.string() })
    .strict(),
  openLogs: none,
  getCompliance: none,
};
