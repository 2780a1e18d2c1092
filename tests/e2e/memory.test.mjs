// Long sessions (issue 12, item 9): 50 images opened one after another into
// one queue (five photos in turn, the 11 MP and the 22 MP among them) leave
// the page's memory bounded. Read after 1, 10 and 50 images, each time after
// a forced garbage collection (Chromium with --expose-gc, figures exact with
// --enable-precise-memory-info): the page's JS heap
// (performance.memory.usedJSHeapSize), the worker's wasm memory (each
// instance's memory.buffer.byteLength: it only grows) and the stills it
// holds (www/worker.js `memory()`). Not a timed test: the figures are
// printed (`# memory …`) and BENCHMARKS.md has them ("Long sessions").

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openApp, choose, waitForPalette, image, imagesMissing } from './helpers.mjs';

const skip = imagesMissing ? `skipped: ${imagesMissing}` : false;

// Ten turns of five: after 10 images the cycle has been seen twice, so every
// state of the worker's held stills (and the largest decoding beside them) has been met.
const CYCLE = [
  'okolors_louvre_night.jpg',
  'vibrant_night_umbrella_11mp.jpg',
  'vibrant_portrait_film.jpg',
  'okolors_lake_mendota_22mp.jpg',
  'vibrant_black_cat_dark.jpg',
];
const IMAGES = 50;
/** What each image more in the queue may add to the page's heap: its item, its entry and its history (one palette). */
// (Measured: about 5 KiB each; 16 KiB leaves room for the collector's leftovers.)
const PER_ITEM_BYTES = 16 * 1024;
/** The worker's bounds (www/worker.js): besides the still on screen, at most 8 others of at most 8 MP together. */
const HOLD_STILLS = 8;
const HOLD_PIXELS = 8e6;

const env = {};
before(async () => {
  if (skip) return;
  env.server = await startServer();
  env.browser = await launch(['--js-flags=--expose-gc', '--enable-precise-memory-info']);
});
after(async () => {
  await env.browser?.close();
  await env.server?.close();
});

const MiB = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;

/** The page's JS heap after a forced collection, and the worker's figures (after one of its own). */
async function measure(page) {
  const workers = page.workers();
  const worker = workers[workers.length - 1];
  const engine = await worker.evaluate(() => {
    self.gc();
    return self.cinepalMemory();
  });
  const heap = await page.evaluate(async () => {
    // Twice, with a task between: what a first pass frees can let a second free more.
    window.gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
    window.gc();
    return performance.memory.usedJSHeapSize;
  });
  return { heap, ...engine };
}

test('50 images in one session: the JS heap and the wasm memory stay bounded', { skip, timeout: 600_000 }, async () => {
  const { context, page } = await openApp(env.browser, env.server);
  try {
    const at = {};
    for (let i = 1; i <= IMAGES; i++) {
      const name = CYCLE[(i - 1) % CYCLE.length];
      await choose(page, image(name));
      await waitForPalette(page, name, { timeout: 60_000 });
      if (i === 1 || i === 10 || i === IMAGES) {
        at[i] = await measure(page);
        const m = at[i];
        console.log(
          `# memory after ${i} images: JS heap ${MiB(m.heap)} (${m.heap} B), wasm ${MiB(m.wasm)}` +
            ` (color module ${MiB(m.colorWasm)}), ${m.stills} stills held (${(m.pixels / 1e6).toFixed(1)} MP)`,
        );
      }
      // Never more held than the bounds (the one on screen may be larger).
      if (i % 5 === 0) {
        const m = await page.workers().at(-1).evaluate(() => self.cinepalMemory());
        assert.ok(m.stills <= HOLD_STILLS + 1, `${m.stills} stills held after ${i} images`);
        assert.ok(m.others <= HOLD_PIXELS, `${m.others} pixels held besides the still on screen after ${i} images`);
      }
    }
    assert.equal(await page.locator('#queue .queue-item').count(), IMAGES);
    // The wasm memory only grows: once the largest image (and what is held beside it) has been met, it must not.
    assert.equal(at[IMAGES].wasm, at[10].wasm, `wasm memory after ${IMAGES} images equals that after 10`);
    assert.equal(at[IMAGES].colorWasm, at[10].colorWasm, 'the color module’s memory too');
    // The heap may grow by what each image more in the queue keeps (its entry, its history of one palette), no more.
    const margin = (IMAGES - 10) * PER_ITEM_BYTES;
    assert.ok(
      at[IMAGES].heap <= at[10].heap + margin,
      `JS heap ${MiB(at[IMAGES].heap)} after ${IMAGES} images, over ${MiB(at[10].heap)} after 10 + ${MiB(margin)}`,
    );

    // Removing them all lets go of every still and every thumbnail's URL.
    const url = await page.getAttribute('#queue .queue-item:first-child img', 'src');
    // (Read as an image: the page's policy lets blob: URLs be images, not fetched.)
    const loads = (u) => page.evaluate((u) => Object.assign(new Image(), { src: u }).decode().then(() => true, () => false), u);
    assert.equal(await loads(url), true, 'a thumbnail URL, before');
    // (The one on screen, the last, goes last: the page is then empty.)
    await page.evaluate(() => {
      for (const b of document.querySelectorAll('#queue .queue-remove')) b.click();
    });
    await page.waitForSelector('body.is-empty:not(.has-image)');
    const end = await measure(page);
    console.log(`# memory after removing them all: JS heap ${MiB(end.heap)}, wasm ${MiB(end.wasm)}, ${end.stills} stills held`);
    assert.equal(end.stills, 0);
    assert.deepEqual(page.errors, []);
    // (Its failure to load is a console error of its own.)
    assert.equal(await loads(url), false, 'its URL revoked');
    assert.ok(end.heap <= at[10].heap + margin, `JS heap ${MiB(end.heap)} once emptied`);
  } finally {
    await context.close();
  }
});
