#!/usr/bin/env node
// `npm run build`: type-checks everything (tsc -b), then writes what Electron loads into out/:
//   out/renderer/   index.html, styles.css and app.js (one IIFE bundle: the page runs sandboxed, no modules needed)
//   out/preload/preload.cjs   CommonJS, everything but `electron` bundled in: a sandboxed preload cannot
//                             require our files or load ESM
//   out/main/shell/main.js    the Electron main process, an ESM bundle, with its worker bundles beside it
//   out/main/cli/quantai-backup.js   the CLI as one bundle (the app runs each job with it), workers beside it
// Usage: node scripts/build.mjs [--skip-typecheck] [--renderer-only]  (the UI tests use both)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'out');

function typecheck() {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-b'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('build: the type-check failed (tsc -b); nothing was bundled');
    process.exit(result.status ?? 1);
  }
}

async function buildRenderer() {
  const dir = join(out, 'renderer');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: [join(root, 'renderer', 'app.ts')],
    outfile: join(dir, 'app.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome120'],
    sourcemap: true,
    logLevel: 'warning',
  });
  copyFileSync(join(root, 'renderer', 'index.html'), join(dir, 'index.html'));
  copyFileSync(join(root, 'renderer', 'styles.css'), join(dir, 'styles.css'));
}

async function buildPreload() {
  const entry = join(root, 'preload', 'preload.ts');
  if (!existsSync(entry)) return console.warn('build: preload/preload.ts does not exist yet; no preload bundle');
  await build({
    entryPoints: [entry],
    outfile: join(out, 'preload', 'preload.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: ['node20'],
    external: ['electron'],
    sourcemap: true,
    logLevel: 'warning',
  });
}

// Node bundles: ESM like the sources; native modules and electron stay outside (loaded from
// node_modules at run time); CommonJS dependencies get a `require` through createRequire.
const NODE_BUNDLE = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: ['node20'],
  external: ['electron', 'electron-log', 'better-sqlite3', 'zstd-napi'],
  banner: { js: "import { createRequire as __qbCreateRequire } from 'node:module'; const require = __qbCreateRequire(import.meta.url);" },
  sourcemap: true,
  logLevel: 'warning',
};

// Worker entries the engine starts with new URL('./<name>.ts', import.meta.url): bundled as
// <name>.js beside each bundle that may start them (run-worker.ts picks the .js when no .ts is there).
const WORKERS = [
  'main/engine/sources/sqlite/copy-worker.ts',
  'main/engine/sources/sqlite/verify-worker.ts',
  'main/engine/replication/generation-worker.ts',
];

async function buildNodeBundle(entry, outfile) {
  await build({ ...NODE_BUNDLE, entryPoints: [join(root, entry)], outfile: join(root, outfile) });
  for (const worker of WORKERS) {
    const name = worker.split('/').pop().replace(/\.ts$/, '.js');
    await build({ ...NODE_BUNDLE, entryPoints: [join(root, worker)], outfile: join(dirname(join(root, outfile)), name) });
  }
}

async function buildMain() {
  rmSync(join(out, 'main'), { recursive: true, force: true });
  // The Electron main process, and the CLI it runs each job with (ELECTRON_RUN_AS_NODE=1).
  // Both sit two folders below the root so ../../../package.json still finds the version.
  await buildNodeBundle('main/shell/main.ts', 'out/main/shell/main.js');
  await buildNodeBundle('main/cli/cli-entry.ts', 'out/main/cli/quantai-backup.js');
}

if (!process.argv.includes('--skip-typecheck')) typecheck();
await buildRenderer();
if (process.argv.includes('--renderer-only')) {
  console.log('build: out/renderer written');
} else {
  await buildPreload();
  await buildMain();
  console.log('build: out/renderer, out/preload, out/main/shell and out/main/cli written');
}
