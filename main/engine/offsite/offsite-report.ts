/**
 * `offsite list`: every enrolled drive, where it is, what it holds, when it
 * left and came back, and what is due, from the register and the rotation
 * rules. Reads the catalog only: no drive needs to be connected.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { OffsiteConfig } from '../config/offsite-schema.ts';
import { readDriveFacts } from './offsite-movements.ts';
import { copyDue, driveLocation, rotationReminders, type CopyDue, type DriveLocation, type OffsiteReminder } from './rotation.ts';

export interface OffsiteDriveReport {
  label: string;
  fsUuid: string;
  fsType: string | null;
  location: DriveLocation;
  enrolledAt: string;
  retiredAt: string | null;
  /** The newest copy attempt, whatever its outcome. */
  lastCopy: { startedAt: string; finishedAt: string | null; ok: boolean | null; error: string | null } | null;
  /** The newest completed copy: what the drive can restore. */
  lastOkCopyAt: string | null;
  /** The newest snapshot the drive holds (from its newest completed copy). */
  newestSnapshotTime: string | null;
  snapshotCount: number;
  /** When it last left for the facility, and when it last came back. */
  leftAt: string | null;
  leftNote: string | null;
  returnedAt: string | null;
  /** Reminders about this drive (take it offsite, bring it back, connect it for the due copy). */
  due: OffsiteReminder[];
}

export interface OffsiteReport {
  evaluatedAt: string;
  rotationDays: number;
  copy: CopyDue;
  drives: OffsiteDriveReport[];
  /** Every reminder, including a copy due with no drive to name. */
  reminders: OffsiteReminder[];
}

export function buildOffsiteReport(catalog: Catalog, config: OffsiteConfig, now: Date): OffsiteReport {
  const facts = readDriveFacts(catalog);
  const settings = { rotationDays: config.rotationDays, onsiteReminderDays: config.onsiteReminderDays };
  const reminders = rotationReminders(facts, now, settings);
  return {
    evaluatedAt: now.toISOString(),
    rotationDays: config.rotationDays,
    copy: copyDue(facts, now, settings),
    reminders,
    drives: facts.map((d) => ({
      label: d.label,
      fsUuid: d.fsUuid,
      fsType: d.fsType,
      location: driveLocation(d),
      enrolledAt: d.enrolledAt,
      retiredAt: d.retiredAt,
      lastCopy: d.lastCopy ? { startedAt: d.lastCopy.startedAt, finishedAt: d.lastCopy.finishedAt, ok: d.lastCopy.ok, error: d.lastCopy.error } : null,
      lastOkCopyAt: d.lastOkCopy ? d.lastOkCopy.finishedAt ?? d.lastOkCopy.startedAt : null,
      newestSnapshotTime: d.lastOkCopy?.newestSnapshotTime ?? null,
      snapshotCount: d.lastOkCopy?.snapshotCount ?? 0,
      leftAt: d.lastCheckout?.time ?? null,
      leftNote: d.lastCheckout?.note ?? null,
      returnedAt: d.lastCheckin?.time ?? null,
      due: reminders.filter((r) => r.label === d.label),
    })),
  };
}
