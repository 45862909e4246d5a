/**
 * The offsite rotation rules, as pure functions of the register's facts and the
 * time: where each drive is, whether a new copy is due and onto which drive,
 * and the reminders a person must act on (connect a drive, take one to the
 * facility, bring one back). The health model turns reminders into alerts;
 * `offsite list` shows them per drive.
 */
import { formatDuration, timeMs } from '../health/health-format.ts';

const DAY_MS = 24 * 3_600_000;

export type DriveLocation = 'onsite' | 'offsite' | 'retired';

export interface CopyFact {
  startedAt: string;
  finishedAt: string | null;
  /** null while the copy runs (or when its process died before it finished). */
  ok: boolean | null;
  newestSnapshotTime: string | null;
  snapshotCount: number;
  error: string | null;
}

export interface MovementFact {
  kind: 'checkout' | 'checkin';
  time: string;
  note: string | null;
}

/** One enrolled drive as the register knows it. */
export interface DriveFacts {
  label: string;
  fsUuid: string;
  fsType: string | null;
  enrolledAt: string;
  retiredAt: string | null;
  lastCopy: CopyFact | null;
  lastOkCopy: CopyFact | null;
  /** The newest movement decides where the drive is. */
  lastMovement: MovementFact | null;
  lastCheckout: MovementFact | null;
  lastCheckin: MovementFact | null;
}

export interface RotationSettings {
  rotationDays: number;
  onsiteReminderDays: number;
}

export type OffsiteReminderKind = 'copy-due' | 'take-offsite' | 'bring-back';

export interface OffsiteReminder {
  kind: OffsiteReminderKind;
  /** The drive to act on; for copy-due, the drive to connect (null when none is onsite). */
  label: string | null;
  /** Since when the reminder holds. */
  since: string;
  title: string;
  message: string;
}

export interface CopyDue {
  due: boolean;
  /** When the newest successful copy on an active drive finished; null: never. */
  newestCopyAt: string | null;
  /** When the next copy is (or was) due. Null: no active drive, nothing to rotate. */
  dueAt: string | null;
  /** The onsite drive the next copy should go to: the one whose copy is oldest. */
  nextDrive: string | null;
}

export function driveLocation(drive: DriveFacts): DriveLocation {
  if (drive.retiredAt !== null) return 'retired';
  return drive.lastMovement?.kind === 'checkout' ? 'offsite' : 'onsite';
}

/** When a successful copy completed (its start when the finish was not stored). */
export function copyTime(copy: CopyFact): string {
  return copy.finishedAt ?? copy.startedAt;
}

function activeDrives(drives: readonly DriveFacts[]): DriveFacts[] {
  return drives.filter((d) => d.retiredAt === null);
}

/**
 * A drive onsite holding a copy made since it last came back is waiting to be
 * taken to the facility; it is not free for the next rotation copy.
 */
function awaitingTrip(drive: DriveFacts): boolean {
  if (driveLocation(drive) !== 'onsite' || !drive.lastOkCopy) return false;
  const movedAt = drive.lastMovement ? timeMs(drive.lastMovement.time) : null;
  return movedAt === null || timeMs(copyTime(drive.lastOkCopy)) > movedAt;
}

function copyMs(drive: DriveFacts): number {
  return drive.lastOkCopy ? timeMs(copyTime(drive.lastOkCopy)) : -Infinity;
}

export function copyDue(drives: readonly DriveFacts[], now: Date, settings: RotationSettings): CopyDue {
  const active = activeDrives(drives);
  if (active.length === 0) return { due: false, newestCopyAt: null, dueAt: null, nextDrive: null };
  let newest: string | null = null;
  for (const d of active) if (d.lastOkCopy && (newest === null || copyMs(d) > timeMs(newest))) newest = copyTime(d.lastOkCopy);
  // Never copied: due from the first enrolment on, so a new drive gets its first copy at once.
  const firstEnrolled = Math.min(...active.map((d) => timeMs(d.enrolledAt)));
  const dueMs = newest === null ? firstEnrolled : timeMs(newest) + settings.rotationDays * DAY_MS;
  const candidates = active
    .filter((d) => driveLocation(d) === 'onsite')
    .sort((a, b) => copyMs(a) - copyMs(b) || a.label.localeCompare(b.label));
  return {
    due: now.getTime() >= dueMs,
    newestCopyAt: newest,
    dueAt: new Date(dueMs).toISOString(),
    nextDrive: candidates[0]?.label ?? null,
  };
}

function days(ms: number): string {
  return formatDuration(ms);
}

/** Every reminder that holds at `now`, copy-due first, then per drive by label. */
export function rotationReminders(drives: readonly DriveFacts[], now: Date, settings: RotationSettings): OffsiteReminder[] {
  const active = activeDrives(drives);
  if (active.length === 0) return [];
  const nowMs = now.getTime();
  const out: OffsiteReminder[] = [];
  const due = copyDue(active, now, settings);
  const longestOut = active
    .filter((d) => driveLocation(d) === 'offsite' && d.lastCheckout !== null)
    .sort((a, b) => timeMs(a.lastCheckout!.time) - timeMs(b.lastCheckout!.time))[0];

  if (due.due && due.dueAt !== null) {
    const age = due.newestCopyAt ? `The newest offsite copy is ${days(nowMs - timeMs(due.newestCopyAt))} old (rotation every ${settings.rotationDays} days)` : 'No offsite drive holds a copy yet';
    const action = due.nextDrive
      ? `connect offsite drive '${due.nextDrive}' to copy (or run \`quantai-backup offsite copy\` with it connected).`
      : longestOut
        ? `every drive is offsite: bring drive '${longestOut.label}' back (\`quantai-backup offsite checkin ${longestOut.label}\`) and connect it.`
        : 'enrol a drive with `quantai-backup offsite enroll`.';
    out.push({
      kind: 'copy-due', label: due.nextDrive, since: due.dueAt,
      title: due.nextDrive ? `Offsite copy due: connect drive '${due.nextDrive}'` : 'Offsite copy due',
      message: `${age}: ${action}`,
    });
  }

  for (const d of [...active].sort((a, b) => a.label.localeCompare(b.label))) {
    if (!awaitingTrip(d) || !d.lastOkCopy) continue;
    const copiedMs = timeMs(copyTime(d.lastOkCopy));
    if (nowMs - copiedMs <= settings.onsiteReminderDays * DAY_MS) continue;
    out.push({
      kind: 'take-offsite', label: d.label, since: new Date(copiedMs + settings.onsiteReminderDays * DAY_MS).toISOString(),
      title: `Take offsite drive '${d.label}' to the facility`,
      message: `Drive '${d.label}' received its copy ${days(nowMs - copiedMs)} ago and is still onsite, where a fire or theft would take it with the originals. Take it to the offsite facility and record it with \`quantai-backup offsite checkout ${d.label}\`.`,
    });
  }

  // Bring one back only when the next copy has no free onsite drive to go to: with two
  // drives that is the classic swap; with more, drives stay out until they are needed.
  const freeOnsite = active.some((d) => driveLocation(d) === 'onsite' && !awaitingTrip(d));
  if (longestOut && !freeOnsite) {
    const outMs = timeMs(longestOut.lastCheckout!.time);
    if (nowMs - outMs > settings.rotationDays * DAY_MS) {
      out.push({
        kind: 'bring-back', label: longestOut.label, since: new Date(outMs + settings.rotationDays * DAY_MS).toISOString(),
        title: `Bring offsite drive '${longestOut.label}' back for the next copy`,
        message: `Drive '${longestOut.label}' has been offsite for ${days(nowMs - outMs)} and no other drive is onsite for the next rotation copy. Bring it back (swap it for the drive going out) and record it with \`quantai-backup offsite checkin ${longestOut.label}\`.`,
      });
    }
  }
  return out;
}
