#!/usr/bin/env node
// Entry point of the `quantai-backup` CLI. The sources are TypeScript run through
// tsx's loader, so `npx quantai-backup` works right after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
