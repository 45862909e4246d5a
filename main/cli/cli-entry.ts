/**
 * Entry of the bundled CLI (out/main/cli/quantai-backup.js, built by
 * scripts/build.mjs): what bin/quantai-backup.mjs does from the sources,
 * without tsx. The desktop app runs its jobs through this file.
 */
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
