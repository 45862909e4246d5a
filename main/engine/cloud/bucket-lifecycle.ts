/**
 * The lifecycle rules `cloud setup` installs. Only pack files (data/) move to
 * colder storage classes: they are the bulk of the bytes and are read only by
 * a restore or a full check. config, keys, index and snapshots stay in
 * Standard, so listing snapshots and planning a restore never wait for a thaw;
 * only the packs a restore reads do.
 */
import type { LifecycleRule } from '@aws-sdk/client-s3';
import { prefixedKey } from './bucket-settings.ts';

export const DATA_TIERING_RULE_ID = 'quantai-data-tiering';
export const ABORT_UPLOADS_RULE_ID = 'quantai-abort-incomplete-uploads';

/** Standard-IA at 30 days, Glacier (Flexible Retrieval) at 90, Deep Archive at 365. */
export const DATA_TRANSITIONS = [
  { Days: 30, StorageClass: 'STANDARD_IA' },
  { Days: 90, StorageClass: 'GLACIER' },
  { Days: 365, StorageClass: 'DEEP_ARCHIVE' },
] as const;

/** Days after which an unfinished multipart upload is dropped (the mirror resumes well within this). */
export const ABORT_INCOMPLETE_DAYS = 7;

export function lifecycleRules(prefix: string | undefined): LifecycleRule[] {
  return [
    {
      ID: DATA_TIERING_RULE_ID,
      Status: 'Enabled',
      Filter: { Prefix: prefixedKey(prefix, 'data/') },
      Transitions: DATA_TRANSITIONS.map((t) => ({ Days: t.Days, StorageClass: t.StorageClass })),
    },
    {
      // Parts of an interrupted upload are billed yet invisible: clean them up.
      ID: ABORT_UPLOADS_RULE_ID,
      Status: 'Enabled',
      Filter: { Prefix: prefixedKey(prefix, '') },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: ABORT_INCOMPLETE_DAYS },
    },
  ];
}
