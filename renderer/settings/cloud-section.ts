/**
 * The cloud tier in Settings: where the bucket is, and the two S3 keys. The
 * keys are secrets like the alert tokens (stored in the OS keychain, never in
 * config.json); left unset, the AWS credential chain (environment, profiles,
 * SSO) is used. Replica, lifecycle and Object Lock stay in config.json and
 * `quantai-backup cloud setup`: they are set once, by someone with the rights.
 */
import { h } from '../lib/dom.ts';
import { checkField, textField } from './field.ts';
import { secretField } from './secret-field.ts';
import type { SectionContext } from './settings-sections.ts';

export function cloudSection(c: SectionContext): HTMLElement {
  return h('fieldset', { class: 'section', id: 'section-cloud' }, h('legend', {}, 'Cloud copy (S3)'),
    checkField(c.draft, 'cloud.enabled', 'Mirror the repository to S3', c.changed),
    textField(c.draft, 'cloud.bucket', 'Bucket', { kind: 'optional-text', placeholder: 'trading-backups', onChange: c.changed }),
    textField(c.draft, 'cloud.region', 'Region', { placeholder: 'us-east-1', onChange: c.changed }),
    textField(c.draft, 'cloud.prefix', 'Folder in the bucket', { placeholder: 'quantai-backup', onChange: c.changed }),
    textField(c.draft, 'cloud.endpoint', 'Endpoint (S3-compatible stores only)', { kind: 'optional-text', placeholder: 'https://s3.wasabisys.com', onChange: c.changed }),
    checkField(c.draft, 'cloud.forcePathStyle', 'Path-style URLs (MinIO, most S3-compatible stores)', c.changed),
    h('p', { class: 'note' }, 'Leave both keys unset to use the AWS credential chain (environment, shared profiles, SSO).'),
    secretField('s3-access-key-id', 'S3 access key ID', c.secrets['s3-access-key-id']),
    secretField('s3-secret-access-key', 'S3 secret access key', c.secrets['s3-secret-access-key']),
  );
}
