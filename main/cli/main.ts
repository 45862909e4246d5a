/**
 * quantai-backup: the headless face of the engine. Every failure ends in one
 * line on stderr (`quantai-backup: error: ...`) and a non-zero exit code:
 * 1 the operation failed, 2 bad usage, 3 done with warnings (see docs/cli.md).
 */
import { Command, CommanderError } from 'commander';
import { ConfigError, describeError } from '../engine/index.ts';
import type { CliIo } from './cli-context.ts';
import { registerBackup } from './commands/backup-command.ts';
import { registerCheck } from './commands/check-command.ts';
import { registerInit } from './commands/init-command.ts';
import { registerRestore } from './commands/restore-command.ts';
import { registerSnapshot } from './commands/snapshot-command.ts';
import { registerSnapshots } from './commands/snapshots-command.ts';
import { registerStatus } from './commands/status-command.ts';
import { registerAlerts } from './commands/alerts-command.ts';
import { registerVerify } from './commands/verify-command.ts';
import { registerRestoreTest } from './commands/restore-test-command.ts';
import { registerDaemon } from './commands/daemon-command.ts';
import { registerJobs } from './commands/jobs-command.ts';
import { registerPause } from './commands/pause-command.ts';
import { registerResume } from './commands/resume-command.ts';
import { registerRun } from './commands/run-command.ts';
import { registerCloud } from './commands/cloud-command.ts';
import { registerPrune } from './commands/prune-command.ts';
import { registerOffsite } from './commands/offsite-command.ts';
import { registerCompliance } from './commands/compliance-command.ts';
import { registerForget } from './commands/forget-command.ts';
import { registerHold } from './commands/hold-command.ts';
import { registerReplicate } from './commands/replicate-command.ts';
import { registerReplication } from './commands/replication-command.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const defaultIo = (): CliIo => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  stderrIsTty: Boolean(process.stderr.isTTY),
});

export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  if (argv.some((a) => a === '--password' || a.startsWith('--password='))) {
    io.stderr('quantai-backup: error: passwords are never command-line arguments (they show in `ps`): set QUANTAI_BACKUP_PASSWORD_FILE or QUANTAI_BACKUP_PASSWORD\n');
    return EXIT_USAGE;
  }
  let exitCode = EXIT_OK;
  const run = async (action: () => Promise<number>): Promise<void> => {
    try {
      exitCode = await action();
    } catch (err) {
      io.stderr(`quantai-backup: error: ${describeError(err)}\n`);
      exitCode = err instanceof ConfigError ? EXIT_USAGE : EXIT_FAILED;
    }
  };

  const program = new Command('quantai-backup')
    .description('QuantAI Backup: consistent, verified backups of a trading workstation in restic format')
    .option('--home <dir>', 'home folder (config, catalog); default QUANTAI_BACKUP_HOME or the desktop app\'s folder')
    .option('-v, --verbose', 'log progress details to stderr')
    .exitOverride()
    // One line per error: no second 'Did you mean ...?' line.
    .showSuggestionAfterError(false)
    .configureOutput({
      writeOut: (t) => io.stdout(t),
      writeErr: (t) => io.stderr(t),
      outputError: (t, write) => write(`quantai-backup: ${t.trim().replace(/^error: /, 'error: ')}\n`),
    });

  registerInit(program, io, run);
  registerSnapshot(program, io, run);
  registerBackup(program, io, run);
  registerSnapshots(program, io, run);
  registerRestore(program, io, run);
  registerCheck(program, io, run);
  registerStatus(program, io, run);
  registerAlerts(program, io, run);
  registerVerify(program, io, run);
  registerRestoreTest(program, io, run);
  registerJobs(program, io, run);
  registerRun(program, io, run);
  registerDaemon(program, io, run);
  registerPause(program, io, run);
  registerResume(program, io, run);
  registerCloud(program, io, run);
  registerPrune(program, io, run);
  registerOffsite(program, io, run);
  registerCompliance(program, io, run);
  registerForget(program, io, run);
  registerHold(program, io, run);
  registerReplicate(program, io, run);
  registerReplication(program, io, run);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
      return EXIT_USAGE;
    }
    io.stderr(`quantai-backup: error: ${describeError(err)}\n`);
    return EXIT_FAILED;
  }
  return exitCode;
}
