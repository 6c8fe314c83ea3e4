// Draw the Akashic mark and write the console's icons: PNGs (encoded here with node:zlib) and the SVG favicon.
//   node apps/web/scripts/make-icons.mjs
// The mark: a white "A" chevron on deep navy with an amber point of insight inside it. All geometry lives in a
// unit square, so the PNGs and the SVG are drawn from the same numbers.
import { Buffer } from 'node:buffer';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const publicDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'public');
const iconsDir = path.join(publicDir, 'icons');

const NAVY = [0x13, 0x23, 0x5b];
const WHITE = [0xff, 0xff, 0xff];
const AMBER = [0xf5, 0xb3, 0x01];

// Mark geometry (unit square, y down).
const OUTER = [
  [0.5, 0.16],
  [0.83, 0.82],
  [0.17, 0.82],
];
const INNER = [
  [0.5, 0.44],
  [0.69, 0.82],
  [0.31, 0.82],
];
const DOT = { cx: 0.5, cy: 0.7, r: 0.065 };
const CORNER = 0.22; // radius of the rounded tile, for the non-maskable icons

/** Point-in-convex-polygon (vertices in order, either winding). */
function inPolygon(x, y, poly) {
  let sign = 0;
  for (let i = 0; i < poly.length; i++) {
    const [x1, y1] = poly[i];
    const [x2, y2] = poly[(i + 1) % poly.length];
    const cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1);
    if (cross === 0) continue;
    const s = Math.sign(cross);
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}

function inRoundedSquare(x, y, r) {
  const cx = Math.min(Math.max(x, r), 1 - r);
  const cy = Math.min(Math.max(y, r), 1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/**
 * Rasterize one icon. `scale` shrinks the mark about the centre (maskable icons keep it inside the safe zone);
 * `rounded` gives a transparent-cornered tile, otherwise the background is full-bleed.
 */
function draw(size, { scale, rounded }) {
  const SS = 4; // 4×4 supersampling for anti-aliased edges
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let bg = 0;
      let mark = 0;
      let dot = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const x = (px + (sx + 0.5) / SS) / size;
          const y = (py + (sy + 0.5) / SS) / size;
          if (rounded ? !inRoundedSquare(x, y, CORNER) : false) continue;
          bg++;
          // Into mark space.
          const mx = (x - 0.5) / scale + 0.5;
          const my = (y - 0.5) / scale + 0.5;
          if ((mx - DOT.cx) ** 2 + (my - DOT.cy) ** 2 <= DOT.r ** 2) dot++;
          else if (inPolygon(mx, my, OUTER) && !inPolygon(mx, my, INNER)) mark++;
        }
      }
      const n = SS * SS;
      const i = (py * size + px) * 4;
      if (bg === 0) continue;
      // Colour over the covered samples; alpha is the tile coverage.
      for (let c = 0; c < 3; c++) {
        const v = (NAVY[c] * (bg - mark - dot) + WHITE[c] * mark + AMBER[c] * dot) / bg;
        rgba[i + c] = Math.round(v);
      }
      rgba[i + 3] = Math.round((255 * bg) / n);
    }
  }
  return rgba;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
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

function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const hex = (rgb) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
const pts = (poly) => poly.map(([x, y]) => `${x * 64} ${y * 64}`).join(' L');

function svg() {
  const r = CORNER * 64;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
  <rect width="64" height="64" rx="${r}" fill="${hex(NAVY)}"/>
  <path fill="${hex(WHITE)}" fill-rule="evenodd" d="M${pts(OUTER)} Z M${pts(INNER)} Z"/>
  <circle cx="${DOT.cx * 64}" cy="${DOT.cy * 64}" r="${DOT.r * 64}" fill="${hex(AMBER)}"/>
</svg>
`;
}

const outputs = [
  { file: 'icon-192.png', size: 192, scale: 1, rounded: true },
  { file: 'icon-512.png', size: 512, scale: 1, rounded: true },
  // Maskable: full-bleed background, the mark shrunk to sit inside the central 80 % safe-zone circle.
  { file: 'icon-maskable-192.png', size: 192, scale: 0.72, rounded: false },
  { file: 'icon-maskable-512.png', size: 512, scale: 0.72, rounded: false },
  // iOS rounds the corners itself and shows transparency as black: full-bleed.
  { file: 'apple-touch-icon.png', size: 180, scale: 0.86, rounded: false },
];

mkdirSync(iconsDir, { recursive: true });
for (const o of outputs) {
  const png = encodePng(o.size, draw(o.size, o));
  writeFileSync(path.join(iconsDir, o.file), png);
  console.log(`wrote icons/${o.file} (${o.size}×${o.size}, ${png.length} bytes)`);
}
writeFileSync(path.join(iconsDir, 'favicon.svg'), svg());
console.log('wrote icons/favicon.svg');
