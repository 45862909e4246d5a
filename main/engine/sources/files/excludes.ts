/**
 * Which entries a file backup leaves out.
 *
 * Rules (glob syntax in glob.ts):
 *  - A trailing '/' limits the pattern to directories: `cache/` skips every
 *    directory named cache (and so all below it) but not a file named cache.
 *  - A pattern without a '/' (after removing that trailing one) matches the
 *    entry's base name at any depth: `*.log` skips /src/a.log and /src/x/y.log.
 *  - A pattern with a '/' is anchored to the source folder being backed up:
 *    `build/*.o` skips /src/build/a.o but not /src/x/build/a.o. A leading '/'
 *    is allowed (`/build/*.o` means the same), and such a pattern also matches
 *    the absolute path, so `/home/u/data/tmp` works as users expect.
 *  - `**` as a whole segment spans any number of directories.
 * An excluded directory is not entered at all.
 */
import { compileGlob, globMatches, type CompiledGlob } from './glob.ts';

/** The file strategy's defaults, applied when the caller gives no list. */
export const DEFAULT_EXCLUDES: readonly string[] = ['*.tmp', '*.log', 'cache/'];

interface ExcludeRule {
  pattern: string;
  glob: CompiledGlob;
  dirOnly: boolean;
  anchored: boolean;
  absolute: boolean;
}

export interface ExcludeCandidate {
  /** Base name as text (lossy for non-UTF-8 names). */
  name: string;
  /** Path relative to the source folder, '/'-separated, no leading '/'. */
  relPath: string;
  /** Absolute path. */
  absPath: string;
  isDir: boolean;
}

export class ExcludeMatcher {
  private readonly rules: ExcludeRule[];

  constructor(patterns: readonly string[]) {
    this.rules = patterns
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .map(compileRule);
  }

  /** The pattern that excludes the entry, or undefined when it is kept. */
  match(entry: ExcludeCandidate): string | undefined {
    for (const rule of this.rules) {
      if (rule.dirOnly && !entry.isDir) continue;
      if (!rule.anchored) {
        if (globMatches(rule.glob, entry.name)) return rule.pattern;
        continue;
      }
      if (globMatches(rule.glob, entry.relPath)) return rule.pattern;
      if (rule.absolute && globMatches(rule.glob, entry.absPath.slice(1))) return rule.pattern;
    }
    return undefined;
  }
}

function compileRule(pattern: string): ExcludeRule {
  let body = pattern;
  const dirOnly = body.endsWith('/');
  body = body.replace(/\/+$/, '');
  const absolute = body.startsWith('/');
  body = body.replace(/^\/+/, '');
  const anchored = absolute || body.includes('/');
  return { pattern, glob: compileGlob(body), dirOnly, anchored, absolute };
}
