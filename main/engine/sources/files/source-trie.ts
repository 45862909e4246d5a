/**
 * The source paths of one backup as a trie of path components, so the
 * archiver can build the folders on the way (/, home, u) once for all
 * sources below them.
 */
export interface SourceTrie {
  children: Map<string, SourceTrie>;
  /** True when this path is itself a source: everything below is archived. */
  source: boolean;
}

/** Source paths as a trie of path components; a source inside another source is dropped. */
export function buildSourceTrie(sources: readonly string[]): SourceTrie {
  const root: SourceTrie = { children: new Map(), source: false };
  for (const source of sources) {
    let at = root;
    for (const part of source.split('/').filter((p) => p !== '')) {
      if (at.source) break;
      let next = at.children.get(part);
      if (!next) {
        next = { children: new Map(), source: false };
        at.children.set(part, next);
      }
      at = next;
    }
    if (!at.source) {
      at.source = true;
      at.children.clear(); // a source covers anything already added below it
    }
  }
  return root;
}
