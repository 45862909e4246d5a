import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { goQuote, goUnquote } from '../../../../main/engine/util/go-quote.ts';

// Expected strings are what Go 1.19's strconv.Quote prints for these bytes.
const KNOWN: [Buffer, string][] = [
  [Buffer.from('plain.txt'), '"plain.txt"'],
  [Buffer.from('a "q" b'), '"a \\"q\\" b"'],
  [Buffer.from('back\\slash'), '"back\\\\slash"'],
  [Buffer.from('new\nline\ttab\r'), '"new\\nline\\ttab\\r"'],
  [Buffer.from([0x07, 0x08, 0x0b, 0x0c]), '"\\a\\b\\v\\f"'],
  [Buffer.from([0x00, 0x1f, 0x7f]), '"\\x00\\x1f\\x7f"'],
  [Buffer.from([0x66, 0xff, 0xfe]), '"f\\xff\\xfe"'],
  [Buffer.from('café ünïcödé 日本'), '"café ünïcödé 日本"'],
  [Buffer.from('\u00a0nbsp'), '"\\u00a0nbsp"'],
  [Buffer.from('\u200b'), '"\\u200b"'],
  [Buffer.from('\ue000'), '"\\ue000"'],
  [Buffer.from('😀'), '"😀"'],
  [Buffer.from('\u{10ffff}'), '"\\U0010ffff"'],
  // Truncated, overlong and surrogate encodings are invalid UTF-8: each byte is escaped.
  [Buffer.from([0xe6, 0x97]), '"\\xe6\\x97"'],
  [Buffer.from([0xc0, 0xaf]), '"\\xc0\\xaf"'],
  [Buffer.from([0xed, 0xa0, 0x80]), '"\\xed\\xa0\\x80"'],
  [Buffer.from('\ufffd'), '"\ufffd"'],
];

test('goQuote matches Go strconv.Quote on known inputs', () => {
  for (const [raw, quoted] of KNOWN) assert.equal(goQuote(raw), quoted, raw.toString('hex'));
});

test('goUnquote inverts the known inputs', () => {
  for (const [raw, quoted] of KNOWN) assert.deepEqual(goUnquote(quoted), raw, quoted);
});

test('goUnquote accepts the other Go escapes', () => {
  assert.deepEqual(goUnquote('"\\101\\x42\\u0043\\U00000044"'), Buffer.from('ABCD'));
  assert.deepEqual(goUnquote('"\\377"'), Buffer.from([0xff]));
  assert.deepEqual(goUnquote('"\\u00e9"'), Buffer.from('é'));
  assert.deepEqual(goUnquote('""'), Buffer.alloc(0));
});

test('goUnquote rejects what Go rejects', () => {
  for (const bad of ['"\\q"', '"a"b"', '"\\x4"', '"\\ud800"', '"\\400"', 'abc', '"abc', '"\\"', '"a\nb"', "\"\\'\""]) {
    assert.throws(() => goUnquote(bad), SyntaxError, bad);
  }
});

test('quote and unquote round-trip random byte strings', () => {
  for (let i = 0; i < 2000; i++) {
    const raw = randomBytes(Math.floor(Math.random() * 40));
    const quoted = goQuote(raw);
    assert.deepEqual(goUnquote(quoted), raw, quoted);
    assert.ok(!quoted.slice(1, -1).includes('\n'), 'a quoted name never contains a raw newline');
  }
});

test('quote and unquote round-trip random valid UTF-8 including astral planes', () => {
  for (let i = 0; i < 500; i++) {
    let s = '';
    for (let k = 0; k < 12; k++) {
      let cp = Math.floor(Math.random() * 0x110000);
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x41;
      s += String.fromCodePoint(cp);
    }
    const raw = Buffer.from(s, 'utf8');
    assert.deepEqual(goUnquote(goQuote(raw)), raw);
  }
});
