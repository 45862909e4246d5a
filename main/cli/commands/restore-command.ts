import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, parseFrom } from '../../engine/index.ts';
import { buildEngine, formatBytes, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { restoreAtCommand } from './restore-at.ts';

export function registerRestore(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('restore')
    .description('restore a snapshot: a database to a new file, files into a folder; or the database as it was at a time (--at)')
    .argument('[snapshot]', "snapshot id, unique id prefix, or 'latest' (not with --at)")
    .requiredOption('--to <path>', 'database: the new database file; files: the target folder')
    .option('--kind <kind>', "with 'latest': the newest 'database' or 'files' snapshot")
    .option('--include <pattern...>', 'files only: restore just the paths matching these patterns')
    .option('--force', 'replace what already exists: the database file at --to, or files and symlinks under the --to folder (each replaced atomically)')
    .option('--from <copy>', "the copy to read: 'local' (default), 'cloud' (read in place from the bucket) or 'offsite:<label>' (an enrolled drive that is mounted)")
    .option('--request-thaw', 'with --from cloud: ask S3 to restore packs in Glacier / Deep Archive, and say when they will be ready')
    .option('--at <time>', 'the database as it was at this time, from real-time replication: RFC 3339, or "YYYY-MM-DD HH:MM[:SS]" on the schedule time zone')
    .option('--dry-run', 'with --at: show the plan (base snapshot, segments, the commit time reached) and restore nothing')
    .option('--json', 'machine-readable output')
    .action((ref: string | undefined, opts: { to: string; include?: string[]; force?: boolean; json?: boolean; kind?: string; from?: string; requestThaw?: boolean; at?: string; dryRun?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          if (opts.at !== undefined) return await restoreAtCommand(engine, io, ref, { ...opts, at: opts.at });
          if (ref === undefined) throw new ConfigError("give the snapshot to restore (an id, a prefix or 'latest'), or --at TIME");
          if (opts.dryRun) throw new ConfigError('--dry-run applies to --at restores');
          if (opts.kind !== undefined && opts.kind !== 'database' && opts.kind !== 'files') {
            throw new ConfigError(`--kind must be 'database' or 'files', not '${opts.kind}'`);
          }
          const r = await engine.restore(ref, { ...(opts.kind ? { kind: opts.kind } : {}), to: resolve(opts.to), ...(opts.include ? { include: opts.include } : {}), ...(opts.force ? { force: true } : {}), from: parseFrom(opts.from), requestThaw: Boolean(opts.requestThaw) });
          if (opts.json) printJson(io, r);
          else if (r.kind === 'sqlite') {
            io.stdout(`restored database snapshot ${r.snapshotId.slice(0, 8)} to ${r.path} (${formatBytes(r.size)}, sha256 ${r.sha256.slice(0, 16)}..., integrity_check ${r.integrityCheck})\n`);
            if (r.replacedTo) io.stdout(`the database it replaced (and its -wal/-shm) was moved to ${r.replacedTo}\n`);
          } else {
            io.stdout(`restored ${r.files} files and ${r.dirs} folders (${formatBytes(r.bytes)}) from ${r.snapshotId.slice(0, 8)} into ${r.target}\n`);
            for (const w of r.warnings) io.stderr(`warning: ${JSON.stringify(w)}\n`);
          }
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
}
