/**
 * Entry of the bundled CLI (out/main/cli/quantai-backup.js, built by
 * scripts/build.mjs): what bin/quantai-backup.mjs does from the sources,
 * without tsx. The desktop app runs its jobs through this file.
 */
import { main } from './main.ts';

// `quantai-backup status | head`: a reader that stops early is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(Number(process.exitCode ?? 0));
    throw err;
  });
}

process.exitCode = await main(process.argv.slice(2));
