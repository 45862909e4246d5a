/**
 * A small glob compiler shared by backup excludes and restore includes.
 *
 * Syntax, per '/'-separated segment:
 *   *        any run of characters except '/'
 *   ?        one character except '/'
 *   [abc]    one of a, b, c; ranges [a-z]; negation [!a] or [^a]
 *   \c       the character c literally
 *   **       as a whole segment: zero or more directories
 * Everything else matches itself. Paths are matched as UTF-8 text: a name
 * whose bytes are not valid UTF-8 is decoded with U+FFFD in place of the bad
 * bytes, so a pattern can reach it with `?` or `*` but not spell it exactly.
 */
import { BackupError } from '../../errors.ts';

/** A compiled pattern: one RegExp per segment, null for a `**` segment. */
export interface CompiledGlob {
  source: string;
  segments: (RegExp | null)[];
  whole: RegExp;
}

export function compileGlob(pattern: string): CompiledGlob {
  const parts = pattern.split('/');
  const segments = parts.map((part) => (part === '**' ? null : new RegExp(`^${segmentSource(part, pattern)}$`, 'su')));
  let source = '';
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (part === '**') source += last ? '.*' : '(?:.*/)?';
    else source += segmentSource(part, pattern) + (last ? '' : '/');
  });
  return { source: pattern, segments, whole: new RegExp(`^${source}$`, 'su') };
}

/** True when the whole '/'-separated path matches. */
export function globMatches(glob: CompiledGlob, path: string): boolean {
  return glob.whole.test(path);
}

/**
 * True when some path below `dirSegments` could still match, so a walker must
 * descend into it. Conservative: a `**` anywhere on the way says yes.
 */
export function globCouldMatchBelow(glob: CompiledGlob, dirSegments: readonly string[]): boolean {
  for (let i = 0; i < dirSegments.length; i++) {
    const seg = glob.segments[i];
    if (seg === null) return true;
    if (seg === undefined) return false;
    if (!seg.test(dirSegments[i] ?? '')) return false;
  }
  return glob.segments.length > dirSegments.length;
}

function segmentSource(part: string, pattern: string): string {
  let out = '';
  for (let i = 0; i < part.length; i++) {
    const c = part[i] ?? '';
    if (c === '*') {
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '\\') {
      i++;
      if (i >= part.length) throw badPattern(pattern, 'it ends with a lone backslash');
      out += escapeRegExp(part[i] ?? '');
    } else if (c === '[') {
      const end = classEnd(part, i);
      if (end < 0) throw badPattern(pattern, `the '[' at position ${i + 1} is never closed`);
      out += classSource(part.slice(i + 1, end));
      i = end;
    } else {
      out += escapeRegExp(c);
    }
  }
  return out;
}

/** Index of the ']' closing the class opened at `open`, or -1. A ']' first in the class is literal. */
function classEnd(part: string, open: number): number {
  let i = open + 1;
  if (part[i] === '!' || part[i] === '^') i++;
  if (part[i] === ']') i++;
  for (; i < part.length; i++) {
    if (part[i] === '\\') i++;
    else if (part[i] === ']') return i;
  }
  return -1;
}

function classSource(body: string): string {
  let negate = false;
  if (body.startsWith('!') || body.startsWith('^')) {
    negate = true;
    body = body.slice(1);
  }
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? '';
    if (c === '\\') {
      i++;
      out += classChar(body[i] ?? '');
    } else if (c === '-' && out !== '' && i < body.length - 1) {
      out += '-';
    } else {
      out += classChar(c);
    }
  }
  // A class never matches the separator, negated or not.
  return negate ? `(?!/)[^${out}]` : `[${out}]`;
}

function classChar(c: string): string {
  return /[\]\\^-]/.test(c) ? `\\${c}` : c;
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function badPattern(pattern: string, why: string): BackupError {
  return new BackupError('permanent', `the pattern "${pattern}" is not valid: ${why}`);
}
