#!/usr/bin/env node
// A benchmark (not a test): in one worker of headless Chromium, the engine's
// own JPEG decoder (www/pkg, wasm) against the browser's (createImageBitmap,
// then the pixels read back from a canvas, as the page would have to), on
// the same files, rounds alternating; then the palette of each, to see
// whether the browser's pixels give the CLI's colors. Issue 12, item 11:
// would the browser's decoder bring the page closer to the native CLI?
//
//   scripts/build.sh && node benches/decoders.mjs [--image PATH]... [--rounds N]
//
// Defaults: the 11 MP and 22 MP JPEGs of ../shared/images, 7 rounds after one
// warm-up. Prints medians (ms) per image and path: decode, and for the
// browser its three steps (createImageBitmap, drawImage, getImageData) and
// the copy into the engine (Still.fromPixels); extraction (default options)
// of each still; and whether the two palettes are the same colors.

import path from 'node:path';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { launch } from '../tests/e2e/chromium.mjs';
import { startServer, PREFIX, ROOT, IMAGES } from '../tests/e2e/helpers.mjs';
import { median } from './stats.mjs';

const args = process.argv.slice(2);
const images = [];
let rounds = 7;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--image') images.push(path.resolve(ROOT, args[++i]));
  else if (args[i] === '--rounds') rounds = Number(args[++i]);
  else {
    console.error('usage: node benches/decoders.mjs [--image PATH]... [--rounds N]');
    process.exit(2);
  }
}
if (!images.length) {
  for (const name of ['vibrant_night_umbrella_11mp.jpg', 'okolors_lake_mendota_22mp.jpg']) {
    images.push(path.join(IMAGES, name));
  }
}

// The worker: the engine's module by absolute URL (a blob worker has no base of its own).
const WORKER = (pkg) => `
import init, { Still } from '${pkg}';
const ready = init();
const ms = () => performance.now();
function byEngine(bytes) {
  let t = ms();
  const still = new Still(bytes, {});
  const decode = ms() - t;
  t = ms();
  const p = still.extract({});
  const extract = ms() - t;
  still.free();
  return { decode, extract, hexes: p.colors.map((c) => c.hex) };
}
async function byBrowser(bytes) {
  let t = ms();
  const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }), {
    colorSpaceConversion: 'none', premultiplyAlpha: 'none',
  });
  const bitmapMs = ms() - t;
  const { width, height } = bitmap;
  t = ms();
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
  ctx.drawImage(bitmap, 0, 0);
  const drawMs = ms() - t;
  bitmap.close();
  t = ms();
  const { data } = ctx.getImageData(0, 0, width, height);
  const readMs = ms() - t;
  t = ms();
  const still = Still.fromPixels(width, height, data, 'JPEG', {});
  const copyMs = ms() - t;
  t = ms();
  const p = still.extract({});
  const extract = ms() - t;
  still.free();
  return { decode: bitmapMs + drawMs + readMs + copyMs, bitmapMs, drawMs, readMs, copyMs, extract, hexes: p.colors.map((c) => c.hex) };
}
onmessage = async ({ data: { bytes, path } }) => {
  await ready;
  const out = path === 'engine' ? byEngine(bytes) : await byBrowser(bytes);
  postMessage(out);
};
`;

const server = await startServer();
const browser = await launch();
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e}`));
  // Any page of the origin will do: the bench only needs its workers.
  await page.goto(`${server.origin}${PREFIX}www/warmup/baseline.jpg`);
  await page.evaluate((code) => {
    const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    const worker = new Worker(url, { type: 'module' });
    worker.onerror = (e) => console.error(e.message);
    self.runIn = (bytes, path) =>
      new Promise((resolve, reject) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.onmessageerror = reject;
        worker.postMessage({ bytes, path });
      });
  }, WORKER(`${server.origin}${PREFIX}www/pkg/cinepal.js`));

  const f = (x) => (x === undefined ? '' : x.toFixed(1));
  console.log('| image | path | decode ms | createImageBitmap | drawImage | getImageData | into the engine | extract ms | same palette as the engine\'s |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const file of images) {
    const b64 = readFileSync(file).toString('base64');
    const rows = { engine: [], browser: [] };
    for (let r = 0; r <= rounds; r++) {
      // The paths alternate, and which goes first too.
      for (const p of r % 2 ? ['engine', 'browser'] : ['browser', 'engine']) {
        const out = await page.evaluate(
          ({ b64, p }) => runIn(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)), p),
          { b64, p },
        );
        if (r > 0) rows[p].push(out);
      }
    }
    const same = rows.browser[0].hexes.join() === rows.engine[0].hexes.join();
    for (const p of ['engine', 'browser']) {
      const col = (k) => (rows[p][0][k] === undefined ? undefined : median(rows[p].map((x) => x[k])));
      console.log(
        `| ${path.basename(file)} | ${p} | ${f(col('decode'))} | ${f(col('bitmapMs'))} | ${f(col('drawMs'))} | ${f(col('readMs'))} | ${f(col('copyMs'))} | ${f(col('extract'))} | ${p === 'engine' ? '' : same ? 'yes' : `no: ${rows.browser[0].hexes.join(' ')} against ${rows.engine[0].hexes.join(' ')}`} |`,
      );
    }
  }
  const [load] = os.loadavg();
  console.log(`\n${rounds} rounds after a warm-up, medians; one worker, headless ${browser.version()}; ${os.cpus().length} CPUs, load ${load.toFixed(1)}.`);
} finally {
  await browser.close();
  await server.close();
}
