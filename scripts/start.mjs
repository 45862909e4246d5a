#!/usr/bin/env node
// `npm start`: launches the desktop app where an Electron binary is installed.
// On machines without one (build hosts cannot download it) it says so and
// points to the CLI, which drives the same engine.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let electronPath = null;
try {
  electronPath = require('electron');
} catch (err) {
  console.error(`The Electron binary is not installed (${err.message.split('\n')[0]}).`);
}
if (typeof electronPath !== 'string') {
  console.error('The desktop app cannot start on this machine. The engine works headless: run `npx quantai-backup --help`.');
  process.exit(1);
}
const result = spawnSync(electronPath, ['.'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
