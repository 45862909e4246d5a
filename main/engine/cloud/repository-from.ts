/**
 * Which copy a restore or check reads: the local repository (default) or the
 * cloud bucket, read in place, or an enrolled offsite drive that is mounted
 * (`offsite:<label>`, checked by its UUID and marker like a copy is).
 */
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import { BackupError, ConfigError } from '../errors.ts';
import type { Repository } from '../repo/repository.ts';
import type { DestinationName } from '../verify/destinations.ts';
import { validateDriveLabel } from '../offsite/enrolment.ts';

/** A copy to read: a destination, or one offsite drive by its label (`offsite:<label>`). */
export type FromSource = DestinationName | `offsite:${string}`;

export interface FromOptions {
  /** The copy to read; 'local' when absent; 'offsite' alone: the only enrolled drive mounted. */
  from?: FromSource | undefined;
  /** Cloud only: ask S3 to restore packs frozen in Glacier / Deep Archive. */
  requestThaw?: boolean | undefined;
}

export const READABLE_DESTINATIONS: readonly DestinationName[] = ['local', 'cloud'];

export function parseFrom(value: string | undefined): FromSource {
  if (value === undefined || value === 'local') return 'local';
  if (value === 'cloud') return 'cloud';
  if (value === 'offsite') return 'offsite';
  if (value.startsWith('offsite:')) return `offsite:${validateDriveLabel(value.slice('offsite:'.length))}`;
  throw new ConfigError(`--from must be one of ${READABLE_DESTINATIONS.join(', ')}, offsite or offsite:<label>, not '${value}'`);
}

export function repositoryFrom(ctx: JobContext, config: Config, options: FromOptions): Promise<Repository> {
  const from = options.from ?? 'local';
  if (from === 'local') return ctx.engine.openRepository(config);
  if (from === 'cloud') return ctx.engine.openCloudRepository(config, { requestThaw: options.requestThaw ?? false });
  if (from === 'offsite') return ctx.engine.openOffsiteRepository();
  if (from.startsWith('offsite:')) return ctx.engine.openOffsiteRepository(from.slice('offsite:'.length));
  throw new BackupError('permanent', `reading from '${from}' is not supported yet: use --from local or --from cloud`);
}
