/**
 * The places a repository copy lives. Verification and drills go through this
 * list so cloud and offsite copies join by adding an entry here: each opens
 * its own Repository (a restic repository, whatever the backend).
 */
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import type { Repository } from '../repo/repository.ts';
import { bucketLocation } from '../cloud/bucket-settings.ts';
import { mountedDrivesNow } from '../offsite/offsite-destination.ts';
import type { MountedDrive } from '../offsite/mounted-drives.ts';

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

/** The S3 copy, read in place (a drill from it fails with the thaw line while packs are frozen in Glacier). */
export function cloudDestination(ctx: JobContext, config: Config): Destination {
  return { name: 'cloud', location: bucketLocation({ ...config.cloud, bucket: config.cloud.bucket ?? '' }), open: () => ctx.engine.openCloudRepository(config) };
}

/** One enrolled offsite drive, mounted now and identified by UUID and marker. */
export function offsiteDestination(ctx: JobContext, mounted: MountedDrive): Destination {
  return { name: 'offsite', location: `offsite:${mounted.drive.label} (${mounted.repositoryPath})`, open: () => ctx.engine.openOffsiteRepository(mounted.drive.label) };
}

/**
 * Every destination configured today: the local repository, the cloud bucket
 * when enabled, and each enrolled offsite drive that is mounted right now (a
 * drive in the vault is not a failed drill).
 */
export function configuredDestinations(ctx: JobContext, config: Config): Destination[] {
  return [
    localDestination(ctx, config),
    ...(config.cloud.enabled && config.cloud.bucket ? [cloudDestination(ctx, config)] : []),
    ...mountedDrivesNow(ctx.catalog, ctx.logger).map((m) => offsiteDestination(ctx, m)),
  ];
}
