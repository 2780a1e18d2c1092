// The page end to end: choose a photo, see the CLI's palette, change the
// settings, reorder by mouse and keyboard, download, and look at it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import {
  openApp,
  choose,
  waitForPalette,
  hexes,
  stripColors,
  stripOf,
  download,
  cliPalette,
  cliOutput,
  cliBytes,
  engineDefaults,
  image,
  imagesMissing,
  artifactPath,
  useBrowser,
} from './helpers.mjs';

const PORTRAIT = 'vibrant_portrait_film.jpg';
const skip = imagesMissing ? `skipped: ${imagesMissing}` : false;

const env = useBrowser();

/** A page showing the portrait's palette with the default settings (`init`: run on the page first). */
async function withPortrait(fn, contextOptions, init) {
  const { context, page } = await openApp(env.browser, env.server, contextOptions);
  try {
    if (init) await init(page);
    await choose(page, image(PORTRAIT));
    const shown = await waitForPalette(page, PORTRAIT);
    await fn(page, shown, context);
    assert.deepEqual(page.errors, [], 'no errors in the console');
  } finally {
    await context.close();
  }
}

function cliHexes(file, args) {
  return cliPalette(image(file), args).colors.map((c) => c.hex);
}

/** The portrait's palette as the CLI writes it in `format` (default settings). */
function cliText(format) {
  return cliOutput(image(PORTRAIT), ['--format', format]);
}

/** Records the type of every Blob the page offers as a download, in `window.__blobTypes`. */
async function recordBlobTypes(page) {
  await page.addInitScript(() => {
    window.__blobTypes = [];
    const create = URL.createObjectURL;
    URL.createObjectURL = (blob) => {
      window.__blobTypes.push(blob.type);
      return create(blob);
    };
  });
  await page.reload();
  await page.waitForSelector('body.is-ready');
}

test('a photo chosen with the file picker shows the same palette as the CLI', { skip }, async () => {
  await withPortrait(async (page, shown) => {
    // The page's defaults are the engine's, and so the CLI's.
    assert.deepEqual(shown, cliHexes(PORTRAIT, []));
    assert.deepEqual(await stripColors(page), shown, 'the strip shows the swatches in order');
    const size = await page.$eval('#composite', (c) => [c.width, c.height]);
    const cli = cliPalette(image(PORTRAIT), ['-n', '10']);
    assert.deepEqual(size, [cli.width, cli.height + Math.floor((11 * cli.width) / (10 * 10 + 1))]);
    const shares = await page.$$eval('#swatches .share', (els) => els.map((e) => e.textContent));
    assert.equal(shares.length, 10);
    assert.match(shares[0], /^\d+(\.\d)? %$/);
    assert.match(await page.textContent('#status'), /^10 colors from 0\.3 MP in \d+ ms$/);
  });
});

test('changing the method, the count and the order changes the palette as the CLI does', { skip }, async () => {
  await withPortrait(async (page, first) => {
    await page.selectOption('#method', 'vivid_accents');
    const complete = await waitForPalette(page, PORTRAIT, { not: first });
    assert.deepEqual(complete, cliHexes(PORTRAIT, ['-n', '10', '-m', 'complete']));
    assert.match(await page.textContent('#method-hint'), /vivid accents/);

    await page.fill('#count', '6');
    const six = await waitForPalette(page, PORTRAIT, { count: 6 });
    assert.deepEqual(six, cliHexes(PORTRAIT, ['-n', '6', '-m', 'complete']));
    assert.deepEqual(await stripColors(page), six);

    // The default order is smooth; another one reorders the same colors.
    await page.selectOption('#sort', 'hue');
    const hue = await waitForPalette(page, PORTRAIT, { count: 6, not: six });
    assert.deepEqual(hue, cliHexes(PORTRAIT, ['-n', '6', '-m', 'complete', '-s', 'hue']));
    assert.deepEqual([...hue].sort(), [...six].sort());

    await page.click('#advanced summary');
    await page.selectOption('#space', 'rgb');
    const rgb = await waitForPalette(page, PORTRAIT, { count: 6, not: hue });
    assert.deepEqual(rgb, cliHexes(PORTRAIT, ['-n', '6', '-m', 'complete', '-s', 'hue', '--space', 'rgb']));

    // A fresh seed: k-means may find other colors; the page stays consistent.
    await page.selectOption('#method', 'dominant');
    const seeded = await waitForPalette(page, PORTRAIT, { count: 6 });
    const seed = await newSeed(page);
    const fresh = await waitForPalette(page, PORTRAIT, { count: 6 });
    assert.deepEqual(
      fresh,
      cliHexes(PORTRAIT, ['-n', '6', '-m', 'kmeans', '-s', 'hue', '--space', 'rgb', '--seed', seed]),
    );
    assert.ok(seeded.length === 6);
  });
});

test('dragging a swatch with the mouse reorders the list, the composite and the sort control', { skip }, async () => {
  await withPortrait(async (page, before) => {
    const boxes = await page.$$eval('#swatches [data-hex]', (els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
      }),
    );
    await page.mouse.move(boxes[0].x, boxes[0].y);
    await page.mouse.down();
    await page.mouse.move(boxes[1].x, boxes[1].y, { steps: 6 });
    await page.mouse.move(boxes[2].x, boxes[2].y, { steps: 6 });
    await page.mouse.up();
    const expected = [before[1], before[2], before[0], ...before.slice(3)];
    const after = await waitForPalette(page, PORTRAIT, { not: before });
    assert.deepEqual(after, expected);
    assert.deepEqual(await stripColors(page), expected, 'the composite follows the new order');
    assert.equal(await page.inputValue('#sort'), 'manual');
    assert.equal(await page.isEnabled('#reset-order'), true);
    // A drag is not a click: nothing was copied.
    assert.equal(await page.locator('#swatches .copied').count(), 0);

    await page.click('#reset-order');
    const reset = await waitForPalette(page, PORTRAIT, { not: after });
    assert.deepEqual(reset, before);
    assert.deepEqual(await stripColors(page), before);
    assert.equal(await page.inputValue('#sort'), 'smooth', 'back to the default order');
  });
});

test('the keyboard reorders swatches: Space grabs, arrows move, Space drops; Alt+arrow moves at once', { skip }, async () => {
  await withPortrait(async (page, before) => {
    await page.focus('#swatches [data-hex]:first-child');
    await page.keyboard.press('Space');
    assert.match(await page.textContent('#announce'), /Grabbed/);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Space');
    assert.match(await page.textContent('#announce'), /Dropped .* at position 3 of 10/);
    const expected = [before[1], before[2], before[0], ...before.slice(3)];
    assert.deepEqual(await waitForPalette(page, PORTRAIT, { not: before }), expected);
    assert.deepEqual(await stripColors(page), expected);
    // Focus stays on the moved swatch.
    assert.equal(await page.evaluate(() => document.activeElement.dataset.hex), before[0]);

    await page.keyboard.press('Alt+ArrowLeft');
    const moved = [before[1], before[0], before[2], ...before.slice(3)];
    assert.deepEqual(await waitForPalette(page, PORTRAIT, { not: expected }), moved);

    // Escape puts a grabbed swatch back.
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Escape');
    assert.deepEqual(await hexes(page), moved);
    assert.equal(await page.inputValue('#sort'), 'manual');
  });
});

test('downloads: the PNG at full resolution in the chosen order, and JSON, CSS, GIMP and SVG', { skip }, async () => {
  await withPortrait(async (page, before) => {
    await page.focus('#swatches [data-hex]:first-child');
    await page.keyboard.press('Alt+ArrowRight');
    const order = await waitForPalette(page, PORTRAIT, { not: before });

    const save = (format) => download(page, format);

    const png = await save('png');
    assert.equal(png.name, 'vibrant_portrait_film-palette.png');
    const decoded = PNG.sync.read(png.bytes);
    const cli = cliPalette(image(PORTRAIT), ['-n', '10']);
    const n = order.length;
    const band = Math.floor((11 * cli.width) / (10 * n + 1));
    assert.equal(decoded.width, cli.width);
    assert.equal(decoded.height, cli.height + band);
    const y = cli.height + Math.floor(band / 2);
    assert.deepEqual(stripOf(decoded, n), order, 'the PNG strip shows the manual order');
    // The margins are white.
    const o = (y * decoded.width + 1) * 4;
    assert.deepEqual([...decoded.data.subarray(o, o + 4)], [255, 255, 255, 255]);

    const json = await save('json');
    assert.equal(json.name, 'vibrant_portrait_film-palette.json');
    assert.deepEqual(
      JSON.parse(json.bytes.toString('utf8')).colors.map((c) => c.hex),
      order,
    );

    const css = await save('css');
    assert.equal(css.name, 'vibrant_portrait_film-palette.css');
    assert.match(css.bytes.toString('utf8'), new RegExp(`--cinepal-1: ${order[0]};`));

    const gpl = await save('gpl');
    assert.equal(gpl.name, 'vibrant_portrait_film-palette.gpl');
    assert.match(gpl.bytes.toString('utf8'), /^GIMP Palette\nName: vibrant_portrait_film\n/);

    const svg = await save('svg');
    assert.equal(svg.name, 'vibrant_portrait_film-palette.svg');
    const fills = [...svg.bytes.toString('utf8').matchAll(/fill="(#[0-9a-f]{6})"><title>/g)].map((x) => x[1]);
    assert.deepEqual(fills, order);
  });
});

/** Presses "New palette" and waits for the engine's seed to be taken: returns it (digits). */
async function newSeed(page) {
  const before = await page.getAttribute('#seed-hint', 'data-seed');
  await page.click('#new-palette');
  await page.waitForFunction((before) => document.getElementById('seed-hint').dataset.seed !== before, before);
  return page.getAttribute('#seed-hint', 'data-seed');
}

test('the download buttons are those of the engine: its formats, their labels, file names and types', { skip }, async () => {
  const { formats } = await engineDefaults(env.browser, env.server);
  await withPortrait(async (page) => {
    // (The queue's "Download all" is not a format.)
    const buttons = await page.$$eval('#download-buttons [data-download]', (els) =>
      els.map((b) => ({ name: b.dataset.download, label: b.textContent, disabled: b.disabled })),
    );
    assert.deepEqual(
      buttons,
      formats.map((f) => ({ name: f.name, label: f.label, disabled: false })),
    );
    assert.ok(formats.some((f) => f.image), 'one format is the picture');
    // From here on, the Blobs offered are the downloads.
    await page.evaluate(() => (window.__blobTypes = []));
    for (const f of formats) {
      const file = await download(page, f.name);
      // The page's base name of `vibrant_portrait_film.jpg`.
      assert.equal(file.name, `vibrant_portrait_film${f.fileSuffix}`, f.name);
      assert.ok(file.bytes.length > 0, `${f.name}: not empty`);
      const text = file.bytes.toString('utf8');
      if (f.image) {
        assert.deepEqual([...file.bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG');
      } else if (f.name === 'json') {
        // The same object but for the time it took.
        const strip = ({ seconds, file, ...rest }) => rest;
        assert.deepEqual(strip(JSON.parse(text)), strip(JSON.parse(cliText(f.name))), 'json: as the CLI writes it');
      } else {
        const cli = cliBytes(image(PORTRAIT), ['--format', f.name]);
        assert.equal(text, cli.toString('utf8'), `${f.name}: as the CLI writes it`);
        assert.ok(file.bytes.equals(cli), `${f.name}: the same bytes as the CLI's`);
      }
    }
    // Each file's Blob has the format's type (recorded as it is offered).
    const types = await page.evaluate(() => window.__blobTypes);
    assert.deepEqual(types, formats.map((f) => f.mime));
  }, undefined, recordBlobTypes);
});

test('"New palette" is for the seeded methods only (telling and k-means): disabled, saying why, for the others; it changes the seed', { skip }, async () => {
  const { methods, method: byDefault } = await engineDefaults(env.browser, env.server);
  await withPortrait(async (page) => {
    const seededByDefault = methods.find((x) => x.name === byDefault).seeded;
    assert.equal(await page.isEnabled('#new-palette'), seededByDefault, `${byDefault}, the default`);
    for (const m of methods.filter((x) => !x.seeded)) {
      await page.selectOption('#method', m.name);
      await waitForPalette(page, PORTRAIT);
      assert.equal(await page.isDisabled('#new-palette'), true, `${m.name}: disabled`);
      assert.equal(await page.textContent('#seed-hint'), `Telling and Dominant only: ${m.label} always gives the same palette.`);
    }
    assert.deepEqual(methods.filter((x) => x.seeded).map((x) => x.name), ['telling', 'dominant']);
    await page.selectOption('#method', 'dominant');
    const again = await waitForPalette(page, PORTRAIT);
    assert.deepEqual(again, cliHexes(PORTRAIT, ['-m', 'kmeans']), 'the default seed, the same palette as the CLI');
    assert.equal(await page.isEnabled('#new-palette'), true, 'enabled again for k-means');

    const seeds = [await page.getAttribute('#seed-hint', 'data-seed')];
    for (let i = 0; i < 2; i++) {
      seeds.push(await newSeed(page));
      await waitForPalette(page, PORTRAIT);
    }
    assert.equal(new Set(seeds).size, 3, `three different seeds: ${seeds}`);
    const seed = seeds[2];
    assert.match(seed, /^\d+$/);
    // Out of sight: the seed is under "Advanced" (closed) and in the palette's files, not in the hint.
    const hint = await page.textContent('#seed-hint');
    assert.ok(hint.length < 48 && !/\d{4}/.test(hint), `a short hint without the seed: "${hint}"`);
    assert.equal(await page.isVisible('#seed-value'), false, 'the seed is hidden until asked for');
    await page.click('#advanced summary');
    assert.equal(await page.textContent('#seed-value'), seed);
    const json = JSON.parse((await download(page, 'json')).bytes.toString('utf8'));
    assert.equal(String(json.seed), seed);
    assert.deepEqual(await hexes(page), cliHexes(PORTRAIT, ['-n', '10', '-m', 'kmeans', '--seed', seed]));
  });
});

test('clicking a swatch copies its hex and says so', { skip }, async () => {
  await withPortrait(
    async (page, shown) => {
      await page.click('#swatches [data-hex]:nth-child(3)');
      await page.waitForSelector('#swatches [data-hex]:nth-child(3).copied');
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), shown[2]);
      assert.match(await page.textContent('#announce'), new RegExp(`Copied ${shown[2]}`));
    },
    { permissions: ['clipboard-read', 'clipboard-write'] },
  );
});

test('the scatter and the compare views draw, and a compared method can be chosen', { skip }, async () => {
  const { methods: engineMethods } = await engineDefaults(env.browser, env.server);
  await withPortrait(async (page) => {
    await page.click('#scatter-panel summary');
    await page.click('#compare-panel summary');
    await page.waitForSelector('#compare button[data-method="outliers"]', { timeout: 30_000 });
    const methods = await page.$$eval('#compare button[data-method]', (els) => els.map((e) => e.dataset.method));
    assert.deepEqual(methods, engineMethods.map((m) => m.name));
    // Each method explained in the engine's own words, under its name for people.
    const explained = await page.$$eval('#compare button[data-method]', (els) =>
      els.map((e) => [e.querySelector('.compare-name').textContent, e.querySelector('.compare-hint').textContent]),
    );
    assert.deepEqual(
      explained,
      engineMethods.map((m) => [m.label, m.hint]),
    );
    assert.ok(engineMethods.every((m) => m.hint.length > 10), 'every method has a hint');
    const strip = await page.$$eval('#compare button[data-method="balanced"] .compare-strip span', (els) => els.length);
    assert.equal(strip, 10);
    // The scatter has drawn something other than its background.
    await page.waitForFunction(() => {
      const c = document.getElementById('scatter');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const seen = new Set();
      for (let i = 0; i < d.length; i += 4 * 97) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return seen.size > 20;
    });
    await page.dragAndDrop('#scatter', '#scatter', { sourcePosition: { x: 100, y: 100 }, targetPosition: { x: 220, y: 140 } });
    await page.check('input[name="scatter-space"][value="oklab"]');
    await page.check('input[name="scatter-paint"][value="cluster"]');
    await page.locator('#scatter-panel').screenshot({ path: await artifactPath('scatter.png') });

    const ward = await page.$$eval('#compare button[data-method="balanced"] .compare-strip span', (els) =>
      els.map((e) => getComputedStyle(e).backgroundColor),
    );
    await page.click('#compare button[data-method="balanced"]');
    const shown = await waitForPalette(page, PORTRAIT);
    await page.waitForFunction(() => document.getElementById('method').value === 'balanced');
    const wardHexes = await waitForPalette(page, PORTRAIT, { count: 10 });
    assert.deepEqual(wardHexes, cliHexes(PORTRAIT, ['-n', '10', '-m', 'ward']));
    assert.equal(ward.length, 10);
    assert.ok(shown.length === 10);
  });
});

test('screenshots: wide dark, phone-sized, and light', { skip }, async () => {
  await withPortrait(async (page) => {
    await page.screenshot({ path: await artifactPath('page-wide-dark.png'), fullPage: true });
  }, { colorScheme: 'dark' });
  await withPortrait(async (page) => {
    await page.screenshot({ path: await artifactPath('page-phone.png'), fullPage: true });
    // Single column: nothing wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);
  }, { viewport: { width: 390, height: 844 }, colorScheme: 'dark', hasTouch: true, isMobile: true });
  await withPortrait(async (page) => {
    await page.screenshot({ path: await artifactPath('page-light.png'), fullPage: true });
  }, { colorScheme: 'light' });
  const { context, page } = await openApp(env.browser, env.server);
  await page.screenshot({ path: await artifactPath('page-empty.png') });
  await context.close();
});
