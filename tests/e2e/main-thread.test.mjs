// The main thread stays free: the worker decodes, extracts and draws the
// composite into the page's canvas itself (an OffscreenCanvas), so even a
// 64-megapixel composite never comes to the main thread. From choosing an
// 8000×8000 PNG until its composite is on screen, no main-thread task takes
// over 50 ms (the `longtask` entries of a PerformanceObserver installed
// before the file is chosen); its PNG download still has every pixel.
// Without OffscreenCanvas the page falls back to putting the worker's pixels
// itself, and still works.
//
// The PNG (8-bit RGB, four flat quadrants) is generated into a temporary folder.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  openApp,
  choose,
  waitForPalette,
  hexes,
  download,
  pngSize,
  stripColors,
  deltaE,
  hexRgb,
  useBrowser,
  writePng,
} from './helpers.mjs';

const W = 8000;
const H = 8000;
const NAME = 'main_thread_8000x8000_rgb8.png';
const QUADS = ['#dc1e28', '#28aa3c', '#283cd2', '#f0d228'];
const LONG_TASK_MS = 50;

let big;
const env = useBrowser('cinepal-main-thread-', async ({ tmp }) => {
  big = path.join(tmp, NAME);
  const t0 = performance.now();
  await writePng(big, { width: W, height: H, depth: 8, colorType: 2 }, scanlines());
  const { size } = await stat(big);
  console.log(`generated ${NAME}: ${size} bytes in ${Math.round(performance.now() - t0)} ms`);
});

/** Rows of two flat colors side by side (filter byte 0, then W pixels of 8-bit RGB). */
function halves(left, right) {
  const row = Buffer.alloc(1 + W * 3);
  const [l, r] = [left, right].map(hexRgb);
  for (let x = 0; x < W; x++) row.set(x < W / 2 ? l : r, 1 + x * 3);
  return row;
}

function* scanlines() {
  const top = halves(QUADS[0], QUADS[1]);
  const bottom = halves(QUADS[2], QUADS[3]);
  const rows = 100; // 2.4 MB a block
  for (let y0 = 0; y0 < H; y0 += rows) {
    yield Buffer.concat(Array.from({ length: rows }, (_, i) => (y0 + i < H / 2 ? top : bottom)));
  }
}

/** Starts recording the main thread's long tasks (and the time) in the page. */
function watchLongTasks(page) {
  return page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ startMs: e.startTime, durationMs: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    return performance.now();
  });
}

/** The long tasks between `from` and now (page clock), after letting the observer deliver its entries. */
async function longTasksSince(page, from) {
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
  return page.evaluate(
    (from) => window.__longTasks.filter((t) => t.startMs + t.durationMs > from).map((t) => ({ ...t, startMs: t.startMs - from })),
    from,
  );
}

const describe = (tasks) => tasks.map((t) => `${Math.round(t.durationMs)} ms at ${Math.round(t.startMs)} ms`).join(', ') || 'none';

test(`a ${W}×${H} composite is drawn with no main-thread task over ${LONG_TASK_MS} ms, and saved at full resolution`, { timeout: 300_000 }, async (t) => {
  const { context, page } = await openApp(env.browser, env.server);
  try {
    assert.ok(await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('longtask')), 'longtask entries');
    const t0 = await watchLongTasks(page);
    await choose(page, big);
    const shown = await waitForPalette(page, NAME, { timeout: 120_000 });
    const t1 = await page.evaluate(() => performance.now());
    const tasks = (await longTasksSince(page, t0)).filter((x) => x.startMs < t1 - t0);
    const timings = await page.getAttribute('#status', 'data-timings');
    t.diagnostic(`${NAME}: on screen ${Math.round(t1 - t0)} ms after choosing it; ms inside: ${timings}; long tasks: ${describe(tasks)}`);
    assert.deepEqual(tasks.filter((x) => x.durationMs > LONG_TASK_MS), [], 'no main-thread task over 50 ms');

    assert.equal(shown.length, 4);
    for (const want of QUADS) {
      const d = Math.min(...shown.map((h) => deltaE(hexRgb(h), hexRgb(want))));
      assert.ok(d < 1, `${want} is ΔE_ok ${d.toFixed(2)} from every swatch of ${shown}`);
    }
    const band = Math.floor((11 * W) / (10 * shown.length + 1));
    assert.deepEqual(await page.$eval('#composite', (c) => [c.width, c.height]), [W, H + band]);

    // The PNG: every pixel of the composite (encoded in the worker).
    const t2 = await watchLongTasks(page);
    const png = await download(page, 'png');
    assert.equal(png.name, 'main_thread_8000x8000_rgb8-palette.png');
    assert.deepEqual(pngSize(png.bytes), { width: W, height: H + band }, 'the PNG has the full resolution');
    t.diagnostic(`PNG download: ${png.bytes.length} bytes; long tasks meanwhile: ${describe(await longTasksSince(page, t2))}`);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test('without OffscreenCanvas, the page puts the pixels itself: the palette, a reorder and the PNG still work', async () => {
  const { context, page } = await openApp(env.browser, env.server);
  try {
    await page.addInitScript(() => {
      delete HTMLCanvasElement.prototype.transferControlToOffscreen;
    });
    await page.reload();
    await page.waitForSelector('body.is-ready');
    const small = path.join(env.tmp, 'quads.png');
    const w = 200;
    const h = 120;
    const row = (a, b) => {
      const r = Buffer.alloc(1 + w * 3);
      for (let x = 0; x < w; x++) r.set(hexRgb(x < w / 2 ? a : b), 1 + x * 3);
      return r;
    };
    const rows = Array.from({ length: h }, (_, y) => (y < h / 2 ? row(QUADS[0], QUADS[1]) : row(QUADS[2], QUADS[3])));
    await writePng(small, { width: w, height: h, depth: 8, colorType: 2 }, [Buffer.concat(rows)]);
    await choose(page, small);
    const first = await waitForPalette(page, 'quads.png');
    assert.equal(first.length, 4);
    // The canvas is the page's own: its pixels can be read here.
    const px = await page.evaluate(() => [...document.getElementById('composite').getContext('2d').getImageData(10, 10, 1, 1).data]);
    assert.deepEqual(px, [...hexRgb(QUADS[0]), 255]);
    assert.deepEqual(await stripColors(page), first);
    await page.focus('#swatches [data-hex]:first-child');
    await page.keyboard.press('Alt+ArrowRight');
    const moved = await waitForPalette(page, 'quads.png', { not: first });
    assert.deepEqual(moved, [first[1], first[0], first[2], first[3]]);
    assert.deepEqual(await stripColors(page), moved);
    await page.selectOption('#method', 'balanced');
    const ward = await waitForPalette(page, 'quads.png');
    assert.deepEqual(await stripColors(page), ward);
    assert.deepEqual(await hexes(page), ward);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});
