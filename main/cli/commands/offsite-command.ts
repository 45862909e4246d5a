/**
 * `quantai-backup offsite <subcommand>`: assembles the offsite subcommands,
 * each in its own file (enrol and copy; the rotation register: checkout,
 * checkin, list; eject).
 */
import type { Command } from 'commander';
import type { CliIo } from '../cli-context.ts';
import { registerOffsiteCheckin } from './offsite-checkin-command.ts';
import { registerOffsiteCheckout } from './offsite-checkout-command.ts';
import { registerOffsiteCopy } from './offsite-copy-command.ts';
import { registerOffsiteEject } from './offsite-eject-command.ts';
import { registerOffsiteEnroll } from './offsite-enroll-command.ts';
import { registerOffsiteList } from './offsite-list-command.ts';

export type OffsiteSubcommand = (offsite: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>) => void;

/** Add further offsite subcommands to this list. */
const SUBCOMMANDS: readonly OffsiteSubcommand[] = [
  registerOffsiteEnroll,
  registerOffsiteCopy,
  registerOffsiteCheckout,
  registerOffsiteCheckin,
  registerOffsiteList,
  registerOffsiteEject,
];

export function registerOffsite(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  const offsite = program.command('offsite').description('rotating offsite drives: enroll, copy, checkout, checkin, list, eject');
  for (const register of SUBCOMMANDS) register(offsite, io, run);
}
