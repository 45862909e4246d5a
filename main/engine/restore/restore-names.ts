/**
 * Guards a restore against trees that try to write outside the target: a
 * crafted or corrupted snapshot could hold a node named '..' or 'a/b'. Every
 * name is checked before anything is written.
 */
import { BackupError } from '../errors.ts';

export function assertSafeName(name: Buffer, parentPath: string, snapshotId: string): void {
  const text = name.toString('utf8');
  const unsafe =
    name.length === 0 || text === '.' || text === '..' || name.includes(0x2f) || name.includes(0x00);
  if (unsafe) {
    const shown = JSON.stringify(text);
    throw new BackupError(
      'permanent',
      `snapshot ${snapshotId.slice(0, 8)} contains an unsafe entry name ${shown} in ${parentPath || '/'}; ` +
        'it could write outside the restore folder, so nothing was restored. The snapshot was not written by a trustworthy tool',
    );
  }
}
