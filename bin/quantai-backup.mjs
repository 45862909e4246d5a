#!/usr/bin/env node
// Entry point of the `quantai-backup` CLI. The sources are TypeScript run through
// tsx's loader, so `npx quantai-backup` works right after `npm install`.
import { register } from 'tsx/esm/api';

register();
// `quantai-backup status | head`: a reader that stops early is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
const { main } = await import('../main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
