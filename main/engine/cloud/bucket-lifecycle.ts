/**
 * The lifecycle rules `cloud setup` installs. Only pack files (data/) move to
 * colder storage classes: they are the bulk of the bytes and are read only by
 * a restore or a full check. config, keys, index and snapshots stay in
 * Standard, so listing snapshots and planning a restore never wait for a thaw.
 *
 * restic keeps tree packs under data/ too, and every restore reads trees
 * before any file content: so only packs tagged qb-blob-type=data (set on
 * upload, object-policy.ts) go to Glacier and Deep Archive. Tree packs and
 * untagged packs stop at Standard-IA, which reads instantly.
 */
import type { LifecycleRule } from '@aws-sdk/client-s3';
import { prefixedKey } from './bucket-settings.ts';

/** Every pack: Standard-IA at 30 days. */
export const DATA_TIERING_RULE_ID = 'quantai-data-tiering';
/** Data-blob packs only: Glacier at 90 days, Deep Archive at 365. */
export const DATA_ARCHIVE_RULE_ID = 'quantai-data-archive';
export const ABORT_UPLOADS_RULE_ID = 'quantai-abort-incomplete-uploads';
/** The object tag naming a pack's blob type ('data' or 'tree'), set by the mirror on upload. */
export const BLOB_TYPE_TAG = 'qb-blob-type';

export const TIERING_TRANSITIONS = [{ Days: 30, StorageClass: 'STANDARD_IA' }] as const;
export const ARCHIVE_TRANSITIONS = [
  { Days: 90, StorageClass: 'GLACIER' },
  { Days: 365, StorageClass: 'DEEP_ARCHIVE' },
] as const;
/** Standard-IA at 30 days, Glacier (Flexible Retrieval) at 90, Deep Archive at 365. */
export const DATA_TRANSITIONS = [...TIERING_TRANSITIONS, ...ARCHIVE_TRANSITIONS] as const;

/** Days after which an unfinished multipart upload is dropped (the mirror resumes well within this). */
export const ABORT_INCOMPLETE_DAYS = 7;

export function lifecycleRules(prefix: string | undefined): LifecycleRule[] {
  const packs = prefixedKey(prefix, 'data/');
  return [
    {
      ID: DATA_TIERING_RULE_ID,
      Status: 'Enabled',
      Filter: { Prefix: packs },
      Transitions: TIERING_TRANSITIONS.map((t) => ({ Days: t.Days, StorageClass: t.StorageClass })),
    },
    {
      // Where two rules apply to one object S3 takes the colder class: data packs reach Glacier, tree packs stay in IA.
      ID: DATA_ARCHIVE_RULE_ID,
      Status: 'Enabled',
      Filter: { And: { Prefix: packs, Tags: [{ Key: BLOB_TYPE_TAG, Value: 'data' }] } },
      Transitions: ARCHIVE_TRANSITIONS.map((t) => ({ Days: t.Days, StorageClass: t.StorageClass })),
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
