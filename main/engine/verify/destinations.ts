/**
 * The places a repository copy lives. Verification and drills go through this
 * list so cloud and offsite copies join by adding an entry here: each opens
 * its own Repository (a restic repository, whatever the backend).
 */
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import type { Repository } from '../repo/repository.ts';

export type DestinationName = 'local' | 'cloud' | 'offsite';

export interface Destination {
  name: DestinationName;
  /** Where it is, for reports and messages; never contains secrets. */
  location: string;
  open(): Promise<Repository>;
}

export const LOCAL_DESTINATION: DestinationName = 'local';

export function localDestination(ctx: JobContext, config: Config): Destination {
  return { name: LOCAL_DESTINATION, location: config.repository.path, open: () => ctx.engine.openRepository(config) };
}

/** Every destination configured today: the local repository (cloud and offsite are added as they arrive). */
export function configuredDestinations(ctx: JobContext, config: Config): Destination[] {
  return [localDestination(ctx, config)];
}
