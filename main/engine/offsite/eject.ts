/**
 * `offsite eject`: flush the drive's file system, then unmount it (and power
 * it off) where the OS lets us, or tell the user it is safe to remove. Refused
 * while an offsite copy runs: pulling the drive then would cut the copy. When
 * the unmount fails because something holds the drive, say what holds it.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Catalog } from '../catalog/catalog.ts';
import { BackupError, describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { MountedDrive } from './mounted-drives.ts';

const run = promisify(execFile);

export interface Command {
  file: string;
  args: string[];
}

export interface EjectPlan {
  /** Writes the file system's dirty pages and metadata to the drive. */
  flush: Command | null;
  unmount: Command | null;
  /** Spins the drive down so it can be unplugged (udisks), when there is one. */
  powerOff: Command | null;
}

/**
 * What to run per OS. Linux prefers udisks (works for a desktop user without
 * root, and powers the drive off); plain umount otherwise. Loop devices (test
 * images) have nothing to power off. Windows needs the user's "Safely Remove
 * Hardware": we flush and say so.
 */
export function ejectPlan(platform: NodeJS.Platform, mountPath: string, device: string, tools: { udisksctl: boolean }): EjectPlan {
  if (platform === 'darwin') {
    return { flush: { file: 'sync', args: [] }, unmount: { file: 'diskutil', args: ['eject', mountPath] }, powerOff: null };
  }
  if (platform === 'win32') return { flush: null, unmount: null, powerOff: null };
  const physical = device.startsWith('/dev/') && !device.startsWith('/dev/loop');
  const udisks = tools.udisksctl && device.startsWith('/dev/');
  return {
    flush: { file: 'sync', args: ['-f', mountPath] },
    unmount: udisks ? { file: 'udisksctl', args: ['unmount', '--no-user-interaction', '-b', device] } : { file: 'umount', args: [mountPath] },
    powerOff: udisks && physical ? { file: 'udisksctl', args: ['power-off', '--no-user-interaction', '-b', device] } : null,
  };
}

export function onPath(tool: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (env['PATH'] ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, tool)));
}

export interface Holder {
  pid: number;
  command: string;
}

function isUnder(path: string, mountPath: string): boolean {
  return path === mountPath || path.startsWith(`${mountPath}/`);
}

/**
 * Processes with their working directory, root or an open file on the mount
 * (Linux /proc; empty elsewhere or when /proc cannot be read). Processes we
 * may not inspect are skipped: the unmount error still says the drive is busy.
 */
export async function findHolders(mountPath: string, procRoot = '/proc'): Promise<Holder[]> {
  let pids: string[];
  try {
    pids = (await readdir(procRoot)).filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const holders: Holder[] = [];
  for (const pid of pids) {
    const base = join(procRoot, pid);
    const links: string[] = [];
    for (const name of ['cwd', 'root']) links.push(await readlink(join(base, name)).catch(() => ''));
    const fds = await readdir(join(base, 'fd')).catch(() => [] as string[]);
    for (const fd of fds) links.push(await readlink(join(base, 'fd', fd)).catch(() => ''));
    // A process chrooted into the mount counts; one whose root is "/" does not.
    if (!links.some((l, i) => l !== '' && !(i === 1 && l === '/') && isUnder(l, mountPath))) continue;
    const command = (await readFile(join(base, 'comm'), 'utf8').catch(() => '?')).trim();
    holders.push({ pid: Number(pid), command });
  }
  return holders;
}

export interface EjectOutcome {
  label: string;
  mountPath: string;
  flushed: boolean;
  unmounted: boolean;
  poweredOff: boolean;
  /** One line for the user: what was done and whether the drive can be unplugged. */
  message: string;
}

export interface EjectDeps {
  catalog: Catalog;
  logger: Logger;
  platform?: NodeJS.Platform;
  /** Runs a command; tests may record. Rejects with the command's stderr on failure. */
  exec?: (command: Command) => Promise<void>;
}

async function execCommand(command: Command): Promise<void> {
  await run(command.file, command.args, { timeout: 120_000 });
}

function stderrOf(err: unknown): string {
  const stderr = (err as { stderr?: unknown }).stderr;
  const text = typeof stderr === 'string' && stderr.trim() !== '' ? stderr : describeError(err);
  return text.trim().split('\n')[0] ?? '';
}

/** The offsite copy that is running now, if any (a run left 'running' by a dead process is marked interrupted when the catalog opens). */
function runningCopy(catalog: Catalog): { id: number; startedAt: string } | null {
  const row = catalog.database.prepare("SELECT id, started_at FROM runs WHERE job = 'offsite' AND result = 'running' ORDER BY id DESC LIMIT 1").get() as
    { id: number; started_at: string } | undefined;
  return row ? { id: row.id, startedAt: row.started_at } : null;
}

export async function ejectDrive(deps: EjectDeps, mounted: MountedDrive, now: Date): Promise<EjectOutcome> {
  const { label } = mounted.drive;
  const { mountPath } = mounted;
  const copy = runningCopy(deps.catalog);
  if (copy) {
    throw new BackupError('permanent', `an offsite copy is running (run ${copy.id}, started ${copy.startedAt}): wait for it to finish before ejecting drive '${label}' (see \`quantai-backup jobs\`)`);
  }
  const exec = deps.exec ?? execCommand;
  const platform = deps.platform ?? process.platform;
  const plan = ejectPlan(platform, mountPath, mounted.volume.source, { udisksctl: onPath('udisksctl') });
  const outcome: EjectOutcome = { label, mountPath, flushed: false, unmounted: false, poweredOff: false, message: '' };

  if (plan.flush) {
    try {
      await exec(plan.flush);
      outcome.flushed = true;
    } catch (err) {
      throw new BackupError('transient', `cannot flush drive '${label}' at ${mountPath}: ${stderrOf(err)}; do not unplug it yet, try again`, { cause: err });
    }
  }
  if (plan.unmount) {
    try {
      await exec(plan.unmount);
      outcome.unmounted = true;
    } catch (err) {
      const holders = platform === 'linux' ? await findHolders(mountPath) : [];
      const held = holders.length > 0
        ? `it is in use by ${holders.slice(0, 5).map((h) => `${h.command} (pid ${h.pid})`).join(', ')}${holders.length > 5 ? ` and ${holders.length - 5} more` : ''}`
        : stderrOf(err);
      throw new BackupError('transient', `cannot unmount drive '${label}' at ${mountPath}: ${held}; close what uses it and run \`quantai-backup offsite eject ${label}\` again (its data is flushed, but do not unplug it while mounted)`, { cause: err });
    }
  }
  if (plan.powerOff) {
    try {
      await exec(plan.powerOff);
      outcome.poweredOff = true;
    } catch (err) {
      // Unmounted is what matters for the data; a drive that will not spin down is still safe to pull.
      deps.logger.log('warn', `drive '${label}' is unmounted but could not be powered off: ${stderrOf(err)}`);
    }
  }
  outcome.message = outcome.unmounted
    ? `drive '${label}' is unmounted${outcome.poweredOff ? ' and powered off' : ''}: safe to remove`
    : platform === 'win32'
      ? `drive '${label}' cannot be unmounted from here: use "Safely Remove Hardware" before unplugging it`
      : `drive '${label}' is flushed: it is safe to remove`;
  deps.catalog.addEvent({
    time: now.toISOString(), level: 'info', type: 'offsite-eject', message: outcome.message,
    data: { label, mountPath, unmounted: outcome.unmounted, poweredOff: outcome.poweredOff },
  });
  return outcome;
}
