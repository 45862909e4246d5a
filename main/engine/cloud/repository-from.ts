/**
 * Which copy a restore or check reads: the local repository (default) or the
 * cloud bucket, read in place. The offsite drives join when their tier exists.
 */
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import { BackupError, ConfigError } from '../errors.ts';
import type { Repository } from '../repo/repository.ts';
import type { DestinationName } from '../verify/destinations.ts';

export interface FromOptions {
  /** The copy to read; 'local' when absent. */
  from?: DestinationName | undefined;
  /** Cloud only: ask S3 to restore packs frozen in Glacier / Deep Archive. */
  requestThaw?: boolean | undefined;
}

export const READABLE_DESTINATIONS: readonly DestinationName[] = ['local', 'cloud'];

export function parseFrom(value: string | undefined): DestinationName {
  if (value === undefined || value === 'local') return 'local';
  if (value === 'cloud') return 'cloud';
  throw new ConfigError(`--from must be one of ${READABLE_DESTINATIONS.join(', ')}, not '${value}'`);
}

export function repositoryFrom(ctx: JobContext, config: Config, options: FromOptions): Promise<Repository> {
  const from = options.from ?? 'local';
  if (from === 'local') return ctx.engine.openRepository(config);
  if (from === 'cloud') return ctx.engine.openCloudRepository(config, { requestThaw: options.requestThaw ?? false });
  throw new BackupError('permanent', `reading from '${from}' is not supported yet: use --from local or --from cloud`);
}
