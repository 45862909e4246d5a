// The one entry every engine worker thread starts from (see run-worker.ts).
// The engine's sources are TypeScript loaded through tsx. `node --import tsx`
// passes its loader on to workers through execArgv, but the CLI registers tsx
// with register() from 'tsx/esm/api', and hooks registered that way do not
// reach workers: a worker started directly on a .ts file then fails with
// "Unknown file extension .ts". Registering here covers both hosts; a second
// registration under `--import tsx` is harmless.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
