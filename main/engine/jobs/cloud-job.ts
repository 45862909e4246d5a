/**
 * `cloud`: mirrors the local repository to the configured bucket. Recorded in
 * the catalog's runs as job 'cloud'; the health model's destination staleness
 * reads the last successful one. Local backups are never touched: a bucket
 * that is missing or refuses us fails this run only.
 */
import { hostname } from 'node:os';
import { LocalBackend } from '../backends/local-backend.ts';
import { createS3Client, describeEndpoint } from '../backends/s3-client.ts';
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import { BackupError } from '../errors.ts';
import type { SecretSource } from '../secrets/password-source.ts';
import { activeBlackout } from '../schedule/blackout-window.ts';
import { uploadCapBytesPerSecond } from '../schedule/upload-throttle.ts';
import { mirrorRepository, type MirrorReport } from '../cloud/mirror.ts';
import { S3MirrorTarget } from '../cloud/s3-mirror-target.ts';
import { UploadPacer } from '../cloud/upload-pacer.ts';
import { recordRun } from './run-recorder.ts';

export interface CloudSyncOptions {
  signal?: AbortSignal;
  /** A cap (KiB/s) for this run at all hours, on top of the market-hours cap. */
  limitKiBps?: number;
  /** Multipart part size in bytes (tests and the benchmark). */
  partSize?: number;
}

export interface CloudSyncOutcome extends MirrorReport {
  runId: number;
  location: string;
}

/** The cap at an instant: the market-hours cap inside a blackout, the run's own cap always; the tighter wins. */
export function cloudCapAt(config: Config, limitKiBps: number | undefined): (now: Date) => number | null {
  return (now) => {
    const inBlackout = activeBlackout(now, config.schedule.blackouts, config.schedule.timezone) !== null;
    const caps = [uploadCapBytesPerSecond(inBlackout, config.schedule.marketHoursUploadKiBps), limitKiBps ? limitKiBps * 1024 : null]
      .filter((c): c is number => c !== null);
    return caps.length > 0 ? Math.min(...caps) : null;
  };
}

export async function runCloudSyncJob(ctx: JobContext, config: Config, secrets: SecretSource, options: CloudSyncOptions = {}): Promise<CloudSyncOutcome> {
  const cloud = config.cloud;
  if (!cloud.enabled || !cloud.bucket) {
    throw new BackupError('permanent', `the cloud tier is not enabled: set cloud.enabled and cloud.bucket in ${ctx.engine.paths.configFile}`);
  }
  const bucket = cloud.bucket;
  const run = await recordRun(ctx, 'cloud', async (runId) => {
    // Several attempts inside the client: each multipart part is retried on its own.
    const client = await createS3Client(cloud, secrets, { maxAttempts: 6 });
    const target = new S3MirrorTarget({
      client, bucket, prefix: cloud.prefix, endpoint: describeEndpoint(cloud),
      sse: cloud.sse,
      ...(cloud.storageClass ? { storageClass: cloud.storageClass } : {}),
      ...(options.partSize ? { partSize: options.partSize } : {}),
    });
    try {
      const report = await mirrorRepository({
        source: new LocalBackend(config.repository.path),
        target,
        host: ctx.hostname || hostname(),
        backupTime: ctx.clock.now(),
        pacer: new UploadPacer({ clock: ctx.clock, capAt: cloudCapAt(config, options.limitKiBps) }),
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (p) => ctx.events.emit('job-progress', {
          job: 'cloud', runId, phase: p.phase, bytes: p.bytes, totalBytes: p.totalBytes,
          ...(p.totalBytes > 0 ? { percent: Math.min(100, Math.round((100 * p.bytes) / p.totalBytes)) } : {}),
        }),
      });
      ctx.logger.log('info', `cloud: uploaded ${report.uploaded} file(s), ${report.uploadedBytes} bytes to ${target.location()}; ${report.skipped} already there`);
      return { result: 'success' as const, bytesAdded: report.uploadedBytes, details: { ...report, location: target.location() }, report, location: target.location() };
    } finally {
      await target.close();
    }
  });
  return { ...run.report, runId: run.runId, location: run.location };
}
