/** `quantai-backup offsite enroll <mount> --label NAME`: makes a mounted drive an offsite drive (copies nothing). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';

export function registerOffsiteEnroll(offsite: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  offsite
    .command('enroll')
    .description('enroll the drive mounted at <mount> as an offsite drive: identified by its file-system UUID, label and a marker file; nothing is copied yet')
    .argument('<mount>', 'where the drive is mounted (must be a mount point)')
    .requiredOption('--label <name>', 'the name to know the drive by (letters, digits, . _ -), used in `--from offsite:<name>`')
    .option('--json', 'machine-readable output')
    .action((mount: string, opts: { label: string; json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, offsite.parent?.opts<GlobalOptions>() ?? {});
        try {
          const drive = await engine.offsiteEnroll(resolve(mount), opts.label);
          if (opts.json) printJson(io, drive);
          else io.stdout(`enrolled offsite drive '${drive.label}' (${drive.fsType ?? 'unknown fs'}, UUID ${drive.fsUuid}); copy to it with \`quantai-backup offsite copy --label ${drive.label}\`\n`);
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
}
