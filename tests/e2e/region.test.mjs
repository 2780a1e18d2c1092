// The counted region in the page: the bars found are dimmed on the still and
// left out of the palette; a checkbox counts every pixel instead; a rectangle
// dragged on the still becomes the region (and the palette follows); Reset
// returns to the bars found; the PNG download has only the region; a region
// the engine refuses costs one clear message and nothing else.
//
// The pictures are generated here: a 640×360 still with dark bars 45 px high
// above and below three vertical stripes (red, green, blue, each from dark to
// light), and a 480×270 one with bars 60 px wide left and right.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PNG } from 'pngjs';
import {
  openApp,
  patchEngine,
  choose,
  waitForPalette,
  hexes,
  download,
  cliPalette,
  deltaE,
  hexRgb,
  pixelAt,
  artifactPath,
  useBrowser,
} from './helpers.mjs';

const W = 640;
const H = 360;
const BAR = 45;
const BAR_RGB = [16, 16, 16];
const FOUND = { x: 0, y: BAR, width: W, height: H - 2 * BAR };
const LETTERBOX = 'letterbox.png';
const PILLARBOX = 'pillarbox.png';
/** The stripes' columns: red [0, 213), green [213, 427), blue [427, 640). */
const STRIPES = [0, 213, 427, W];

/** A stripe's color at lightness `l` (90 to 250): red, green or blue dominant. */
const stripe = (i, l) => [
  [l, 0.2 * l, 0.15 * l],
  [0.2 * l, l, 0.25 * l],
  [0.2 * l, 0.3 * l, l],
][i].map(Math.round);

/** A PNG of `width`×`height` whose pixel (x, y) is `color(x, y)` ([r, g, b]). */
function png(width, height, color) {
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      image.data.set([...color(x, y), 255], (y * width + x) * 4);
    }
  }
  return PNG.sync.write(image);
}

const files = {};
const env = useBrowser('cinepal-region-', async ({ tmp }) => {
  files.letterbox = path.join(tmp, LETTERBOX);
  await writeFile(
    files.letterbox,
    png(W, H, (x, y) => {
      if (y < BAR || y >= H - BAR) return BAR_RGB;
      const l = 90 + (160 * (y - BAR)) / (H - 2 * BAR - 1);
      return stripe(STRIPES.findIndex((edge) => x < edge) - 1, l);
    }),
  );
  files.pillarbox = path.join(tmp, PILLARBOX);
  await writeFile(
    files.pillarbox,
    png(480, 270, (x, y) => (x < 60 || x >= 420 ? [0, 0, 0] : stripe((x >> 5) % 3, 90 + (160 * y) / 269))),
  );
});

const rect = (r) => `${r.x},${r.y},${r.width},${r.height}`;
const parse = (s) => {
  const [x, y, width, height] = s.split(',').map(Number);
  return { x, y, width, height };
};

/** A page showing the letterboxed still's palette (`patch`: appended to the engine first, see patchEngine). */
async function withLetterbox(fn, { contextOptions, patch } = {}) {
  const { context, page } = await openApp(env.browser, env.server, contextOptions);
  try {
    if (patch) await patchEngine(context, page, patch);
    await choose(page, files.letterbox);
    const shown = await waitForPalette(page, LETTERBOX);
    await fn(page, shown, context);
    assert.deepEqual(page.errors, [], 'no errors in the console');
  } finally {
    await context.close();
  }
}

/** What the page shows of the region: the overlay's data, the checkbox, the reset button and the hint. */
function regionShown(page) {
  return page.evaluate(() => {
    const box = document.getElementById('region-box');
    return {
      region: box.dataset.region,
      source: box.dataset.source,
      dimmed: !box.hidden,
      auto: document.getElementById('region-auto').checked,
      reset: !document.getElementById('region-reset').hidden,
      hint: document.getElementById('region-found').textContent,
    };
  });
}

/** Waits until the overlay shows a region of `source` ("auto", "full", "hand") and the palette is drawn. */
async function waitForRegion(page, source, name = LETTERBOX, options = {}) {
  await page.waitForFunction((source) => document.getElementById('region-box').dataset.source === source, source);
  await waitForPalette(page, name, options);
  return regionShown(page);
}

/** The palette's JSON download, parsed: the palette object the engine holds, with its region. */
async function palette(page) {
  return JSON.parse((await download(page, 'json')).bytes.toString('utf8'));
}

/** Where image pixel (x, y) of the still is on the screen (page coordinates). */
async function onScreen(page, x, y) {
  const { left, top, scale } = await page.$eval('#composite', (c) => {
    const r = c.getBoundingClientRect();
    return { left: r.left, top: r.top, scale: r.width / c.width };
  });
  return { x: left + x * scale, y: top + y * scale };
}

/** Drags with the mouse from image pixel `from` to `to` ([x, y] each); `beforeUp`: run before the button is let go. */
async function drag(page, from, to, beforeUp) {
  const a = await onScreen(page, ...from);
  const b = await onScreen(page, ...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 8 });
  if (beforeUp) await beforeUp();
  await page.mouse.up();
}

/** The strip's band height for a composite `width` wide with `n` swatches (docs/DESIGN.md). */
const band = (width, n) => Math.floor((11 * width) / (10 * n + 1));

/** The composite's box on screen as a decoded screenshot, and where the still's rows are in it. */
async function screenshot(page) {
  const shot = PNG.sync.read(await page.locator('#composite-box').screenshot());
  const scale = shot.width / W;
  return { shot, at: (x, y) => pixelAt(shot, Math.floor(x * scale), Math.floor(y * scale)) };
}

test('the bars found are dimmed on the still and left out of the palette; the PNG is the region alone', async () => {
  await withLetterbox(async (page, shown) => {
    const seen = await regionShown(page);
    assert.deepEqual(seen, {
      region: rect(FOUND),
      source: 'auto',
      dimmed: true,
      auto: true,
      reset: false,
      hint: 'Found bars: 45 px above and below.',
    });
    const p = await palette(page);
    assert.deepEqual(p.region, FOUND, "the palette's region: the rows between the bars");
    assert.deepEqual([p.width, p.height], [W, H]);
    // Page and CLI agree (both count the region found by default).
    const cli = cliPalette(files.letterbox, []);
    assert.deepEqual(cli.region, FOUND);
    assert.deepEqual(shown, cli.colors.map((c) => c.hex));
    for (const hex of shown) {
      const d = deltaE(hexRgb(hex), BAR_RGB);
      assert.ok(d > 10, `${hex} is ΔE_ok ${d.toFixed(1)} from the bars' color`);
    }

    // On screen: the whole frame; the layer covers the still (not the strip), its box the rows between the bars.
    const geometry = await page.evaluate(() => {
      const box = (id) => document.getElementById(id).getBoundingClientRect().toJSON();
      const c = document.getElementById('composite');
      return { canvas: box('composite'), size: [c.width, c.height], layer: box('region-layer'), region: box('region-box') };
    });
    const n = shown.length;
    assert.deepEqual(geometry.size, [W, H + band(W, n)], 'the canvas holds the whole frame and its strip');
    const scale = geometry.canvas.width / W;
    const near = (a, b, what) => assert.ok(Math.abs(a - b) <= 1, `${what}: ${a} vs ${b}`);
    near(geometry.layer.left, geometry.canvas.left, 'layer left');
    near(geometry.layer.top, geometry.canvas.top, 'layer top');
    near(geometry.layer.width, geometry.canvas.width, 'layer width');
    near(geometry.layer.height, H * scale, 'layer height: the still, not the strip');
    near(geometry.region.top, geometry.canvas.top + BAR * scale, 'region top');
    near(geometry.region.bottom, geometry.canvas.top + (H - BAR) * scale, 'region bottom');
    near(geometry.region.width, geometry.canvas.width, 'region width');
    await page.screenshot({ path: await artifactPath('region-auto.png') });

    // The PNG: the region and its strip, the bars cropped.
    const file = PNG.sync.read((await download(page, 'png')).bytes);
    assert.deepEqual([file.width, file.height], [W, FOUND.height + band(W, n)]);
    assert.ok(deltaE(pixelAt(file, 100, 0), BAR_RGB) > 10, 'its first row is the picture, not a bar');
    assert.deepEqual(pixelAt(file, 100, 0), stripe(0, 90));
  });
});

test('unchecking the box counts every pixel: the bars get a swatch and are not dimmed; checking it leaves them out again', async () => {
  await withLetterbox(async (page, first) => {
    const dimmed = await screenshot(page);
    await page.uncheck('#region-auto');
    const seen = await waitForRegion(page, 'full', LETTERBOX, { not: first });
    assert.deepEqual(seen, {
      region: rect({ x: 0, y: 0, width: W, height: H }),
      source: 'full',
      dimmed: false,
      auto: false,
      reset: false,
      hint: 'Every pixel counts, bars and borders too.',
    });
    const all = await hexes(page);
    const nearest = Math.min(...all.map((h) => deltaE(hexRgb(h), BAR_RGB)));
    assert.ok(nearest < 2, `a swatch of the bars' color: ${all} (nearest ΔE_ok ${nearest.toFixed(2)})`);
    assert.deepEqual((await palette(page)).region, { x: 0, y: 0, width: W, height: H });
    assert.deepEqual(all, cliPalette(files.letterbox, ['--region', 'full']).colors.map((c) => c.hex));

    // The bars were shown darker than they are; the picture between them was not.
    const plain = await screenshot(page);
    const bar = [W / 2, BAR / 2];
    const inside = [W / 2, H / 2];
    assert.ok(deltaE(plain.at(...bar), BAR_RGB) < 2, `undimmed bar: ${plain.at(...bar)}`);
    const [dark, light] = [dimmed.at(...bar)[0], plain.at(...bar)[0]];
    assert.ok(dark < light - 5, `the dimmed bar (${dark}) is darker than the bar (${light})`);
    assert.ok(deltaE(dimmed.at(...inside), plain.at(...inside)) < 1, 'the region is shown as it is');

    await page.check('#region-auto');
    const again = await waitForRegion(page, 'auto', LETTERBOX, { not: all });
    assert.equal(again.region, rect(FOUND));
    assert.deepEqual(await hexes(page), first);
  });
});

test('a rectangle dragged on the still becomes the region: the palette is of that part, kept across settings; Reset returns to the bars found', async () => {
  await withLetterbox(async (page, first) => {
    // Over the green stripe only.
    const want = { x: 240, y: 80, width: 160, height: 220 };
    await drag(page, [want.x, want.y], [want.x + want.width, want.y + want.height]);
    const seen = await waitForRegion(page, 'hand', LETTERBOX, { not: first });
    const got = parse(seen.region);
    for (const [a, b, what] of [
      [got.x, want.x, 'left'],
      [got.y, want.y, 'top'],
      [got.x + got.width, want.x + want.width, 'right'],
      [got.y + got.height, want.y + want.height, 'bottom'],
    ]) {
      assert.ok(Math.abs(a - b) <= 2, `${what}: ${a}, dragged to ${b}`);
    }
    assert.deepEqual(
      { ...seen, region: undefined },
      { region: undefined, source: 'hand', dimmed: true, auto: false, reset: true, hint: `Your region: ${got.width}×${got.height} at ${got.x},${got.y}.` },
    );
    const green = await hexes(page);
    for (const hex of green) {
      const [r, g, b] = hexRgb(hex);
      assert.ok(g > r + 40 && g > b + 40, `${hex} is from the green stripe (${green})`);
    }
    assert.deepEqual((await palette(page)).region, got);
    assert.deepEqual(green, cliPalette(files.letterbox, ['--region', seen.region]).colors.map((c) => c.hex));
    await page.screenshot({ path: await artifactPath('region-hand.png') });

    // The PNG: the rectangle and its strip.
    const file = PNG.sync.read((await download(page, 'png')).bytes);
    assert.deepEqual([file.width, file.height], [got.width, got.height + band(got.width, green.length)]);

    // Another count keeps the region.
    await page.fill('#count', '6');
    const six = await waitForPalette(page, LETTERBOX, { count: 6 });
    assert.equal((await regionShown(page)).region, seen.region);
    assert.deepEqual(six, cliPalette(files.letterbox, ['--region', seen.region, '-n', '6']).colors.map((c) => c.hex));

    // Reset, from the keyboard: the bars found again, and the focus on the checkbox.
    await page.focus('#region-reset');
    await page.keyboard.press('Enter');
    const reset = await waitForRegion(page, 'auto', LETTERBOX, { count: 6, not: six });
    assert.deepEqual(reset, {
      region: rect(FOUND),
      source: 'auto',
      dimmed: true,
      auto: true,
      reset: false,
      hint: 'Found bars: 45 px above and below.',
    });
    assert.equal(await page.evaluate(() => document.activeElement.id), 'region-auto');
    assert.deepEqual(await hexes(page), cliPalette(files.letterbox, ['-n', '6']).colors.map((c) => c.hex));
  });
});

test('a click, a drag of a few pixels and a drag cancelled with Escape change nothing; a region drawn by hand stays with its image', async () => {
  await withLetterbox(async (page, first) => {
    const at = await onScreen(page, 300, 200);
    await page.mouse.click(at.x, at.y);
    await drag(page, [300, 200], [302, 202]);
    await drag(page, [100, 100], [500, 250], () => page.keyboard.press('Escape'));
    // The next change is extracted with the region still found, not one of those.
    await page.fill('#count', '7');
    await waitForPalette(page, LETTERBOX, { count: 7 });
    const seen = await regionShown(page);
    assert.equal(seen.region, rect(FOUND));
    assert.equal(seen.source, 'auto');
    assert.equal(seen.auto, true);
    assert.ok(!(await page.locator('#region-box.is-dragging').count()), 'no rectangle left behind');

    await drag(page, [20, 60], [200, 300]);
    const hand = await waitForRegion(page, 'hand');
    assert.equal(hand.reset, true);
    // Another image: its own bars are found, the count stays.
    await choose(page, files.pillarbox);
    await waitForPalette(page, PILLARBOX, { count: 7 });
    assert.deepEqual(await regionShown(page), {
      region: '60,0,360,270',
      source: 'auto',
      dimmed: true,
      auto: true,
      reset: false,
      hint: 'Found bars: 60 px left and right.',
    });
    assert.notDeepEqual(await hexes(page), first);
  });
});

/**
 * Turns the regions the page asks for by hand into ones the engine refuses,
 * one after another: outside the image, empty, not a rectangle; after those,
 * regions pass unchanged. (The page itself only asks for rectangles inside
 * the image; this stands for a page and an engine that disagree.)
 */
const REFUSING = `
const __bad = [
  (r) => ({ ...r, x: 10000 }),
  (r) => ({ ...r, width: 0 }),
  (r) => \`\${r.x},\${r.y},wide,\${r.height}\`,
];
const __extract = Still.prototype.extract;
Still.prototype.extract = function (options, ...rest) {
  const r = options && options.region;
  if (r && typeof r === 'object' && __bad.length) options = { ...options, region: __bad.shift()(r) };
  return __extract.call(this, options, ...rest);
};`;

test('a region the engine refuses (outside, empty, malformed) is one clear message; the palette stays and the page goes on', async () => {
  await withLetterbox(
    async (page, first) => {
      const alert = page.locator('#alert');
      const refused = [
        /^“letterbox\.png”: the region 10000,80,160,220 must be a rectangle of at least one pixel inside the 640x360 image \(x \+ width <= 640, y \+ height <= 360\)\.$/,
        /^“letterbox\.png”: the region 240,80,0,220 must be a rectangle of at least one pixel inside the 640x360 image \(x \+ width <= 640, y \+ height <= 360\)\.$/,
        /^“letterbox\.png”: unknown region "240,80,wide,220"; allowed: auto, full, or X,Y,WIDTH,HEIGHT in pixels such as 0,140,1920,800\.$/,
      ];
      let before = first;
      for (const [i, message] of refused.entries()) {
        await drag(page, [240, 80], [400, 300]);
        await page.waitForFunction(() => document.getElementById('alert').textContent !== '');
        const text = await alert.textContent();
        assert.match(text, message, `refusal ${i + 1}`);
        assert.ok(!text.includes('\n'), 'one line');
        // What was on screen stays, and the region is the one it was made with.
        await waitForPalette(page, LETTERBOX);
        assert.deepEqual(await hexes(page), before);
        const seen = await regionShown(page);
        assert.deepEqual([seen.region, seen.source, seen.auto, seen.reset], [rect(FOUND), 'auto', true, false]);
        assert.equal(seen.hint, 'Found bars: 45 px above and below.');
        // The next change works (it is not refused again), and the message goes.
        await page.fill('#count', String(8 + i));
        before = await waitForPalette(page, LETTERBOX, { count: 8 + i });
        assert.equal((await regionShown(page)).region, rect(FOUND));
        assert.equal(await alert.textContent(), '', 'the message is gone once the next change worked');
      }
      // The engine takes regions again: a drag works.
      await drag(page, [240, 80], [400, 300]);
      const hand = await waitForRegion(page, 'hand');
      assert.ok(Math.abs(parse(hand.region).width - 160) <= 2);
      for (const hex of await hexes(page)) {
        const [r, g, b] = hexRgb(hex);
        assert.ok(g > r + 40 && g > b + 40, `${hex} is from the green stripe`);
      }
    },
    { patch: REFUSING },
  );
});

test('without OffscreenCanvas (the page draws): the region is shown, and the PNG is still cropped to it', async () => {
  const { context, page } = await openApp(env.browser, env.server);
  try {
    await page.addInitScript(() => {
      delete HTMLCanvasElement.prototype.transferControlToOffscreen;
    });
    // The worker has none either: it sends the download's pixels, and the page encodes them.
    await patchEngine(context, page, '\ndelete self.OffscreenCanvas;\n');
    await choose(page, files.letterbox);
    const shown = await waitForPalette(page, LETTERBOX);
    assert.equal((await regionShown(page)).region, rect(FOUND));
    // The canvas is the page's own here: the whole frame, bars and all.
    const px = await page.evaluate(() => [...document.getElementById('composite').getContext('2d').getImageData(5, 5, 1, 1).data]);
    assert.deepEqual(px, [...BAR_RGB, 255]);
    const file = PNG.sync.read((await download(page, 'png')).bytes);
    assert.deepEqual([file.width, file.height], [W, FOUND.height + band(W, shown.length)]);
    assert.deepEqual(pixelAt(file, 100, 0), stripe(0, 90));

    await drag(page, [240, 80], [400, 300]);
    const hand = parse((await waitForRegion(page, 'hand')).region);
    const n = (await hexes(page)).length;
    const cropped = PNG.sync.read((await download(page, 'png')).bytes);
    assert.deepEqual([cropped.width, cropped.height], [hand.width, hand.height + band(hand.width, n)]);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test('on a phone, a finger dragged across the still chooses the region (and does not scroll the page)', async () => {
  await withLetterbox(
    async (page, first, context) => {
      await page.locator('#composite-box').scrollIntoViewIfNeeded();
      const scrolled = await page.evaluate(() => window.scrollY);
      // Touch events as the screen sends them (through the DevTools protocol): down, moves, up.
      const cdp = await context.newCDPSession(page);
      const touch = (type, p) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: p ? [{ x: p.x, y: p.y }] : [] });
      const from = await onScreen(page, 240, 80);
      const to = await onScreen(page, 400, 300);
      await touch('touchStart', from);
      for (let i = 1; i <= 8; i++) {
        await touch('touchMove', { x: from.x + ((to.x - from.x) * i) / 8, y: from.y + ((to.y - from.y) * i) / 8 });
      }
      await touch('touchEnd');
      const seen = await waitForRegion(page, 'hand', LETTERBOX, { not: first });
      const got = parse(seen.region);
      assert.ok(Math.abs(got.x - 240) <= 2 && Math.abs(got.y + got.height - 300) <= 2, `dragged by touch: ${seen.region}`);
      assert.equal(await page.evaluate(() => window.scrollY), scrolled, 'the page did not scroll');
      await page.screenshot({ path: await artifactPath('region-phone.png'), fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);
    },
    { contextOptions: { viewport: { width: 390, height: 844 }, colorScheme: 'dark', hasTouch: true, isMobile: true } },
  );
});
