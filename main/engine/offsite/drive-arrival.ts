/**
 * What happens when a volume is connected: if it is an enrolled offsite drive
 * (identity checked by scanDrives: UUID and marker) and the rotation says a
 * copy is due, the offsite job is queued through the scheduler, and the user
 * is told "connected: copying", then "done: safe to eject". A look-alike
 * drive is reported and never written to.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { Clock } from '../clock.ts';
import type { OffsiteConfig } from '../config/offsite-schema.ts';
import type { EngineEvents, JobFinished } from '../engine-events.ts';
import { describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { scanDrives, type DriveScan } from './mounted-drives.ts';
import { readDriveFacts } from './offsite-movements.ts';
import { OffsiteStore } from './offsite-store.ts';
import { MountWatcher, type MountChange, type MountLister } from './mount-watch.ts';
import { copyDue } from './rotation.ts';

/** For a desktop notification (the shell shows these; the daemon logs them). */
export interface OffsiteNotice {
  kind: 'connected' | 'copying' | 'copied' | 'copy-failed' | 'refused';
  label: string | null;
  mountPath: string | null;
  title: string;
  message: string;
}

export interface DriveArrivalDeps {
  catalog: Catalog;
  clock: Clock;
  logger: Logger;
  events: EngineEvents;
  /** The current `offsite` config section (re-read per arrival, so a settings change applies). */
  config: () => Promise<OffsiteConfig>;
  /** Queues the offsite job (the scheduler's run-now); coalesces with one already queued or running. */
  runOffsite: () => 'queued' | 'coalesced' | 'closed';
  scan?: (store: OffsiteStore) => Promise<DriveScan>;
}

export class DriveArrivals {
  private readonly deps: DriveArrivalDeps;
  /** Drives connected for the copy now queued or running: told "done" when the job ends. */
  private readonly waiting = new Map<string, string>();

  constructor(deps: DriveArrivalDeps) {
    this.deps = deps;
  }

  async handle(change: MountChange): Promise<void> {
    if (change.appeared.length === 0) return;
    const store = new OffsiteStore(this.deps.catalog);
    // Nothing enrolled: no need to ask the system for UUIDs at every mount.
    if (store.drives().length === 0) return;
    const appeared = new Set(change.appeared.map((m) => m.path));
    const scan = await (this.deps.scan ?? ((s: OffsiteStore) => scanDrives(s)))(store);
    for (const refused of scan.refused) {
      if (!appeared.has(refused.mountPath)) continue;
      this.notify({ kind: 'refused', label: null, mountPath: refused.mountPath, title: 'Drive not used for offsite copies', message: refused.reason }, 'warning');
    }
    const arrived = scan.mounted.filter((m) => appeared.has(m.mountPath));
    if (arrived.length === 0) return;
    const config = await this.deps.config();
    const now = this.deps.clock.now();
    const due = copyDue(readDriveFacts(this.deps.catalog), now, config);
    for (const { drive, mountPath } of arrived) {
      if (!due.due) {
        this.notify({
          kind: 'connected', label: drive.label, mountPath,
          title: `Offsite drive ${drive.label} connected`,
          message: `Offsite drive '${drive.label}' is connected at ${mountPath}; no copy is due (the next one is due ${due.dueAt ?? 'when a drive is enrolled'}). Run \`quantai-backup offsite copy\` to copy anyway.`,
        }, 'info');
        continue;
      }
      if (!config.copyOnConnect) {
        this.notify({
          kind: 'connected', label: drive.label, mountPath,
          title: `Offsite drive ${drive.label} connected: copy due`,
          message: `Offsite drive '${drive.label}' is connected at ${mountPath} and a copy is due; automatic copies are off (offsite.copyOnConnect), so run \`quantai-backup offsite copy\`.`,
        }, 'info');
        continue;
      }
      const queued = this.deps.runOffsite();
      if (queued === 'closed') return;
      this.waiting.set(drive.label, mountPath);
      this.notify({
        kind: 'copying', label: drive.label, mountPath,
        title: `Offsite drive ${drive.label} connected: copying`,
        message: `Offsite drive '${drive.label}' is connected at ${mountPath} and a copy is due: copying now. Do not unplug it until told it is safe to eject.`,
      }, 'info');
    }
  }

  /** Called for every finished job; only the offsite copy started for a connected drive is reported. */
  readonly jobFinished = (finished: JobFinished): void => {
    if (finished.job !== 'offsite' || this.waiting.size === 0) return;
    const drives = [...this.waiting.entries()];
    this.waiting.clear();
    for (const [label, mountPath] of drives) {
      if (finished.result === 'success' || finished.result === 'warning') {
        this.notify({
          kind: 'copied', label, mountPath,
          title: `Offsite copy to ${label} done: safe to eject`,
          message: `The offsite copy to drive '${label}' finished${finished.result === 'warning' ? ' with warnings' : ''}: eject it with \`quantai-backup offsite eject ${label}\`, then take it offsite and record that with \`quantai-backup offsite checkout ${label}\`.`,
        }, 'info');
      } else {
        this.notify({
          kind: 'copy-failed', label, mountPath,
          title: `Offsite copy to ${label} failed`,
          message: `The offsite copy to drive '${label}' ${finished.result === 'skipped' ? 'was skipped' : 'failed'}${finished.errorMessage ? `: ${finished.errorMessage}` : ''}. Keep the drive connected and run \`quantai-backup offsite copy\` to retry.`,
        }, 'warning');
      }
    }
  };

  private notify(notice: OffsiteNotice, level: 'info' | 'warning'): void {
    this.deps.logger.log(level === 'warning' ? 'warn' : 'info', notice.message);
    this.deps.catalog.addEvent({
      time: this.deps.clock.now().toISOString(), level, type: `offsite-${notice.kind}`, message: notice.message,
      data: { label: notice.label, mountPath: notice.mountPath },
    });
    this.deps.events.emit('offsite-drive', notice);
  }
}

export interface DriveWatchOptions {
  list?: MountLister;
  intervalMs?: number;
  scan?: DriveArrivalDeps['scan'];
}

export interface DriveWatch {
  stop(): Promise<void>;
}

/** Starts watching the mounted volumes for enrolled drives (the scheduler host runs this). */
export function watchOffsiteDrives(deps: DriveArrivalDeps, intervalSeconds: number, options: DriveWatchOptions = {}): DriveWatch {
  const arrivals = new DriveArrivals({ ...deps, ...(options.scan ? { scan: options.scan } : {}) });
  const watcher = new MountWatcher({
    intervalMs: options.intervalMs ?? intervalSeconds * 1000,
    logger: deps.logger,
    ...(options.list ? { list: options.list } : {}),
    onChange: (change) => arrivals.handle(change).catch((err: unknown) => {
      deps.logger.log('warn', `cannot identify the connected drive: ${describeError(err)}`);
    }),
  });
  deps.events.on('job-finished', arrivals.jobFinished);
  watcher.start();
  return {
    stop: async () => {
      await watcher.stop();
      deps.events.off('job-finished', arrivals.jobFinished);
    },
  };
}
