/**
 * Mirrors a repository to a bucket: lists both sides once, uploads only what
 * the bucket lacks, phase by phase (see mirror-plan.ts). Resuming after an
 * interruption is the same run again: finished files are objects with the
 * right size and are skipped. Nothing is ever deleted from the bucket here.
 */
import type { Backend, FileHandle, FileInfo, FileType } from '../backends/backend.ts';
import { BackupError } from '../errors.ts';
import { MIRRORED_TYPES, planMirror, type Listing, type PlannedUpload } from './mirror-plan.ts';
import type { MirrorTarget, PutOptions } from './mirror-target.ts';
import type { UploadPacer } from './upload-pacer.ts';

export interface MirrorProgress {
  phase: FileType;
  filesDone: number;
  filesTotal: number;
  bytes: number;
  totalBytes: number;
}

export interface MirrorOptions {
  source: Backend;
  target: MirrorTarget;
  /** Stored as object metadata on every upload. */
  host: string;
  backupTime: Date;
  pacer?: UploadPacer;
  signal?: AbortSignal;
  /** Files uploaded at once within a phase. */
  concurrency?: number;
  onProgress?: (p: MirrorProgress) => void;
  /** Per-file object settings (tags, Object Lock retention), asked just before the file is uploaded. */
  objectOptions?: (file: PlannedUpload) => Promise<ObjectOptions>;
}

export type ObjectOptions = Pick<PutOptions, 'tags' | 'retention'>;

export interface MirrorReport {
  uploaded: number;
  uploadedBytes: number;
  /** Already in the bucket with the right size. */
  skipped: number;
  skippedBytes: number;
  /** In the bucket with a wrong size: uploaded again. */
  replaced: number;
}

/**
 * Lists snapshots first and packs last: a backup running meanwhile writes packs,
 * then index, then snapshot, so every snapshot and index we list has its packs
 * in the (later) pack listing.
 */
async function listAll(backend: Pick<Backend, 'list'>): Promise<Listing> {
  const out = new Map<FileType, FileInfo[]>();
  for (const type of [...MIRRORED_TYPES].reverse()) out.set(type, await backend.list(type));
  return out;
}

export async function mirrorRepository(options: MirrorOptions): Promise<MirrorReport> {
  const { source, target } = options;
  if (!(await source.exists())) {
    throw new BackupError('not-found', `no repository at ${source.location()}: nothing to mirror to ${target.location()}`);
  }
  const plan = planMirror(await listAll(source), await listAll(target));
  const all = plan.phases.flat();
  const totalBytes = all.reduce((n, f) => n + f.size, 0);
  const report: MirrorReport = { uploaded: 0, uploadedBytes: 0, skipped: plan.present, skippedBytes: plan.presentBytes, replaced: plan.mismatched.length };
  let bytes = 0;
  for (const phase of plan.phases) {
    await runPool(phase, options.concurrency ?? 2, async (file) => {
      options.signal?.throwIfAborted();
      const handle: FileHandle = { type: file.type, name: file.type === 'config' ? '' : file.name };
      const data = await source.load(handle);
      if (data.length !== file.size) {
        throw new BackupError('transient', `${file.type} file ${file.name.slice(0, 12)} changed size while being mirrored: run the mirror again`);
      }
      const extra = options.objectOptions ? await options.objectOptions(file) : {};
      await target.put(handle, data, {
        ...extra,
        metadata: metadataFor(file, options),
        ...(options.pacer ? { pacer: options.pacer } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        onBytes: (n) => {
          bytes += n;
          options.onProgress?.({ phase: file.type, filesDone: report.uploaded, filesTotal: all.length, bytes, totalBytes });
        },
      });
      report.uploaded += 1;
      report.uploadedBytes += file.size;
      options.onProgress?.({ phase: file.type, filesDone: report.uploaded, filesTotal: all.length, bytes, totalBytes });
    });
  }
  return report;
}

function metadataFor(file: PlannedUpload, options: MirrorOptions): Record<string, string> {
  return {
    'qb-size': String(file.size),
    'qb-type': file.type,
    'qb-backup-time': options.backupTime.toISOString(),
    // Metadata travels as an HTTP header: keep it to printable ASCII.
    'qb-host': options.host.replace(/[^\x20-\x7e]/g, '?'),
  };
}

/** Runs `work` over items with at most `limit` at once; the first failure stops new work and is rethrown. */
async function runPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const worker = async (): Promise<void> => {
    while (failed === null && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed !== null) throw failed;
}
