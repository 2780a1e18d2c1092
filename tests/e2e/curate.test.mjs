// Curating a palette by hand, end to end: lock a swatch and draw a new
// palette around it; pick colors from the still with the eyedropper (mouse
// and keyboard, adding a swatch or replacing one); remove, undo and redo
// (buttons and keys); the share link (written in place, opened in a fresh
// browser, applied to the same image); copy all in a notation, with names
// (the list fetched on first use only); broken share links; a screenshot in
// the middle of it all. No request ever leaves the page's origin.
//
// The still is generated here (480×320, seeded noise): three flat-ish
// regions of known colors, each ±8 levels of noise per channel, around a
// field of many hues:
//
//   x < 200                 R1, teal
//   x ≥ 200, y < 220        the field: hue along x, value along y (±10 noise)
//   200 ≤ x < 340, y ≥ 220  R2, mustard
//   x ≥ 340, y ≥ 220        R3, magenta

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PNG } from 'pngjs';
import { openApp, choose, waitForPalette, hexes, artifactPath, useBrowser } from './helpers.mjs';

const NAME = 'still.png';
const W = 480;
const H = 320;
const R1 = [40, 150, 140];
const R2 = [210, 170, 60];
const R3 = [170, 50, 120];
const NAMES_PATH = '/www/names/colornames.json';

/** A deterministic stream of numbers in [0, 1) (mulberry32). */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** HSV (h in degrees, s and v 0..1) → [r, g, b] 0..255 (not rounded). */
function hsv(h, s, v) {
  const f = (n) => {
    const k = (n + h / 60) % 6;
    return v - v * s * Math.max(0, Math.min(k, 4 - k, 1));
  };
  return [f(5), f(3), f(1)].map((x) => x * 255);
}

/** The region's color at image pixel (x, y) before noise, and the noise's amplitude. */
function truth(x, y) {
  if (x < 200) return [R1, 8];
  if (y >= 220) return [x < 340 ? R2 : R3, 8];
  return [hsv((360 * (x - 200)) / 280, 0.7, 0.35 + (0.6 * y) / 220), 10];
}

function stillPng() {
  const next = random(7);
  const image = new PNG({ width: W, height: H });
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const [c, n] = truth(x, y);
      const px = c.map((v) => Math.max(0, Math.min(255, Math.round(v + (next() * 2 - 1) * n))));
      image.data.set([...px, 255], (y * W + x) * 4);
    }
  }
  return PNG.sync.write(image);
}

const files = {};
const env = useBrowser('cinepal-curate-', async ({ tmp }) => {
  files.still = path.join(tmp, NAME);
  await writeFile(files.still, stillPng());
});

// ---- colors: sRGB → Oklab (Ottosson), ΔE_ok = Euclidean distance ×100 ----

const srgbToLinear = (v) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};

/** 8-bit [r, g, b] → [L, a, b]. */
function oklab(rgb) {
  const [r, g, b] = rgb.map(srgbToLinear);
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

const dE = (p, q) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]) * 100;
const rgbOf = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const deltaE = (hex, rgb) => dE(oklab(rgbOf(hex)), oklab(rgb));

/** `oklch(L% C h)` → [L, a, b]. */
function oklchToOklab(text) {
  const m = /^oklch\((-?[\d.]+)% (-?[\d.]+) (-?[\d.]+)\)$/.exec(text);
  assert.ok(m, `an oklch() value: ${text}`);
  const [L, C, h] = [Number(m[1]) / 100, Number(m[2]), (Number(m[3]) * Math.PI) / 180];
  return [L, C * Math.cos(h), C * Math.sin(h)];
}

// ---- the page ----

/**
 * Records every request of `context` in `context.requests` (URLs), and in
 * `context.pageRequests` those of its pages and their workers (without the
 * service worker's own: its precache of the whole app, names included).
 */
function recordRequests(context) {
  context.requests = [];
  context.pageRequests = [];
  context.on('request', (r) => {
    context.requests.push(r.url());
    if (!r.serviceWorker()) context.pageRequests.push(r.url());
  });
}

/** No request of `context` went to another origin (blob: and data: are the page's own). */
function assertLocal(context) {
  for (const url of context.requests) {
    const u = new URL(url);
    const local = u.origin === env.server.origin || u.protocol === 'blob:' || u.protocol === 'data:';
    assert.ok(local, `a request to another origin: ${url}`);
  }
}

/**
 * A fresh browser context on `url` (the app by default), its requests
 * recorded and its page's errors (pageerror, console errors) in `page.errors`.
 */
async function openAt(url, contextOptions = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, ...contextOptions });
  recordRequests(context);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(m.text());
  });
  await page.goto(url);
  await page.waitForSelector('body.is-ready', { timeout: 15_000 });
  return { context, page };
}

/** A page showing the still's palette; after `fn`, no errors and no request elsewhere. */
async function withStill(fn, { contextOptions, beforeImage } = {}) {
  const { context, page } = await openAt(env.server.url, contextOptions);
  try {
    if (beforeImage) await beforeImage(page, context);
    await choose(page, files.still);
    const shown = await waitForPalette(page, NAME);
    await fn(page, shown, context);
    assert.deepEqual(page.errors, [], 'no errors on the page');
    assertLocal(context);
  } finally {
    await context.close();
  }
}

/** What the swatch list shows: {hex, share, kept} in order. */
function swatchState(page) {
  return page.$$eval('#swatches li.swatch[data-hex]', (els) =>
    els.map((e) => ({ hex: e.dataset.hex, share: e.dataset.share, kept: e.dataset.kept })),
  );
}

/**
 * Waits until the list shows exactly `expected` ({hex, share?, kept} in
 * order; `share` compared when given) with the composite's strip drawn for
 * it; then asserts it (so that a timeout says what was shown instead).
 */
async function waitForSwatches(page, expected, what) {
  await page
    .waitForFunction(
      (expected) => {
        const els = [...document.querySelectorAll('#swatches li.swatch[data-hex]')];
        const hexes = els.map((e) => e.dataset.hex).join(',');
        return (
          els.length === expected.length &&
          els.every(
            (e, i) =>
              e.dataset.hex === expected[i].hex &&
              e.dataset.kept === expected[i].kept &&
              (expected[i].share === undefined || e.dataset.share === expected[i].share),
          ) &&
          document.getElementById('composite').dataset.hexes === hexes &&
          // (No attribute before the first image: nothing was ever busy.)
          document.querySelector('.stage').getAttribute('aria-busy') !== 'true'
        );
      },
      expected,
      { timeout: 20_000 },
    )
    .catch(() => {});
  const shown = await swatchState(page);
  const strip = await page.$eval('#composite', (c) => c.dataset.hexes);
  const pick = (list) => list.map((s, i) => (expected[i] && expected[i].share === undefined ? { hex: s.hex, kept: s.kept } : s));
  assert.deepEqual(pick(shown), expected, `${what}: the swatches`);
  assert.equal(strip, shown.map((s) => s.hex).join(','), `${what}: the strip shows the swatches`);
  return shown;
}

const swatch = (page, i) => page.locator(`#swatches li.swatch:nth-child(${i + 1})`);

/** Presses swatch `i`'s own button `action` (lock, pick, remove). */
async function tool(page, i, action) {
  await swatch(page, i).locator(`button[data-action="${action}"]`).click();
}

/** Where the center of image pixel (x, y) is on the screen (the eyedropper's layer covers the still). */
async function onStill(page, x, y) {
  const r = await page.$eval('#pick-layer', (l) => l.getBoundingClientRect().toJSON());
  assert.ok(r.width > 0 && r.height > 0, 'the eyedropper layer is shown');
  return { x: r.left + ((x + 0.5) * r.width) / W, y: r.top + ((y + 0.5) * r.height) / H };
}

async function clickStill(page, x, y) {
  const p = await onStill(page, x, y);
  await page.mouse.click(p.x, p.y);
}

/** Presses "New palette" and waits for the new seed and its palette; returns the seed. */
async function newPalette(page) {
  const before = await page.getAttribute('#seed-hint', 'data-seed');
  await page.click('#new-palette');
  await page.waitForFunction((before) => document.getElementById('seed-hint').dataset.seed !== before, before);
  await page.waitForFunction(() => document.querySelector('.stage').getAttribute('aria-busy') === 'false');
  await waitForPalette(page, NAME);
  return page.getAttribute('#seed-hint', 'data-seed');
}

/** The share link in the page's URL: its pairs, and its palette as {hex, kept}. */
async function shareLink(page) {
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /^#v=1&/, 'the URL holds a share link');
  const pairs = new Map(hash.slice(1).split('&').map((p) => p.split('=')));
  const palette = pairs.get('palette').split(',').map((x) => ({ hex: `#${x.replace('!', '')}`, kept: String(x.endsWith('!')) }));
  return { hash, pairs, palette };
}

/** Drops `file` on the page as a person would (drag events carrying it), named `name`. */
async function dropFile(page, file, name, type = 'image/png') {
  const b64 = (await readFile(file)).toString('base64');
  await page.evaluate(
    ({ b64, name, type }) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], name, { type }));
      const target = document.querySelector('.stage');
      for (const t of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(t, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    },
    { b64, name, type },
  );
}

// ---- the tests ----

test('a locked swatch keeps its color and its place (even a place of its own) through "New palette"', async () => {
  await withStill(async (page, first) => {
    const n = first.length;
    assert.equal(n, 10);
    // Move the first swatch to the sixth place, one of its own: the chosen order puts it first or second.
    const AT = 5;
    await page.focus('#swatches li.swatch:first-child');
    for (let i = 0; i < AT; i++) await page.keyboard.press('Alt+ArrowRight');
    const moved = [...first.slice(1, AT + 1), first[0], ...first.slice(AT + 1)];
    await waitForSwatches(page, moved.map((hex) => ({ hex, kept: 'false' })), 'after the move');
    const locked = moved[AT];

    await tool(page, AT, 'lock');
    const expected = moved.map((hex, i) => ({ hex, kept: String(i === AT) }));
    await waitForSwatches(page, expected, 'after the lock');
    assert.equal(await swatch(page, AT).locator('button[data-action="lock"]').getAttribute('aria-pressed'), 'true');
    assert.equal(await swatch(page, 0).locator('button[data-action="lock"]').getAttribute('aria-pressed'), 'false');

    // New seeds: the other colors may drift; the locked one stays, at its place, locked.
    const palettes = [moved];
    for (let i = 0; i < 3; i++) {
      await newPalette(page);
      const now = await swatchState(page);
      assert.equal(now.length, n, 'as many colors');
      assert.equal(now[AT].hex, locked, `new palette ${i + 1}: the locked color at its place (${now.map((s) => s.hex)})`);
      assert.deepEqual(
        now.map((s) => s.kept),
        now.map((_, j) => String(j === AT)),
        `new palette ${i + 1}: only it is locked`,
      );
      assert.equal(new Set(now.map((s) => s.hex)).size, n, 'no color twice');
      palettes.push(now.map((s) => s.hex));
    }
    const changed = palettes.slice(1).filter((p) => p.join() !== moved.join()).length;
    console.log(`# ${changed} of 3 new palettes differ from the first (${palettes.at(-1)}); locked ${locked} at ${AT}`);
    assert.ok(changed > 0, 'a new seed gave another palette at least once');
    const link = await shareLink(page);
    assert.equal(link.palette[AT].hex, locked);
    assert.equal(link.palette[AT].kept, 'true', 'the link marks it locked');
  });
});

test('the eyedropper: a click adds the locked mean color of the region; the keyboard moves and picks; a swatch is replaced', async () => {
  await withStill(async (page, first) => {
    const n = first.length;
    assert.equal(await page.getAttribute('#pick-color', 'aria-pressed'), 'false');
    assert.equal(await page.isHidden('#pick-layer'), true, 'no eyedropper layer before');

    await page.click('#pick-color');
    assert.equal(await page.getAttribute('#pick-color', 'aria-pressed'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'pick-layer', 'the focus moves to the still');
    assert.deepEqual(
      await page.$eval('#pick-layer', (l) => [l.dataset.x, l.dataset.y]),
      [String(W / 2), String(H / 2)],
      'the loupe starts in the middle',
    );

    // Mouse: a click in R1 (teal) adds a swatch of its color, locked.
    await clickStill(page, 100, 120);
    assert.deepEqual(await page.$eval('#pick-layer', (l) => [l.dataset.x, l.dataset.y]), ['100', '120']);
    await waitForPalette(page, NAME, { count: n + 1 });
    let now = await swatchState(page);
    assert.deepEqual(now.slice(0, n).map((s) => s.hex), first, 'the palette as it was, then the new swatch');
    const teal = now[n];
    const d1 = deltaE(teal.hex, R1);
    console.log(`# picked ${teal.hex} in R1 ${R1}: ΔE_ok ${d1.toFixed(2)}`);
    assert.ok(d1 < 3, `${teal.hex} is ΔE_ok ${d1.toFixed(2)} from R1`);
    assert.equal(teal.kept, 'true', 'a picked color is locked');
    assert.equal(await swatch(page, n).locator('button[data-action="lock"]').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getAttribute('#pick-color', 'aria-pressed'), 'true', 'adding goes on');

    // Keyboard: arrows move the loupe by 1 % of the longer side (5 px), Shift by 1 px; Enter picks (R2).
    assert.equal(await page.evaluate(() => document.activeElement.id), 'pick-layer');
    const at = () => page.$eval('#pick-layer', (l) => [Number(l.dataset.x), Number(l.dataset.y)]);
    const [x0, y0] = await at();
    await page.keyboard.press('ArrowRight');
    assert.deepEqual(await at(), [x0 + 5, y0], 'ArrowRight: 5 px');
    await page.keyboard.press('Shift+ArrowRight');
    assert.deepEqual(await at(), [x0 + 6, y0], 'Shift+ArrowRight: 1 px');
    await page.keyboard.press('ArrowLeft');
    assert.deepEqual(await at(), [x0 + 1, y0], 'ArrowLeft: 5 px back');
    // On to (301, 234), inside R2 (mustard): big steps, then single pixels.
    const [tx, ty] = [301, 234];
    for (const [key, axis, sign] of [['ArrowRight', 0, 1], ['ArrowDown', 1, 1]]) {
      const target = [tx, ty][axis];
      while (((await at())[axis] - target) * sign <= -5) await page.keyboard.press(key);
      while ((await at())[axis] !== target) await page.keyboard.press(`Shift+${key}`);
    }
    const [kx, ky] = await at();
    assert.deepEqual([kx, ky], [tx, ty]);
    assert.deepEqual(truth(kx, ky)[0], R2, `(${kx}, ${ky}) lies in R2`);
    await page.keyboard.press('Enter');
    await waitForPalette(page, NAME, { count: n + 2 });
    now = await swatchState(page);
    const mustard = now[n + 1];
    const d2 = deltaE(mustard.hex, R2);
    console.log(`# picked ${mustard.hex} in R2 ${R2} with the keyboard at (${kx}, ${ky}): ΔE_ok ${d2.toFixed(2)}`);
    assert.ok(d2 < 3, `${mustard.hex} is ΔE_ok ${d2.toFixed(2)} from R2`);
    assert.equal(mustard.kept, 'true');
    assert.equal(now[n].hex, teal.hex, 'the first pick stays');

    // Escape leaves: the button says so and has the focus back.
    await page.keyboard.press('Escape');
    assert.equal(await page.getAttribute('#pick-color', 'aria-pressed'), 'false');
    assert.equal(await page.isHidden('#pick-layer'), true, 'the layer is gone');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'pick-color');

    // A swatch's own pick button: the next pick (R3) replaces that swatch, and the eyedropper leaves.
    const before = await swatchState(page);
    await tool(page, 0, 'pick');
    assert.equal(await page.getAttribute('#pick-color', 'aria-pressed'), 'true');
    await clickStill(page, 420, 280);
    await page.waitForFunction((old) => document.querySelector('#swatches li.swatch').dataset.hex !== old, before[0].hex);
    await waitForPalette(page, NAME, { count: n + 2 });
    now = await swatchState(page);
    const magenta = now[0];
    const d3 = deltaE(magenta.hex, R3);
    console.log(`# replaced ${before[0].hex} with ${magenta.hex} from R3 ${R3}: ΔE_ok ${d3.toFixed(2)}`);
    assert.ok(d3 < 3, `${magenta.hex} is ΔE_ok ${d3.toFixed(2)} from R3`);
    assert.equal(magenta.kept, 'true');
    assert.deepEqual(now.slice(1).map((s) => s.hex), before.slice(1).map((s) => s.hex), 'the others stay');
    assert.equal(await page.getAttribute('#pick-color', 'aria-pressed'), 'false', 'a replacement leaves the eyedropper');
    assert.equal(await page.isHidden('#pick-layer'), true);
  });
});

test('remove, undo, redo: the palette comes back exactly (colors, order, shares, locks), by buttons and keys', async () => {
  await withStill(async (page, first) => {
    const s0 = await swatchState(page);
    assert.equal(await page.isDisabled('#undo'), true, 'nothing to undo yet');
    await tool(page, 2, 'lock');
    const s1 = await waitForSwatches(page, s0.map((s, i) => ({ ...s, kept: String(i === 2) })), 'after the lock');
    assert.equal(await page.isEnabled('#undo'), true);

    await tool(page, 4, 'remove');
    await waitForPalette(page, NAME, { count: first.length - 1 });
    const s2 = await swatchState(page);
    assert.deepEqual(
      s2.map(({ hex, kept }) => ({ hex, kept })),
      s1.filter((_, i) => i !== 4).map(({ hex, kept }) => ({ hex, kept })),
      'the fifth color is gone, the others in order',
    );
    assert.notDeepEqual(s2.map((s) => s.share), s1.filter((_, i) => i !== 4).map((s) => s.share), 'shares counted again');
    assert.equal(await page.inputValue('#count'), String(first.length - 1), 'the count follows');
    assert.equal(await page.isDisabled('#redo'), true);

    await page.click('#undo');
    await waitForSwatches(page, s1, 'undo (button)');
    assert.equal(await page.inputValue('#count'), String(first.length), 'the count comes back');
    assert.equal(await page.isEnabled('#redo'), true);

    await page.click('#redo');
    await waitForSwatches(page, s2, 'redo (button)');
    assert.equal(await page.inputValue('#count'), String(first.length - 1));

    await page.keyboard.press('Control+z');
    await waitForSwatches(page, s1, 'Ctrl+Z');
    await page.keyboard.press('Control+Shift+z');
    await waitForSwatches(page, s2, 'Ctrl+Shift+Z');
    await page.keyboard.press('Control+z');
    await waitForSwatches(page, s1, 'Ctrl+Z again');
    await page.keyboard.press('Control+y');
    await waitForSwatches(page, s2, 'Ctrl+Y');

    // Two steps back: the remove, then the lock.
    await page.keyboard.press('Control+z');
    await waitForSwatches(page, s1, 'Ctrl+Z (the remove)');
    await page.keyboard.press('Control+z');
    await waitForSwatches(page, s0, 'Ctrl+Z (the lock)');
    assert.equal(await page.isDisabled('#undo'), true, 'back at the start');
    assert.equal(await swatch(page, 2).locator('button[data-action="lock"]').getAttribute('aria-pressed'), 'false');
  });
});

test('one undo step per action: reorder, lock, pick, a setting, new palette, remove; then all redone', async () => {
  await withStill(async (page) => {
    const busyDone = () => page.waitForFunction(() => document.querySelector('.stage').getAttribute('aria-busy') === 'false');
    const controls = () => page.evaluate(() => ({ method: document.getElementById('method').value, count: document.getElementById('count').value }));
    const states = [{ what: 'the first palette', swatches: await swatchState(page), controls: await controls() }];
    const step = async (what, act) => {
      const before = JSON.stringify(states.at(-1).swatches);
      await act();
      await page.waitForFunction(
        (before) => {
          const els = [...document.querySelectorAll('#swatches li.swatch[data-hex]')];
          const now = JSON.stringify(els.map((e) => ({ hex: e.dataset.hex, share: e.dataset.share, kept: e.dataset.kept })));
          return now !== before && document.getElementById('composite').dataset.hexes === els.map((e) => e.dataset.hex).join(',');
        },
        before,
        { timeout: 20_000 },
      );
      await busyDone();
      states.push({ what, swatches: await swatchState(page), controls: await controls() });
    };
    await step('reorder', async () => {
      await page.focus('#swatches li.swatch:first-child');
      await page.keyboard.press('Alt+ArrowRight');
    });
    await step('lock', () => tool(page, 2, 'lock'));
    await step('pick', async () => {
      await page.click('#pick-color');
      await clickStill(page, 420, 280);
    });
    await page.keyboard.press('Escape');
    await step('a setting (method)', () => page.selectOption('#method', 'dominant'));
    await step('new palette', () => newPalette(page));
    await step('remove', () => tool(page, 0, 'remove'));

    for (let i = states.length - 2; i >= 0; i--) {
      await page.click('#undo');
      await waitForSwatches(page, states[i].swatches, `undo back to ${states[i].what}`);
      assert.deepEqual(await controls(), states[i].controls, `undo back to ${states[i].what}: the controls`);
    }
    assert.equal(await page.isDisabled('#undo'), true, 'nothing more to undo');
    for (let i = 1; i < states.length; i++) {
      await page.click('#redo');
      await waitForSwatches(page, states[i].swatches, `redo ${states[i].what}`);
      assert.deepEqual(await controls(), states[i].controls, `redo ${states[i].what}: the controls`);
    }
    assert.equal(await page.isDisabled('#redo'), true, 'nothing more to redo');
  });
});

test('the share link: written in place on every change; a fresh browser shows it at once and applies it to the image', async () => {
  let url;
  let final;
  let seed;
  await withStill(async (page) => {
    const length = await page.evaluate(() => history.length);
    const check = async (what) => {
      const link = await shareLink(page);
      const shown = await swatchState(page);
      assert.deepEqual(link.palette, shown.map(({ hex, kept }) => ({ hex, kept })), `${what}: the link holds the palette`);
      assert.equal(link.pairs.get('colors'), String(shown.length));
      assert.equal(await page.evaluate(() => history.length), length, `${what}: no history entry added`);
      return link.hash;
    };
    const hashes = [await check('first palette')];

    await page.focus('#swatches li.swatch:first-child');
    await page.keyboard.press('Alt+ArrowRight');
    await page.waitForFunction(() => document.querySelector('.stage').getAttribute('aria-busy') === 'false');
    hashes.push(await check('reorder'));
    await tool(page, 1, 'lock');
    await page.waitForSelector('#swatches li.swatch:nth-child(2)[data-kept="true"]');
    await page.waitForFunction(() => document.querySelector('.stage').getAttribute('aria-busy') === 'false');
    hashes.push(await check('lock'));
    assert.match(hashes.at(-1), /palette=[0-9a-f]{6},[0-9a-f]{6}!,/, 'the second color marked with !');
    seed = await newPalette(page);
    hashes.push(await check('new palette'));
    assert.equal((await shareLink(page)).pairs.get('seed'), seed, 'the link holds the seed');
    await tool(page, 5, 'remove');
    await waitForPalette(page, NAME, { count: 9 });
    hashes.push(await check('remove'));
    assert.equal(new Set(hashes).size, hashes.length, 'every change wrote a new link');
    url = page.url();
    final = await swatchState(page);
  });

  // A fresh context: the swatches and their strip at once, without the image.
  const { context, page } = await openAt(url);
  try {
    await waitForSwatches(page, final.map(({ hex, kept }) => ({ hex, kept })), 'the shared palette');
    assert.equal(await page.$eval('body', (b) => b.classList.contains('has-image')), false, 'no image yet');
    assert.match(await page.textContent('#status'), /^A shared palette of 9 colors\./);
    assert.equal(await page.inputValue('#count'), '9');
    assert.equal(await page.getAttribute('#seed-hint', 'data-seed'), seed, 'the seed of the link');
    assert.equal(await page.isEnabled('#copy-all'), true);

    assert.deepEqual(
      await page.$$eval('#swatches li.swatch .share', (els) => els.map((e) => e.textContent)),
      final.map(() => ''),
      'no shares without the image',
    );

    // The same image, dropped: exactly those colors in that order, their shares counted again.
    await dropFile(page, files.still, NAME);
    await waitForPalette(page, NAME);
    const applied = await waitForSwatches(page, final.map(({ hex, kept }) => ({ hex, kept })), 'the shared palette on its image');
    const shares = applied.map((s) => Number(s.share));
    assert.ok(shares.every((x) => x > 0 && x < 1), `shares counted: ${shares}`);
    assert.ok(Math.abs(shares.reduce((a, b) => a + b) - 1) < 1e-6, 'the shares add up to 1');
    // Around the link's 8-bit colors (the editor counted around their exact values): nearly the same shares.
    const drift = Math.max(...shares.map((x, i) => Math.abs(x - Number(final[i].share))));
    console.log(`# shares on the shared page vs the editor's: at most ${(100 * drift).toFixed(3)} points apart`);
    assert.ok(drift < 0.01, `shares within 1 point of the editor's (${(100 * drift).toFixed(3)})`);
    assert.deepEqual(
      await page.$$eval('#swatches li.swatch .share', (els) => els.map((e) => /^(<0\.1|\d+(\.\d)?) %$/.test(e.textContent))),
      final.map(() => true),
      'the shares shown',
    );
    assert.equal(await page.$eval('body', (b) => b.classList.contains('has-image')), true);
    assert.deepEqual((await shareLink(page)).palette, final.map(({ hex, kept }) => ({ hex, kept })), 'the link still holds it');
    assert.deepEqual(page.errors, [], 'no errors on the page');
    assertLocal(context);
  } finally {
    await context.close();
  }
});

test('copy all: the palette in the chosen notation, one line a swatch with its name; the names loaded only after a palette', async () => {
  const contextOptions = {};
  await withStill(
    async (page, first, context) => {
      // The names are shown on the swatches once loaded (once).
      await page.waitForFunction(() =>
        [...document.querySelectorAll('#swatches li.swatch .name')].every((e) => e.textContent.trim() !== ''),
      );
      const listed = () => context.pageRequests.filter((u) => new URL(u).pathname.endsWith(NAMES_PATH)).length;
      assert.equal(listed(), 1, 'the name list fetched once, with the first palette');
      const names = await page.$$eval('#swatches li.swatch .name', (els) => els.map((e) => e.textContent));

      const copyAll = async () => {
        await page.evaluate(() => navigator.clipboard.writeText('(nothing copied)'));
        await page.click('#copy-all');
        await page.waitForFunction((n) => document.getElementById('announce').textContent.startsWith(`Copied ${n} colors`), first.length);
        const text = await page.evaluate(() => navigator.clipboard.readText());
        assert.ok(text.endsWith('\n'), 'every line ends with a newline');
        return text.slice(0, -1).split('\n').map((line) => {
          const at = line.indexOf('  ');
          assert.ok(at > 0, `a value, two spaces, a name: ${JSON.stringify(line)}`);
          return [line.slice(0, at), line.slice(at + 2)];
        });
      };
      const values = () => page.$$eval('#swatches li.swatch .hex', (els) => els.map((e) => e.textContent));

      assert.equal(await page.inputValue('#notation'), 'hex');
      let lines = await copyAll();
      assert.deepEqual(lines, first.map((hex, i) => [hex, names[i]]), 'hex: the swatches in order, with their names');

      await page.selectOption('#notation', 'oklch');
      const oklch = await values();
      lines = await copyAll();
      assert.deepEqual(lines, oklch.map((v, i) => [v, names[i]]), 'oklch: the values shown, in order, with their names');
      oklch.forEach((v, i) => {
        const d = dE(oklchToOklab(v), oklab(rgbOf(first[i])));
        assert.ok(d < 1, `${v} is ΔE_ok ${d.toFixed(2)} from ${first[i]}`);
      });

      await page.selectOption('#notation', 'rgb');
      lines = await copyAll();
      assert.deepEqual(
        lines,
        first.map((hex, i) => [`rgb(${rgbOf(hex).join(' ')})`, names[i]]),
        'rgb: the swatches in order',
      );
      assert.equal(listed(), 1, 'the name list is not fetched again');
    },
    {
      contextOptions,
      beforeImage: async (page, context) => {
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.server.origin });
        // A moment after start-up: still no name list.
        await page.waitForTimeout(500);
        const early = context.pageRequests.filter((u) => new URL(u).pathname.endsWith(NAMES_PATH));
        assert.deepEqual(early, [], 'no name list at first load');
        assert.ok(context.pageRequests.some((u) => u.endsWith('.wasm')), 'the page itself was loaded');
      },
    },
  );
});

const GOOD = 'v=1&colors=3&method=telling&sort=smooth&space=oklab&seed=0&sample=all&alpha=128&region=auto&palette=1b2a3c!,e8c547,4a7439';
const BAD = [
  ['cut in the middle of a hex', GOOD.slice(0, -3), /"4a7" is not a color written rrggbb/],
  ['an unknown method', GOOD.replace('method=telling', 'method=tellingx'), /its method "tellingx" is not one cinepal knows/],
  ['v=2, from a newer version', GOOD.replace('v=1', 'v=2'), /made by a newer version of cinepal/],
  ['a color twice', GOOD.replace('e8c547', '1b2a3c'), /it lists #1b2a3c twice/],
  [
    'markup in the palette (encoded)',
    GOOD.replace('4a7439', encodeURIComponent('<img src=x onerror=window.__owned=1>')),
    /"<img src=x onerror=windo…" is not a color/,
  ],
  ['markup in the method (as typed)', GOOD.replace('telling', '<img src=x onerror=window.__owned=1>'), /its method "<img src=x onerror=windo…"/],
];

/** Before the page's scripts: records every element added to the document after it was parsed. */
function watchInsertions() {
  window.__added = [];
  document.addEventListener('DOMContentLoaded', () => {
    new MutationObserver((records) => {
      for (const r of records) {
        for (const node of r.addedNodes) {
          if (node.nodeType !== 1) continue;
          for (const el of [node, ...node.querySelectorAll('*')]) {
            window.__added.push({ tag: el.tagName, attributes: [...el.attributes].map((a) => a.name) });
          }
        }
      }
    }).observe(document, { childList: true, subtree: true });
  });
}

test('broken share links: one line of text, the empty page, nothing inserted, no errors; #swatches is no link', async () => {
  // The good link works: the broken ones fail for what is wrong with them.
  {
    const { context, page } = await openAt(`${env.server.url}#${GOOD}`);
    try {
      await waitForSwatches(
        page,
        [
          { hex: '#1b2a3c', kept: 'true' },
          { hex: '#e8c547', kept: 'false' },
          { hex: '#4a7439', kept: 'false' },
        ],
        'the good link',
      );
      assert.deepEqual(page.errors, []);
      assertLocal(context);
    } finally {
      await context.close();
    }
  }

  for (const [what, fragment, reason] of BAD) {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    recordRequests(context);
    await context.addInitScript(watchInsertions);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    try {
      await page.goto(`${env.server.url}#${fragment}`);
      await page.waitForSelector('body.is-ready', { timeout: 15_000 });
      await page.waitForFunction(() => document.getElementById('status').textContent !== '');
      await page.waitForTimeout(200);
      const seen = await page.evaluate(() => {
        const status = document.getElementById('status');
        return {
          note: status.textContent,
          noteChildren: status.children.length,
          swatches: document.querySelectorAll('#swatches > *').length,
          strip: document.getElementById('composite').dataset.hexes ?? '',
          empty: document.body.classList.contains('is-empty'),
          copyAll: document.getElementById('copy-all').disabled,
          // The example stills' thumbnails are the page's own, and so is the (empty) preview of an image being opened.
          images: document.querySelectorAll('img:not(.example img):not(#opening-preview[src=""]):not(#opening-preview:not([src]))').length,
          owned: window.__owned,
          added: window.__added,
        };
      });
      assert.match(seen.note, /^This share link .*; showing the default palette instead\.$/, `${what}: the note`);
      if (reason) assert.match(seen.note, reason, `${what}: says why`);
      assert.ok(!seen.note.includes('\n'), `${what}: one line`);
      assert.equal(seen.noteChildren, 0, `${what}: the note is text`);
      assert.equal(seen.swatches, 0, `${what}: no swatches`);
      assert.equal(seen.strip, '', `${what}: no strip`);
      assert.equal(seen.empty, true, `${what}: the empty page`);
      assert.equal(seen.copyAll, true, `${what}: nothing to copy`);
      assert.equal(seen.images, 0, `${what}: no <img>`);
      assert.equal(seen.owned, undefined, `${what}: no handler ran`);
      const fromLink = seen.added.filter((e) => e.tag === 'IMG' || e.attributes.some((a) => a.startsWith('on')));
      assert.deepEqual(fromLink, [], `${what}: no element made from the fragment`);
      assert.deepEqual(errors, [], `${what}: no errors`);
      assertLocal(context);
    } finally {
      await context.close();
    }
  }

  // The skip link's anchor, opened or followed: not a share link.
  const { context, page } = await openAt(`${env.server.url}#swatches`);
  try {
    await page.waitForTimeout(300);
    assert.equal(await page.textContent('#status'), '', 'no note for #swatches');
    await choose(page, files.still);
    const shown = await waitForPalette(page, NAME);
    const nav = [];
    page.on('framenavigated', (f) => nav.push(f.url()));
    await page.focus('a.skip');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash === '#swatches');
    await page.waitForTimeout(500);
    assert.deepEqual(await hexes(page), shown, 'the palette stays');
    assert.doesNotMatch(await page.textContent('#status'), /share link/, 'no note');
    assert.equal(await page.$eval('body', (b) => b.classList.contains('has-image')), true, 'not reloaded');
    assert.deepEqual(page.errors, []);
    assertLocal(context);
    console.log(`# navigations after the skip link: ${JSON.stringify(nav)}`);
  } finally {
    await context.close();
  }
});

test('screenshot: curating, with a locked swatch, a picked one, and the eyedropper on with its loupe', async () => {
  await withStill(async (page) => {
    await tool(page, 3, 'lock');
    await page.waitForSelector('#swatches li.swatch:nth-child(4)[data-kept="true"]');
    await page.click('#pick-color');
    await clickStill(page, 100, 120);
    await waitForPalette(page, NAME, { count: 11 });
    // The pointer over R3: the loupe shows there.
    const p = await onStill(page, 400, 270);
    await page.mouse.move(p.x - 20, p.y - 20);
    await page.mouse.move(p.x, p.y, { steps: 4 });
    await page.waitForFunction(() => /^#[0-9a-f]{6} at 400, 270$/.test(document.querySelector('#loupe .loupe-label').textContent));
    assert.equal(await page.isVisible('#loupe'), true, 'the loupe is shown');
    const kept = await page.$$eval('#swatches li.swatch', (els) => els.map((e) => e.dataset.kept));
    assert.equal(kept[3], 'true', 'the locked swatch');
    assert.equal(kept[10], 'true', 'the picked swatch');
    const label = await page.textContent('#loupe .loupe-label');
    assert.ok(deltaE(label.slice(0, 7), R3) < 10, `the loupe's center pixel ${label} is near R3`);
    const file = await artifactPath('curating.png');
    await page.screenshot({ path: file, fullPage: true });
    console.log(`# ${file}`);
  });
});
