/**
 * `quantai-backup cloud <subcommand>`: assembles the cloud subcommands, each in
 * its own file (sync here; setup and status come from their own files).
 */
import type { Command } from 'commander';
import type { CliIo } from '../cli-context.ts';
import { registerCloudSync } from './cloud-sync-command.ts';
import { registerCloudSetup } from './cloud-setup-command.ts';
import { registerCloudStatus } from './cloud-status-command.ts';

export type CloudSubcommand = (cloud: Command, program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>) => void;

/** Add further cloud subcommands (setup, status) to this list. */
const SUBCOMMANDS: readonly CloudSubcommand[] = [
  registerCloudSync,
  registerCloudSetup,
  registerCloudStatus,
];

export function registerCloud(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  const cloud = program.command('cloud').description('the S3 copy of the repository: sync, setup, status');
  for (const register of SUBCOMMANDS) register(cloud, program, io, run);
}
