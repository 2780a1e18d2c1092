// The largest image the default limits allow, in its costliest format: an
// 8000×8000 (64,000,000 pixels, exactly at the default limit) 16-bit RGBA PNG.
// The decoder holds 512 MiB of 16-bit samples and then 256 MiB of 8-bit ones,
// so this is where the wasm side would trap on a failed allocation. The page
// must give a palette for it (no alert, no "restarted" notice), and stay
// usable for the next image.
//
// The PNG is generated here, streamed row block by row block through
// zlib (level 1) into IDAT chunks of at most 4 MiB (helpers.mjs, writePng),
// into a temporary folder: it never sits in memory whole, and never lands in
// the repository.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PNG } from 'pngjs';
import {
  openApp,
  choose,
  hexes,
  image,
  imagesMissing,
  deltaE,
  hexRgb,
  useBrowser,
  writePng,
  engineDefaults,
} from './helpers.mjs';

const W = 8000;
const H = 8000;
const NAME = 'largest_8000x8000_rgba16.png';
// The four quadrants (top-left, top-right, bottom-left, bottom-right): ΔE_ok > 25 apart.
const QUADS = ['#dc1e28', '#28aa3c', '#283cd2', '#f0d228'];
// Across the middle, a band of BAND rows of a gray ramp over the full 16-bit
// range (most of its samples are not multiples of 257), so the image is not
// only four flat colors and the 16→8-bit conversion is really exercised.
const BAND = 64;
const BAND_TOP = H / 2 - BAND / 2;

let big;
const env = useBrowser('cinepal-largest-', async ({ tmp }) => {
  big = path.join(tmp, NAME);
  const t0 = performance.now();
  await writeRgba16Png(big);
  const { size } = await stat(big);
  console.log(`generated ${NAME}: ${size} bytes in ${Math.round(performance.now() - t0)} ms`);
});

// ---- the PNG

/** One scanline (filter byte 0, then W pixels of 16-bit big-endian RGBA) from `pixel(x)` → [r, g, b, a] in 0..65535. */
function scanline(pixel) {
  const row = Buffer.alloc(1 + W * 8);
  for (let x = 0; x < W; x++) {
    const [r, g, b, a] = pixel(x);
    const o = 1 + x * 8;
    row.writeUInt16BE(r, o);
    row.writeUInt16BE(g, o + 2);
    row.writeUInt16BE(b, o + 4);
    row.writeUInt16BE(a, o + 6);
  }
  return row;
}

/** Two flat colors side by side, as 16-bit samples (8-bit value × 257), opaque. */
function halves(left, right) {
  const [l, r] = [left, right].map((hex) => [...hexRgb(hex).map((v) => v * 257), 65535]);
  return scanline((x) => (x < W / 2 ? l : r));
}

function* scanlines() {
  const top = halves(QUADS[0], QUADS[1]);
  const bottom = halves(QUADS[2], QUADS[3]);
  const ramp = scanline((x) => {
    const v = Math.round((x * 65535) / (W - 1));
    return [v, v, v, 65535];
  });
  const rows = 50; // 3.2 MB a block
  for (let y0 = 0; y0 < H; y0 += rows) {
    const block = [];
    for (let y = y0; y < Math.min(H, y0 + rows); y++) {
      block.push(y >= BAND_TOP && y < BAND_TOP + BAND ? ramp : y < H / 2 ? top : bottom);
    }
    yield Buffer.concat(block);
  }
}

/** Writes the W×H 16-bit RGBA PNG (color type 6, bit depth 16, no interlace) to `file`. */
function writeRgba16Png(file) {
  return writePng(file, { width: W, height: H, depth: 16, colorType: 6 }, scanlines());
}

// ---- the page

/**
 * Waits until either the palette of `name` is on screen with its composite
 * drawn, or the alert names something (a failure, or the engine's restart):
 * a failure is reported at once rather than after the whole timeout.
 * `onSwatches` is called when the swatches first show `name`.
 */
async function paletteOrAlert(page, name, { timeout, onSwatches }) {
  const swatchesShown = page
    .waitForFunction(
      (name) => {
        const list = document.getElementById('swatches');
        return list.dataset.source === name && list.querySelector('[data-hex]') !== null;
      },
      name,
      { timeout, polling: 'raf' },
    )
    .then(onSwatches, () => {});
  const outcome = await page.waitForFunction(
    (name) => {
      const alert = document.querySelector('[role="alert"]').textContent.trim();
      if (alert) return { alert };
      const list = document.getElementById('swatches');
      const hexes = [...list.querySelectorAll('[data-hex]')].map((li) => li.dataset.hex);
      const canvas = document.getElementById('composite');
      const done =
        list.dataset.source === name &&
        hexes.length > 0 &&
        canvas.dataset.hexes === hexes.join(',') &&
        document.querySelector('.stage').getAttribute('aria-busy') === 'false';
      return done ? { hexes } : false;
    },
    name,
    { timeout, polling: 250 },
  );
  const result = await outcome.jsonValue();
  // On a palette, the swatches were shown first: let their time be recorded.
  if (!result.alert) await swatchesShown;
  return result;
}

/** Everything the page and its workers say, for the report when something fails. */
function recordLog(page) {
  const log = [];
  const t0 = performance.now();
  const at = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  page.on('console', (m) => log.push(`${at()} page ${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`${at()} page error: ${e}`));
  page.on('crash', () => log.push(`${at()} the page crashed`));
  const watch = (w) => {
    w.on('console', (m) => log.push(`${at()} worker ${m.type()}: ${m.text()}`));
    w.on('close', () => log.push(`${at()} worker closed: ${w.url()}`));
  };
  for (const w of page.workers()) watch(w);
  page.on('worker', (w) => {
    log.push(`${at()} worker started: ${w.url()}`);
    watch(w);
  });
  return log;
}

test(`the largest image the default limits allow (${W}×${H} 16-bit RGBA PNG) gives a palette, and the page works afterwards`, { timeout: 300_000 }, async (t) => {
  const { context, page } = await openApp(env.browser, env.server);
  const log = recordLog(page);
  try {
    // The limit as the engine states it, from a page of its own (a second
    // instance of the module in this page would cost memory).
    const limit = (await engineDefaults(env.browser, env.server)).maxPixels;
    assert.equal(limit, W * H, 'the image is exactly at the default limit');

    const t0 = performance.now();
    let swatchesMs = NaN;
    await choose(page, big);
    const outcome = await paletteOrAlert(page, NAME, {
      timeout: 120_000,
      onSwatches: () => (swatchesMs = performance.now() - t0),
    });
    const answerMs = performance.now() - t0;
    const line = await page.textContent('#status');
    const timings = await page.getAttribute('#status', 'data-timings');
    t.diagnostic(
      outcome.alert
        ? `${NAME}: an alert ${Math.round(answerMs)} ms after giving the file`
        : `${NAME}: swatches on screen ${Math.round(swatchesMs)} ms after giving the file, composite drawn after ` +
            `${Math.round(answerMs)} ms; the page says "${line}"; ms inside: ${timings}`,
    );
    if (outcome.alert) {
      assert.fail(`the page gave no palette for ${NAME}: "${outcome.alert}"`);
    }
    assert.doesNotMatch(await page.textContent('[role="alert"]'), /\S/, 'no alert');
    assert.doesNotMatch(await page.textContent('body'), /restarted/, 'no notice that the engine was restarted');
    assert.deepEqual(page.errors, []);

    const got = await hexes(page);
    assert.deepEqual(got, outcome.hexes);
    assert.ok(got.length >= 4, `at least 4 swatches, got ${got}`);
    // Each quadrant is a flat 4000×3968 area decoded exactly (16-bit samples
    // v×257 become v), so its swatch is the mean of one flat color plus at most
    // a sliver of the ramp, rounded to 8 bits: a level off at most, ΔE_ok < 2,
    // while the four colors are ΔE_ok > 25 apart.
    const nearest = QUADS.map((want) => Math.min(...got.map((h) => deltaE(hexRgb(h), hexRgb(want)))));
    t.diagnostic(`swatches ${got.join(' ')}; ΔE_ok from each quadrant color to its nearest: ${nearest.map((d) => d.toFixed(2)).join(', ')}`);
    for (const [i, d] of nearest.entries()) {
      assert.ok(d < 2, `${QUADS[i]} is ΔE_ok ${d.toFixed(2)} from every swatch of ${got}`);
    }
    assert.match(line, /64\.0 MP/, 'the whole image was read');
    const band = Math.floor((11 * W) / (10 * got.length + 1));
    assert.deepEqual(await page.$eval('#composite', (c) => [c.width, c.height]), [W, H + band]);

    // The page still works: a normal image right after.
    const small = imagesMissing ? await smallPng() : image('vibrant_black_cat_dark.jpg');
    const smallName = path.basename(small);
    const next = await paletteOrAlertAfter(page, small, smallName);
    if (next.alert) {
      assert.fail(`the page gave no palette for ${smallName} after ${NAME}: "${next.alert}"`);
    }
    assert.ok(next.hexes.length >= 2, `${smallName}: ${next.hexes}`);
    assert.notDeepEqual(next.hexes, got);
    const size = await page.$eval('#composite', (c) => c.width);
    assert.ok(size < W, `the composite is ${smallName}'s now (${size} wide)`);
    assert.equal(await page.locator('#queue .thumb').count(), 2);
    assert.equal(await page.locator('#queue .thumb.is-failed').count(), 0);
    assert.deepEqual(page.errors, []);
  } catch (e) {
    t.diagnostic(`what the page and its workers said (${log.length} lines):`);
    for (const line of log) t.diagnostic(line);
    throw e;
  } finally {
    await context.close();
  }
});

async function paletteOrAlertAfter(page, file, name) {
  await choose(page, file);
  return paletteOrAlert(page, name, { timeout: 30_000, onSwatches: () => {} });
}

/** Without the test images: a small 8-bit PNG of two colors. */
async function smallPng() {
  const p = new PNG({ width: 120, height: 60 });
  for (let i = 0; i < 120 * 60; i++) p.data.set((i % 120) < 40 ? [200, 30, 40, 255] : [40, 60, 200, 255], i * 4);
  const file = path.join(env.tmp, 'small.png');
  await writeFile(file, PNG.sync.write(p));
  return file;
}
