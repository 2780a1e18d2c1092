// Writes the page's icons (www/icons/): a strip of colored bars on the
// page's dark surround, as an SVG and as PNGs of 192 and 512 pixels
// (rasterized here, 4×4 samples a pixel), plus a maskable 512 (full bleed,
// the bars inside the safe zone). One definition of the drawing for all four.
// Run: node scripts/icons.mjs (the files are committed; run it after a change).

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../www/icons');
const BG = '#121212'; // --bg of www/style.css (dark)
const BARS = ['#1d3557', '#2a9d8f', '#e9c46a', '#f4a261', '#e76f51'];
const SIZE = 512;

/** The drawing on a 512 grid: a rounded square (radius `radius`) and the bars, scaled by `scale` about the center. */
function shapes({ radius, scale }) {
  const w = 64 * scale;
  const h = 288 * scale;
  const x0 = 256 - (BARS.length * w) / 2;
  const y0 = 256 - h / 2;
  return {
    radius,
    bars: BARS.map((fill, i) => ({ x: x0 + i * w, y: y0, w, h, fill })),
  };
}

function svg({ radius, bars }) {
  const r = (v) => Math.round(v * 100) / 100;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${SIZE} ${SIZE}">` +
    `<rect width="${SIZE}" height="${SIZE}" rx="${radius}" fill="${BG}"/>` +
    bars.map((b) => `<rect x="${r(b.x)}" y="${r(b.y)}" width="${r(b.w)}" height="${r(b.h)}" fill="${b.fill}"/>`).join('') +
    '</svg>\n'
  );
}

const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

function inRounded(x, y, radius) {
  if (x < 0 || y < 0 || x >= SIZE || y >= SIZE) return false;
  const cx = Math.min(Math.max(x, radius), SIZE - radius);
  const cy = Math.min(Math.max(y, radius), SIZE - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

function png({ radius, bars }, px) {
  const image = new PNG({ width: px, height: px });
  const k = SIZE / px;
  const bg = rgb(BG);
  const fills = bars.map((b) => rgb(b.fill));
  const N = 4;
  for (let j = 0; j < px; j++) {
    for (let i = 0; i < px; i++) {
      const acc = [0, 0, 0];
      let alpha = 0;
      for (let sy = 0; sy < N; sy++) {
        for (let sx = 0; sx < N; sx++) {
          const x = (i + (sx + 0.5) / N) * k;
          const y = (j + (sy + 0.5) / N) * k;
          if (!inRounded(x, y, radius)) continue;
          const bar = bars.findIndex((b) => x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h);
          const c = bar < 0 ? bg : fills[bar];
          for (let ch = 0; ch < 3; ch++) acc[ch] += c[ch];
          alpha++;
        }
      }
      const o = (j * px + i) * 4;
      for (let ch = 0; ch < 3; ch++) image.data[o + ch] = alpha ? Math.round(acc[ch] / alpha) : 0;
      image.data[o + 3] = Math.round((255 * alpha) / (N * N));
    }
  }
  return PNG.sync.write(image, { colorType: 6 });
}

const any = shapes({ radius: 96, scale: 1 });
// Maskable: the platform cuts its own shape; everything that matters within
// the central circle of 40 % radius (the bars' corners at 0.8 × their size).
const maskable = shapes({ radius: 0, scale: 0.8 });
writeFileSync(path.join(OUT, 'icon.svg'), svg(any));
writeFileSync(path.join(OUT, 'icon-192.png'), png(any, 192));
writeFileSync(path.join(OUT, 'icon-512.png'), png(any, 512));
writeFileSync(path.join(OUT, 'icon-maskable-512.png'), png(maskable, 512));
console.log(`icons written to ${OUT}`);
