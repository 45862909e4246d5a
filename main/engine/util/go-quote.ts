/**
 * Go's strconv.Quote and strconv.Unquote on raw bytes. restic stores a tree
 * node's name as Quote(name) without the outer quotes, which is how file names
 * that are not valid UTF-8 survive JSON: bad bytes become `\xNN`.
 */

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

const SHORT_ESCAPES: Record<number, string> = {
  0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v',
};

const UNESCAPES: Record<string, number> = {
  a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b, '\\': 0x5c, '"': 0x22,
};

class QuoteSyntaxError extends Error {}

/** Decodes one UTF-8 sequence the way Go's utf8.DecodeRune does; rune -1 marks an invalid byte. */
function decodeRune(b: Uint8Array, i: number): { rune: number; width: number } {
  const c0 = b[i]!;
  if (c0 < 0x80) return { rune: c0, width: 1 };
  const cont = (k: number): number => {
    const c = b[i + k];
    return c !== undefined && (c & 0xc0) === 0x80 ? c & 0x3f : -1;
  };
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    const c1 = cont(1);
    if (c1 >= 0) return { rune: ((c0 & 0x1f) << 6) | c1, width: 2 };
  } else if (c0 >= 0xe0 && c0 <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 >= 0 && c2 >= 0) {
      const r = ((c0 & 0x0f) << 12) | (c1 << 6) | c2;
      // Overlong forms and UTF-16 surrogates are invalid in Go's decoder.
      if (r >= 0x800 && (r < 0xd800 || r > 0xdfff)) return { rune: r, width: 3 };
    }
  } else if (c0 >= 0xf0 && c0 <= 0xf4) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 >= 0 && c2 >= 0 && c3 >= 0) {
      const r = ((c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
      if (r >= 0x10000 && r <= 0x10ffff) return { rune: r, width: 4 };
    }
  }
  return { rune: -1, width: 1 };
}

function hex(n: number, digits: number): string {
  return n.toString(16).padStart(digits, '0');
}

function quoteRune(r: number): string {
  if (r === 0x22 || r === 0x5c) return `\\${String.fromCharCode(r)}`;
  if (r < 0x80) {
    if (r >= 0x20 && r < 0x7f) return String.fromCharCode(r);
    return SHORT_ESCAPES[r] ?? `\\x${hex(r, 2)}`;
  }
  const ch = String.fromCodePoint(r);
  if (PRINTABLE.test(ch)) return ch;
  return r < 0x10000 ? `\\u${hex(r, 4)}` : `\\U${hex(r, 8)}`;
}

/** Go strconv.Quote of raw bytes, including the surrounding double quotes. */
export function goQuote(raw: Uint8Array): string {
  let out = '"';
  for (let i = 0; i < raw.length; ) {
    const { rune, width } = decodeRune(raw, i);
    out += rune < 0 ? `\\x${hex(raw[i]!, 2)}` : quoteRune(rune);
    i += width;
  }
  return `${out}"`;
}

function readHex(s: Buffer, at: number, digits: number): number {
  let v = 0;
  for (let k = 0; k < digits; k++) {
    const c = s[at + k];
    const d = c === undefined ? -1 : parseInt(String.fromCharCode(c), 16);
    if (Number.isNaN(d) || d < 0) throw new QuoteSyntaxError('bad hex escape');
    v = v * 16 + d;
  }
  return v;
}

/**
 * Go strconv.Unquote of a double-quoted string, returning raw bytes (so `\xff`
 * yields the byte 0xff, not U+00FF). Throws on the inputs Go rejects.
 */
export function goUnquote(quoted: string): Buffer {
  const s = Buffer.from(quoted, 'utf8');
  if (s.length < 2 || s[0] !== 0x22 || s[s.length - 1] !== 0x22) throw new SyntaxError(`not a Go double-quoted string: ${quoted}`);
  const out: number[] = [];
  try {
    let i = 1;
    const end = s.length - 1;
    while (i < end) {
      const c = s[i]!;
      if (c === 0x22 || c === 0x0a) throw new QuoteSyntaxError('unescaped quote or newline');
      if (c !== 0x5c) {
        out.push(c);
        i++;
        continue;
      }
      const e = s[i + 1];
      if (e === undefined || i + 1 >= end) throw new QuoteSyntaxError('dangling backslash');
      const ch = String.fromCharCode(e);
      const simple = UNESCAPES[ch];
      if (simple !== undefined) {
        out.push(simple);
        i += 2;
      } else if (ch === 'x') {
        out.push(readHex(s, i + 2, 2));
        i += 4;
      } else if (ch === 'u' || ch === 'U') {
        const digits = ch === 'u' ? 4 : 8;
        const r = readHex(s, i + 2, digits);
        if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) throw new QuoteSyntaxError('invalid rune');
        out.push(...Buffer.from(String.fromCodePoint(r), 'utf8'));
        i += 2 + digits;
      } else if (e >= 0x30 && e <= 0x37) {
        let v = 0;
        for (let k = 1; k <= 3; k++) {
          const d = s[i + k];
          if (d === undefined || d < 0x30 || d > 0x37) throw new QuoteSyntaxError('bad octal escape');
          v = v * 8 + (d - 0x30);
        }
        if (v > 255) throw new QuoteSyntaxError('octal escape out of range');
        out.push(v);
        i += 4;
      } else {
        throw new QuoteSyntaxError(`unknown escape \\${ch}`);
      }
      if (i > end) throw new QuoteSyntaxError('escape runs past the end');
    }
  } catch (err) {
    if (err instanceof QuoteSyntaxError) throw new SyntaxError(`invalid Go quoted string ${quoted}: ${err.message}`);
    throw err;
  }
  return Buffer.from(out);
}
