#!/usr/bin/env node
// Draws the tray icons into assets/tray/ with plain PNG bytes (node:zlib), no packages:
//   linux/tray-<state>.png (16 px) and @2x (32 px): a coloured disc with a state mark;
//   win/tray-<state>.ico: the 16 and 32 px PNGs in one ICO;
//   mac/tray-<state>Template.png and @2x: black + alpha only, as macOS template images must be.
// Also assets/icon.png (512 px) for electron-builder. Run: node scripts/make-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const assets = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets');

const COLORS = {
  healthy: [46, 160, 67], warning: [219, 154, 4], critical: [207, 34, 46],
  running: [31, 111, 235], paused: [110, 119, 129], 'not-configured': [140, 149, 159],
};

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** RGBA pixels (size*size*4) -> PNG bytes. */
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Coverage (0..1) of the state's mark at a point in a unit square; 4x4 supersampling smooths edges. */
function mark(state, x, y) {
  const dx = x - 0.5, dy = y - 0.5, r = Math.hypot(dx, dy);
  const disc = r <= 0.46;
  const inner = (() => {
    switch (state) {
      case 'healthy': // check mark
        return distToSegment(x, y, 0.28, 0.52, 0.44, 0.68) < 0.07 || distToSegment(x, y, 0.44, 0.68, 0.73, 0.34) < 0.07;
      case 'warning': // exclamation mark
        return (Math.abs(dx) < 0.06 && y > 0.22 && y < 0.6) || Math.hypot(dx, y - 0.74) < 0.07;
      case 'critical': // cross
        return distToSegment(x, y, 0.32, 0.32, 0.68, 0.68) < 0.07 || distToSegment(x, y, 0.68, 0.32, 0.32, 0.68) < 0.07;
      case 'running': // arrow up (upload)
        return (Math.abs(dx) < 0.06 && y > 0.3 && y < 0.74) || (y > 0.24 && y < 0.5 && Math.abs(dx) < (y - 0.24) * 0.9 && Math.abs(dx) > (y - 0.24) * 0.9 - 0.1);
      case 'paused': // two bars
        return y > 0.3 && y < 0.7 && ((x > 0.34 && x < 0.45) || (x > 0.55 && x < 0.66));
      default: // not configured: a ring only (hollow disc)
        return r < 0.3;
    }
  })();
  return { disc, inner };
}
function distToSegment(px, py, ax, ay, bx, by) {
  const t = Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
}

/** Colour icon: coloured disc, white mark. Template icon: black disc with the mark cut out (alpha). */
function draw(state, size, template) {
  const out = Buffer.alloc(size * size * 4);
  const [r, g, b] = COLORS[state];
  const S = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let discCov = 0, innerCov = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const m = mark(state, (px + (sx + 0.5) / S) / size, (py + (sy + 0.5) / S) / size);
          if (m.disc) discCov++;
          if (m.disc && m.inner) innerCov++;
        }
      }
      discCov /= S * S; innerCov /= S * S;
      const i = (py * size + px) * 4;
      if (template) {
        out[i] = out[i + 1] = out[i + 2] = 0;
        out[i + 3] = Math.round(255 * (discCov - innerCov));
      } else {
        const white = discCov > 0 ? innerCov / discCov : 0;
        out[i] = Math.round(r + (255 - r) * white);
        out[i + 1] = Math.round(g + (255 - g) * white);
        out[i + 2] = Math.round(b + (255 - b) * white);
        out[i + 3] = Math.round(255 * discCov);
      }
    }
  }
  return png(size, out);
}

function ico(images) {
  const header = Buffer.alloc(6 + images.length * 16);
  header.writeUInt16LE(0, 0); header.writeUInt16LE(1, 2); header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, data }, n) => {
    const e = 6 + n * 16;
    header[e] = size; header[e + 1] = size; // 256 would be 0; ours are small
    header.writeUInt16LE(1, e + 4); header.writeUInt16LE(32, e + 6);
    header.writeUInt32LE(data.length, e + 8); header.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.data)]);
}

function write(path, bytes) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

for (const state of Object.keys(COLORS)) {
  const name = `tray-${state}`;
  const small = draw(state, 16, false), large = draw(state, 32, false);
  write(join(assets, 'tray', 'linux', `${name}.png`), small);
  write(join(assets, 'tray', 'linux', `${name}@2x.png`), large);
  write(join(assets, 'tray', 'win', `${name}.ico`), ico([{ size: 16, data: small }, { size: 32, data: large }]));
  write(join(assets, 'tray', 'mac', `${name}Template.png`), draw(state, 16, true));
  write(join(assets, 'tray', 'mac', `${name}Template@2x.png`), draw(state, 32, true));
}
write(join(assets, 'icon.png'), draw('healthy', 512, false));
console.log(`icons written under ${assets}`);
