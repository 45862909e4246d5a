import type { EngineEvents, JobProgress } from '../engine/index.ts';
import { formatBytes, type CliIo } from './cli-context.ts';

/** Shows job progress on an interactive terminal's stderr; silent otherwise so scripts get clean output. */
export function progressPrinter(io: CliIo, events: EngineEvents, enabled: boolean): () => void {
  if (!enabled || !io.stderrIsTty) return () => undefined;
  let last = 0;
  const onProgress = (p: JobProgress) => {
    const now = Date.now();
    if (now - last < 250) return;
    last = now;
    const total = p.totalBytes ? ` of ${formatBytes(p.totalBytes)}` : '';
    io.stderr(`\r${p.phase}: ${formatBytes(p.bytes)}${total}${p.files !== undefined ? `, ${p.files} files` : ''}\x1b[K`);
  };
  events.on('job-progress', onProgress);
  return () => {
    events.off('job-progress', onProgress);
    if (last > 0) io.stderr('\r\x1b[K');
  };
}
