/**
 * Which snapshot entries a restore writes. Patterns are globs (see
 * sources/files/glob.ts) on the path inside the snapshot, e.g.
 * '/home/u/data/*.csv'; the leading '/' is optional. A pattern that matches a
 * folder selects everything below it, and the folders above a selected entry
 * are created so it has somewhere to go. No patterns: everything.
 */
import { compileGlob, globCouldMatchBelow, globMatches, type CompiledGlob } from '../sources/files/glob.ts';

export class IncludeFilter {
  private readonly globs: CompiledGlob[];

  constructor(patterns: readonly string[] | undefined) {
    this.globs = (patterns ?? [])
      .map((p) => p.trim().replace(/^\/+/, '').replace(/\/+$/, ''))
      .filter((p) => p !== '')
      .map(compileGlob);
    if (patterns && patterns.length > 0 && this.globs.length === 0) this.globs.push(compileGlob('**'));
  }

  get selectsAll(): boolean {
    return this.globs.length === 0;
  }

  /** True when the entry at `segments` is selected itself (a folder: with its whole subtree). */
  matches(segments: readonly string[]): boolean {
    if (this.globs.length === 0) return true;
    const path = segments.join('/');
    return this.globs.some((g) => globMatches(g, path));
  }

  /** True when something below the folder at `segments` might be selected. */
  mayMatchBelow(segments: readonly string[]): boolean {
    return this.globs.length === 0 || this.globs.some((g) => globCouldMatchBelow(g, segments));
  }
}
