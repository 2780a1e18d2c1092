// Bad input, privacy (no request leaves the origin), several images,
// paste and drop, and how long an 11 MP photo takes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PNG } from 'pngjs';
import {
  openApp,
  patchEngine,
  choose,
  waitForPalette,
  hexes,
  stripColors,
  image,
  imagesMissing,
  cliPalette,
  useBrowser,
} from './helpers.mjs';

const skip = imagesMissing ? `skipped: ${imagesMissing}` : false;
const PORTRAIT = 'vibrant_portrait_film.jpg';
const CAT = 'vibrant_black_cat_dark.jpg';
const BIG = 'vibrant_night_umbrella_11mp.jpg';

const env = useBrowser('cinepal-e2e-');

test('a text file named .jpg shows an alert; the palette, order and settings stay; the next image works', { skip }, async () => {
  const bad = path.join(env.tmp, 'notes.jpg');
  await writeFile(bad, 'These are notes, not a photograph.\n'.repeat(20));
  const { context, page } = await openApp(env.browser, env.server);
  try {
    await choose(page, image(PORTRAIT));
    await page.fill('#count', '7');
    const first = await waitForPalette(page, PORTRAIT, { count: 7 });
    await page.focus('#swatches [data-hex]:first-child');
    await page.keyboard.press('Alt+ArrowRight');
    const manual = await waitForPalette(page, PORTRAIT, { count: 7, not: first });

    await choose(page, bad);
    const alert = page.locator('[role="alert"]');
    await alert.filter({ hasText: 'notes.jpg' }).waitFor({ timeout: 15_000 });
    assert.match(await alert.textContent(), /notes\.jpg.*could not be read as an image/);
    // Nothing on screen was wiped.
    assert.deepEqual(await hexes(page), manual);
    assert.deepEqual(await stripColors(page), manual);
    assert.equal(await page.inputValue('#sort'), 'manual');
    assert.equal(await page.inputValue('#count'), '7');
    // The failed file is marked in the list of images.
    assert.equal(await page.locator('#queue .thumb.is-failed').count(), 1);
    // The palette still answers: a download still has the manual order.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-download="json"]')]);
    const json = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.deepEqual(json.colors.map((c) => c.hex), manual);

    await choose(page, image(CAT));
    const cat = await waitForPalette(page, CAT, { count: 7 });
    assert.equal(cat.length, 7);
    assert.equal(await alert.textContent(), '', 'a good image clears the alert');
    assert.equal(await page.inputValue('#sort'), 'smooth', 'the default order, as it was');
  } finally {
    await context.close();
  }
});

test('no request leaves the origin and none carries a body, before and after an image', { skip }, async () => {
  const context = await env.browser.newContext({ acceptDownloads: true });
  const requests = [];
  context.on('request', (r) => requests.push({ url: r.url(), method: r.method(), body: r.postDataBuffer() }));
  const page = await context.newPage();
  try {
    await page.goto(env.server.url);
    await page.waitForSelector('body.is-ready');
    const beforeImage = requests.length;
    assert.ok(beforeImage >= 4, 'the page, its script, the worker and the wasm were fetched');
    await choose(page, image(PORTRAIT));
    await waitForPalette(page, PORTRAIT);
    await page.selectOption('#method', 'balanced');
    await waitForPalette(page, PORTRAIT);
    await page.click('#compare-panel summary');
    await page.waitForSelector('#compare button[data-method="outliers"]', { timeout: 30_000 });
    await Promise.all([page.waitForEvent('download'), page.click('[data-download="png"]')]);
    await page.waitForTimeout(300);
    for (const r of requests) {
      const u = new URL(r.url);
      const local = u.origin === env.server.origin || u.protocol === 'blob:' || u.protocol === 'data:';
      assert.ok(local, `request to another origin: ${r.url}`);
      assert.equal(r.method, 'GET', `${r.method} ${r.url}`);
      assert.ok(!r.body || r.body.length === 0, `request with a body: ${r.url}`);
    }
    const paths = requests.filter((r) => r.url.startsWith(env.server.origin)).map((r) => new URL(r.url).pathname);
    assert.ok(paths.every((p) => p.startsWith('/cinepal/')), 'every URL is relative to the sub-path');
    assert.ok(paths.some((p) => p.endsWith('.wasm')));
  } finally {
    await context.close();
  }
});

test('several images at once are queued and can be switched between', { skip }, async () => {
  const { context, page } = await openApp(env.browser, env.server);
  try {
    await choose(page, image(PORTRAIT), image(CAT));
    const portrait = await waitForPalette(page, PORTRAIT);
    assert.equal(await page.locator('#queue .thumb').count(), 2);
    // Reorder the first, switch to the second, and back: the order is kept.
    await page.focus('#swatches [data-hex]:first-child');
    await page.keyboard.press('Alt+ArrowRight');
    const manual = await waitForPalette(page, PORTRAIT, { not: portrait });
    await page.click('#queue .thumb >> nth=1');
    const cat = await waitForPalette(page, CAT);
    assert.notDeepEqual(cat, manual);
    await page.click('#queue .thumb >> nth=0');
    assert.deepEqual(await waitForPalette(page, PORTRAIT), manual);
    assert.equal(await page.inputValue('#sort'), 'manual');
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test('an image chosen while another is still decoding replaces it cleanly', { skip }, async () => {
  const { context, page } = await openApp(env.browser, env.server);
  try {
    await choose(page, image(BIG));
    // The 11 MP photo is still decoding: the worker is ended and a fresh one opens the cat.
    await page.waitForTimeout(50);
    await choose(page, image(CAT));
    const cat = await waitForPalette(page, CAT);
    assert.equal(cat.length, 10);
    assert.equal(await page.textContent('[role="alert"]'), '');
    // Settings changes go to the new worker, which has the cat.
    await page.selectOption('#method', 'balanced');
    const ward = await waitForPalette(page, CAT, { not: cat });
    assert.deepEqual(await stripColors(page), ward);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test('an image pasted or dropped on the page is opened', { skip }, async () => {
  const { context, page } = await openApp(env.browser, env.server);
  try {
    const bytes = (await readFile(image(CAT))).toString('base64');
    await page.evaluate((b64) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], 'image.png', { type: 'image/jpeg' }));
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
    }, bytes);
    await page.waitForFunction(() => /^pasted-/.test(document.getElementById('swatches').dataset.source || ''));
    const name = await page.$eval('#swatches', (l) => l.dataset.source);
    await waitForPalette(page, name);

    await page.evaluate((b64) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], 'dropped cat.jpg', { type: 'image/jpeg' }));
      const target = document.querySelector('.stage');
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    }, bytes);
    await waitForPalette(page, 'dropped cat.jpg');
    assert.equal(await page.isHidden('#drop-overlay'), true);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test('when the engine traps, the worker is replaced, the page says so, and the image on screen still works', { skip }, async () => {
  // A 13×9 image makes the (patched) engine trap as a Rust panic would.
  const png = new PNG({ width: 13, height: 9 });
  png.data.fill(200);
  const trap = path.join(env.tmp, 'trap.png');
  await writeFile(trap, PNG.sync.write(png));
  const { context, page } = await openApp(env.browser, env.server);
  try {
    await patchEngine(context, page, `
const __extract = Still.prototype.extract;
Still.prototype.extract = function (...args) {
  if (this.width === 13 && this.height === 9) throw new WebAssembly.RuntimeError('unreachable (test)');
  return __extract.apply(this, args);
};`);
    await choose(page, image(PORTRAIT));
    const first = await waitForPalette(page, PORTRAIT);

    await choose(page, trap);
    const alert = page.locator('[role="alert"]');
    await alert.filter({ hasText: 'trap.png' }).waitFor({ timeout: 15_000 });
    assert.match(await alert.textContent(), /engine stopped.*restarted/);
    assert.deepEqual(await hexes(page), first, 'the palette on screen stays');

    // The new worker does not have the image yet: it is opened again on demand.
    await page.fill('#count', '5');
    const five = await waitForPalette(page, PORTRAIT, { count: 5 });
    assert.deepEqual(await stripColors(page), five);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-download="json"]')]);
    const json = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.deepEqual(json.colors.map((c) => c.hex), five);
  } finally {
    await context.close();
  }
});

test('a reorder overtaken by a file that fails is still shown, drawn and exported as the engine holds it', { skip }, async () => {
  const bad = path.join(env.tmp, 'overtaking.jpg');
  await writeFile(bad, 'not an image\n'.repeat(50));
  const { context, page } = await openApp(env.browser, env.server);
  try {
    // Slow "compare methods" down, so that what follows it waits in the worker's queue.
    await patchEngine(context, page, `
const __preview = Still.prototype.preview;
Still.prototype.preview = function (...args) {
  const until = performance.now() + 400;
  while (performance.now() < until);
  return __preview.apply(this, args);
};`);
    await choose(page, image(PORTRAIT));
    const first = await waitForPalette(page, PORTRAIT);
    await page.click('#compare-panel summary');
    await page.focus('#swatches [data-hex]:first-child');
    await page.keyboard.press('Alt+ArrowRight');
    const moved = [first[1], first[0], ...first.slice(2)];
    assert.deepEqual(await hexes(page), moved);
    // While the compare runs: the reorder waits, then the file overtakes it (and fails).
    await choose(page, bad);
    const alert = page.locator('[role="alert"]');
    await alert.filter({ hasText: 'overtaking.jpg' }).waitFor({ timeout: 15_000 });
    const shown = await waitForPalette(page, PORTRAIT);
    assert.deepEqual(shown, moved, 'the list shows the order the engine holds');
    assert.deepEqual(await stripColors(page), moved, 'and so does the composite');
    assert.equal(await page.inputValue('#sort'), 'manual');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-download="json"]')]);
    const json = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.deepEqual(json.colors.map((c) => c.hex), moved, 'and so do the files');
  } finally {
    await context.close();
  }
});

test('performance: an 11 MP photo from choosing it to its swatches on screen', { skip }, async () => {
  const { context, page } = await openApp(env.browser, env.server);
  try {
    // Warm up the engine on a small image first, as a visitor's second image would.
    await choose(page, image(CAT));
    await waitForPalette(page, CAT);
    const t0 = performance.now();
    await choose(page, image(BIG));
    await page.waitForFunction(
      (name) => {
        const list = document.getElementById('swatches');
        return list.dataset.source === name && list.querySelector('[data-hex]') !== null;
      },
      BIG,
      { timeout: 60_000, polling: 'raf' },
    );
    const swatchesMs = performance.now() - t0;
    await waitForPalette(page, BIG);
    const compositeMs = performance.now() - t0;
    const line = await page.textContent('#status');
    const timings = await page.getAttribute('#status', 'data-timings');
    const size = await page.$eval('#composite', (c) => `${c.width}×${c.height}`);
    console.log(
      `# performance (${BIG}, composite ${size}): swatches on screen after ${Math.round(swatchesMs)} ms, ` +
        `composite drawn after ${Math.round(compositeMs)} ms; the page says "${line}" (target < 600 ms); ms inside: ${timings}`,
    );
    // The same extraction natively (the defaults on both sides), in the same run: the
    // CLI's "seconds" is extraction after decoding, as the page's extractMs is.
    const native = [0, 1, 2].map(() => cliPalette(image(BIG), []).seconds * 1000).sort((a, b) => a - b)[1];
    const wasm = JSON.parse(timings).extractMs;
    console.log(`# wasm extraction ${wasm} ms vs native ${native.toFixed(1)} ms: ${(wasm / native).toFixed(2)}x (target within 1.5x)`);
  } finally {
    await context.close();
  }
});

test('first load: everything the page fetches is under 500 KB gzipped', async () => {
  // The first load is every response to the page until the network is idle,
  // js/offline.js (which registers the service worker) included. The service
  // worker's precache of the whole app (its own requests, not the page's, in
  // the background) is left out, then measured on a second first visit and
  // reported (BENCHMARKS.md).
  const { gzipSync } = await import('node:zlib');
  const size = (r) => r.body().then((b) => ({ url: r.url(), raw: b.length, gz: gzipSync(b, { level: 9 }).length }));
  const sum = (files) => files.reduce((a, f) => a + f.gz, 0);
  let gz;
  {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const bodies = [];
    page.on('response', (r) => bodies.push(size(r)));
    try {
      await page.goto(env.server.url);
      await page.waitForSelector('body.is-ready', { timeout: 15_000 });
      await page.waitForLoadState('networkidle');
      const files = await Promise.all(bodies);
      gz = sum(files);
      const raw = files.reduce((a, f) => a + f.raw, 0);
      console.log(`# first load: ${files.length} files, ${raw} bytes, ${gz} bytes gzipped`);
      assert.ok(files.some((f) => f.url.endsWith('.wasm')), 'the wasm is part of the first load');
      assert.ok(files.some((f) => f.url.endsWith('/js/offline.js')), 'the page asked for its offline module');
      // 500 KB, the budget issue 12 sets (names, the eyedropper, the share link, the extra views, the
      // examples' images load later; WebP, GIF, BMP and color management come with the second module).
      assert.ok(gz < 500 * 1000, `first load ${gz} bytes gzipped, over 500 KB`);
    } finally {
      await context.close();
    }
  }
  {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const bodies = [];
    const background = [];
    page.on('response', (r) => bodies.push(size(r)));
    context.on('response', (r) => {
      if (r.request().serviceWorker()) background.push(size(r));
    });
    try {
      await page.goto(env.server.url);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
      await page.evaluate(() => navigator.serviceWorker.ready);
      const all = sum(await Promise.all(bodies));
      const cached = await Promise.all(background);
      console.log(
        `# with the service worker: the page ${all} bytes gzipped, then sw.js and its precache, ` +
          `${cached.length} files, ${sum(cached)} bytes gzipped (${all + sum(cached)} in all)`,
      );
      assert.ok(cached.some((f) => f.url.endsWith('/pkg-color/cinepal_bg.wasm')), 'the precache holds the color-managed engine');
    } finally {
      await context.close();
    }
  }
});
