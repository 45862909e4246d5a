/** Total bytes of every regular file under a folder: how much a repository occupies. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export async function dirSize(root: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) total += await dirSize(path);
    // Apparent size, not allocated blocks: the figure must not depend on the file system's block size.
    else if (entry.isFile()) total += (await stat(path)).size;
  }
  return total;
}
