// The page for real people (issue 12): example stills on a first visit,
// plain words, a layout that fits 1280×720 and 1024×768, phones (touch
// through CDP: a swipe scrolls, a long press or the chip drags; 44 px
// targets; touch wording), the strip's hairline and transparency, keyboard
// and axe in every state. Screenshots of each size, light and dark, go to
// tests/e2e/artifacts/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import {
  ROOT,
  openApp,
  choose,
  waitForPalette,
  hexes,
  image,
  imagesMissing,
  useBrowser,
  cliPalette,
  compositePixels,
  pixelAt,
  deltaE,
  artifactPath,
  engineDefaults,
  axe,
} from './helpers.mjs';

const skip = imagesMissing ? `skipped: ${imagesMissing}` : false;
const env = useBrowser('cinepal-page-');

const LANDSCAPE = 'okolors_louvre_night.jpg'; // 1514×1000
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };


/** The boxes of the still, the swatch list and the main actions, and the window's height. */
const boxes = (page) =>
  page.evaluate(() => {
    const box = (s) => {
      const r = document.querySelector(s).getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height };
    };
    const rows = new Map();
    for (const li of document.querySelectorAll('#swatches li')) {
      const y = Math.round(li.getBoundingClientRect().top);
      rows.set(y, (rows.get(y) || 0) + 1);
    }
    return {
      innerHeight,
      innerWidth,
      composite: box('#composite'),
      swatches: box('#swatches'),
      png: box('#quick-png'),
      copy: box('#copy-all'),
      rows: [...rows.values()],
    };
  });

test('a first visit offers example stills; one click gives a palette, and their images are fetched only then', { skip }, async () => {
  const { context, page } = await openApp(env.browser, env.server);
  // The page's own requests (the service worker caches the examples too, for offline use, in the background).
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  try {
    const examples = await page.$$eval('[data-example]', (els) => els.map((e) => [e.dataset.example, e.textContent.trim()]));
    assert.ok(examples.length >= 2 && examples.length <= 4, `two to four examples: ${JSON.stringify(examples)}`);
    assert.ok(examples.every(([, label]) => label.length > 3), 'each example is named');
    // Only the small thumbnails come with the page.
    const full = (url) => /\/examples\/[^/]+\.jpg$/.test(url) && !url.endsWith('.thumb.jpg');
    assert.deepEqual(requests.filter(full), []);
    const [name] = examples[0];
    await page.click(`[data-example="${name}"]`);
    const shown = await waitForPalette(page, `${name}.jpg`);
    assert.deepEqual(requests.filter(full).map((u) => path.basename(u)), [`${name}.jpg`]);
    // The same palette as the CLI gives for the same file, bars found and left out.
    const cli = cliPalette(path.join(ROOT, 'www/examples', `${name}.jpg`), []);
    assert.deepEqual(shown, cli.colors.map((c) => c.hex));
    assert.match(await page.textContent('#region-found'), /^Found bars: \d+ px above and below\.$/);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test('methods and orders are named in plain words with a hint each; the technical names still open old links', async () => {
  const d = await engineDefaults(env.browser, env.server);
  const technical = ['kmeans', 'ward', 'complete', 'average', 'single', 'none', 'along_color'];
  const { context, page } = await openApp(env.browser, env.server);
  try {
    await page.click('#advanced summary');
    for (const [id, list] of [
      ['method', d.methods],
      ['sort', d.sorts],
      ['space', d.spaces],
    ]) {
      const options = await page.$$eval(`#${id} option:not([hidden])`, (els) => els.map((o) => [o.value, o.textContent]));
      assert.deepEqual(options, list.map((x) => [x.name, x.label]), id);
      for (const [value, text] of options) {
        assert.ok(!technical.includes(text.toLowerCase()), `${id}: "${text}" is a word for people`);
        assert.ok(/^[A-Z]/.test(text), `${id}: "${text}" is written for people`);
        assert.ok(!technical.includes(value) || id === 'space', `${id}: the name ${value} is a plain one`);
      }
      await page.selectOption(`#${id}`, list[1].name);
      assert.equal(await page.textContent(`#${id}-hint`), list[1].hint);
      assert.ok(!/notebook/.test(await page.textContent(`#${id}-hint`)) || id === 'space', 'no history lesson in a hint');
    }
    // Names the 2022 notebook used are aliases: an older link still opens, in today's names.
    await page.goto(`${env.server.url}#v=1&colors=3&method=kmeans&sort=none&palette=1b2a3c,e8c547,4a7439`);
    await page.waitForSelector('body.has-shared');
    assert.equal(await page.inputValue('#method'), 'dominant');
    assert.equal(await page.inputValue('#sort'), 'as_found');
    // The seed is out of sight until asked for (Advanced, closed on a fresh page).
    assert.equal(await page.isVisible('#seed-value'), false);
    await page.click('#advanced summary');
    assert.match(await page.textContent('#seed-value'), /^\d+$/);
  } finally {
    await context.close();
  }
});

for (const colorScheme of ['light', 'dark']) {
  test(`the still, its strip and the swatches fit 1280×720 and 1024×768 (${colorScheme}); the settings stay in view`, { skip }, async () => {
    for (const [width, height] of [
      [1440, 900],
      [1280, 720],
      [1024, 768],
    ]) {
      const { context, page } = await openApp(env.browser, env.server, { viewport: { width, height }, colorScheme });
      try {
        await page.screenshot({ path: await artifactPath(`page-${width}-empty-${colorScheme}.png`) });
        await choose(page, image(LANDSCAPE));
        await waitForPalette(page, LANDSCAPE);
        await page.waitForTimeout(300);
        await page.screenshot({ path: await artifactPath(`page-${width}-${colorScheme}.png`) });
        const b = await boxes(page);
        const at = `${width}×${height}`;
        assert.ok(b.composite.bottom <= b.innerHeight, `${at}: the still and its strip end at ${b.composite.bottom}`);
        assert.ok(b.swatches.bottom <= b.innerHeight, `${at}: the swatches end at ${b.swatches.bottom}`);
        for (const [name, r] of [
          ['Download PNG', b.png],
          ['Copy all', b.copy],
        ]) {
          assert.ok(r.top >= 0 && r.bottom <= b.innerHeight && r.right <= b.innerWidth, `${at}: ${name} in view`);
        }
        assert.deepEqual(b.rows, [10], `${at}: ten swatches in one row`);
        // Twelve colors: even rows, never 10 + 2.
        await page.fill('#count', '12');
        await page.waitForFunction(() => document.querySelectorAll('#swatches li').length === 12);
        const rows = (await boxes(page)).rows;
        assert.ok(Math.max(...rows) - Math.min(...rows) <= 1, `${at}: twelve as ${rows.join(' + ')}`);
        // The settings stay in view while the page scrolls.
        await page.evaluate(() => window.scrollTo(0, 400));
        const panel = await page.$eval('.panel', (p) => p.getBoundingClientRect().top);
        assert.ok(panel >= 0 && panel < 40, `${at}: the panel's top at ${panel} after scrolling`);
      } finally {
        await context.close();
      }
    }
  });
}

/** Touches through the DevTools protocol (real touch events, not mouse events). */
async function touch(cdp, type, x, y) {
  await cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
}

/** Until the page has stopped scrolling (a swipe's fling goes on after the finger leaves). */
async function settle(page) {
  let last = -1;
  for (let y = await page.evaluate(() => scrollY); y !== last; y = await page.evaluate(() => scrollY)) {
    last = y;
    await page.waitForTimeout(250);
  }
}

async function slide(cdp, from, to, steps = 12) {
  for (let i = 1; i <= steps; i++) {
    await touch(cdp, 'touchMove', from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps);
  }
}

test('phone: a swipe over the swatches scrolls; a long press or the chip drags; every control is 44 px; touch words', { skip }, async () => {
  const { context, page } = await openApp(env.browser, env.server, { ...PHONE, colorScheme: 'light', bypassCSP: true });
  try {
    const sub = await page.textContent('.dropzone-sub');
    assert.equal(await page.isVisible('.dropzone-sub .for-mouse'), false, `no keys on a phone: "${sub}"`);
    await page.screenshot({ path: await artifactPath('page-390-empty-light.png') });
    await choose(page, image(LANDSCAPE));
    const before = await waitForPalette(page, LANDSCAPE);
    await page.screenshot({ path: await artifactPath('page-390-light.png'), fullPage: true });
    const help = await page.evaluate(() => document.getElementById('swatch-help').innerText);
    assert.ok(/Tap/.test(help) && !/Click|Ctrl|Space/.test(help), `the help speaks of fingers: "${help}"`);

    const cdp = await context.newCDPSession(page);
    const spot = (i, where) =>
      page.$eval(
        `#swatches li:nth-child(${i + 1}) ${where}`,
        (el) => {
          const r = el.getBoundingClientRect();
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        },
      );
    // A swipe up over a swatch's text scrolls the page and moves nothing.
    await page.evaluate(() => document.getElementById('swatches').scrollIntoView({ block: 'start' }));
    const y0 = await page.evaluate(() => scrollY);
    const from = await spot(2, '.hex');
    await touch(cdp, 'touchStart', from.x, from.y);
    await slide(cdp, from, { x: from.x, y: from.y - 250 });
    await touch(cdp, 'touchEnd');
    await page.waitForFunction((y) => scrollY > y + 100, y0);
    await settle(page);
    assert.deepEqual(await hexes(page), before, 'a swipe reorders nothing');

    // Held still, then moved: a drag (the first swatch to the third place).
    await page.evaluate(() => document.getElementById('swatches').scrollIntoView({ block: 'start' }));
    await settle(page);
    const a = await spot(0, '.hex');
    const c = await spot(2, '.hex');
    await touch(cdp, 'touchStart', a.x, a.y);
    await page.waitForTimeout(700);
    await slide(cdp, a, c);
    await touch(cdp, 'touchEnd');
    const moved = [before[1], before[2], before[0], ...before.slice(3)];
    await page.waitForFunction((want) => [...document.querySelectorAll('#swatches li')].map((li) => li.dataset.hex).join() === want.join(), moved);

    // From the chip a drag starts at once (the second swatch to the front).
    const chip = await spot(1, '.chip');
    const first = await spot(0, '.chip');
    await touch(cdp, 'touchStart', chip.x, chip.y);
    await slide(cdp, chip, first, 6);
    await touch(cdp, 'touchEnd');
    const again = [moved[1], moved[0], ...moved.slice(2)];
    await page.waitForFunction((want) => [...document.querySelectorAll('#swatches li')].map((li) => li.dataset.hex).join() === want.join(), again);

    // Every control a finger can reach is at least 44 × 44 CSS px (a checkbox by its label).
    await page.evaluate(() => window.scrollTo(0, 0));
    const small = await page.evaluate(() => {
      const seen = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
      const out = [];
      for (const el of document.querySelectorAll('button, select, input, summary, a[href], [tabindex="0"]')) {
        if (!seen(el) || el.closest('.skip') || el.type === 'file' || el.tagName === 'LI') continue;
        const target = el.type === 'checkbox' || el.type === 'radio' ? document.querySelector(`label[for="${el.id}"]`) || el.closest('label') : el;
        const r = target.getBoundingClientRect();
        if (r.width < 43.5 || r.height < 43.5) out.push(`${el.id || el.className || el.tagName}: ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
      return out;
    });
    assert.deepEqual(small, []);
    assert.deepEqual(await axe(page, { every: true }), [], 'axe on a phone');
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test('phone, dark: the same layout, and axe finds nothing', { skip }, async () => {
  // A context of its own (emulateMedia would drop the touch emulation).
  const { context, page } = await openApp(env.browser, env.server, { ...PHONE, colorScheme: 'dark', bypassCSP: true });
  try {
    await page.screenshot({ path: await artifactPath('page-390-empty-dark.png') });
    assert.deepEqual(await axe(page, { every: true }), [], 'empty');
    await choose(page, image(LANDSCAPE));
    await waitForPalette(page, LANDSCAPE);
    await page.screenshot({ path: await artifactPath('page-390-dark.png'), fullPage: true });
    assert.equal(await page.isVisible('#swatches li:first-child .tool-remove'), true, 'a swatch shows its buttons to a finger');
    assert.deepEqual(await axe(page, { every: true }), [], 'loaded');
  } finally {
    await context.close();
  }
});

test('the strip: a swatch close to the band gets a hairline; transparent parts are on the band color in the saved PNG', async () => {
  // Left: white; right: a red that is transparent on its lower half (its RGB kept red).
  const png = new PNG({ width: 240, height: 160 });
  for (let y = 0; y < 160; y++) {
    for (let x = 0; x < 240; x++) {
      const o = (y * 240 + x) * 4;
      const white = x < 120;
      png.data.set(white ? [255, 255, 255, 255] : [200, 30, 40, y < 80 ? 255 : 0], o);
    }
  }
  const file = path.join(env.tmp, 'white-and-red.png');
  await writeFile(file, PNG.sync.write(png));
  const { context, page } = await openApp(env.browser, env.server);
  try {
    await page.fill('#count', '2');
    await page.uncheck('#region-auto');
    await choose(page, file);
    const shown = await waitForPalette(page, 'white-and-red.png');
    assert.deepEqual([...shown].sort(), ['#c81e28', '#ffffff']);
    const composite = await compositePixels(page);
    assert.equal(composite.width, 240);
    // m = 240 / 21: the swatches span rows m … 10m of the band below the image.
    const m = 240 / 21;
    const top = 160 + Math.floor(m);
    const white = shown.indexOf('#ffffff');
    const x0 = Math.floor((10 * white + 1) * m);
    const edge = pixelAt(composite, x0, top + 20);
    const inside = pixelAt(composite, x0 + 20, top + 20);
    assert.deepEqual(inside, [255, 255, 255]);
    assert.ok(deltaE(edge, [255, 255, 255]) > 15, `the white swatch has an edge: ${edge}`);
    const red = shown.indexOf('#c81e28');
    assert.deepEqual(pixelAt(composite, Math.floor((10 * red + 1) * m), top + 20), [200, 30, 40], 'the red one has none');
    // The transparent quarter is white and opaque in the file, as the page shows it.
    const o = (120 * 240 + 200) * 4;
    assert.deepEqual([...composite.data.subarray(o, o + 4)], [255, 255, 255, 255]);
  } finally {
    await context.close();
  }
});

test('keyboard: "Choose images…" opens the picker with Enter and Space; the focus follows the layout; axe in every state', { skip }, async () => {
  const { context, page } = await openApp(env.browser, env.server, { bypassCSP: true });
  try {
    await choose(page, image('vibrant_portrait_film.jpg'));
    await waitForPalette(page, 'vibrant_portrait_film.jpg');
    // Listening first: Playwright then intercepts every picker the page opens.
    const choosers = [];
    page.on('filechooser', (c) => choosers.push(c));
    await page.waitForTimeout(100);
    for (const key of ['Enter', ' ']) {
      const before = choosers.length;
      await page.focus('#panel-pick');
      await page.keyboard.press(key);
      for (let i = 0; i < 100 && choosers.length === before; i++) await page.waitForTimeout(100);
      assert.equal(choosers.length, before + 1, `${JSON.stringify(key)} opens the picker`);
      assert.ok(choosers.at(-1).isMultiple());
      // Closed without a file (a second picker does not open while one is).
      await choosers.at(-1).setFiles([]);
    }
    // Tab from the top: the still's tools, its swatches, the views below it, then the settings beside it.
    await page.evaluate(() => document.activeElement.blur());
    await page.focus('.skip');
    const order = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate(() => {
          const el = document.activeElement;
          if (el.closest('#swatches')) return 'swatches';
          if (el.closest('.extras')) return 'extras';
          if (el.closest('.panel')) return 'panel';
          if (el.closest('.stage')) return 'stage';
          return el.tagName;
        }),
      );
    }
    // One pass through the page (past its last control the focus leaves it, then starts again at the top).
    const runs = order.filter((x, i) => x !== order[i - 1]);
    const pass = runs.slice(0, runs.findIndex((x, i) => i > 0 && !['stage', 'swatches', 'extras', 'panel'].includes(x)));
    assert.deepEqual(pass, ['stage', 'swatches', 'extras', 'panel'], `in the order of the layout, no jumping back: ${runs.join(' ')}`);

    assert.deepEqual(await axe(page, { every: true }), [], 'loaded');
    await page.click('#advanced summary');
    await page.click('#scatter-panel summary');
    await page.click('#compare-panel summary');
    await page.waitForSelector('#compare button[data-method]', { timeout: 30_000 });
    assert.deepEqual(await axe(page, { every: true }), [], 'panels open');
    const bad = path.join(env.tmp, 'not-an-image.jpg');
    await writeFile(bad, 'this is text, not a JPEG');
    await choose(page, bad);
    await page.waitForSelector('#alert-box.is-shown');
    assert.deepEqual(await axe(page, { every: true }), [], 'an error shown');
  } finally {
    await context.close();
  }
});

test('while a large image opens: its name, a bar, its picture as soon as it is decoded; all go when its palette is shown', { skip }, async () => {
  const { context, page } = await openApp(env.browser, env.server);
  try {
    // What the page shows, in the order it shows it (a MutationObserver, no timing assumed).
    await page.evaluate(() => {
      window.__seen = [];
      const opening = document.getElementById('opening');
      const note = (what) => window.__seen.at(-1) !== what && window.__seen.push(what);
      new MutationObserver(() => {
        const canvas = document.getElementById('opening-preview');
        if (!opening.hidden && !opening.classList.contains('has-preview')) note('name');
        if (!opening.hidden && opening.classList.contains('has-preview') && canvas.width > 0) {
          note('preview');
          // Its picture, as drawn: its size and whether it has something in it.
          const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let min = 255;
          let max = 0;
          for (let i = 0; i < px.length; i += 4 * 97) {
            min = Math.min(min, px[i + 1]);
            max = Math.max(max, px[i + 1]);
          }
          window.__preview ??= { width: canvas.width, height: canvas.height, range: max - min };
        }
        if (!opening.hidden && opening.classList.contains('is-slow')) note('bar');
        if (opening.hidden && window.__seen.length) note('gone');
        if (document.querySelector('#swatches li')) note('swatches');
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await choose(page, image('okolors_lake_mendota_22mp.jpg'));
    await waitForPalette(page, 'okolors_lake_mendota_22mp.jpg');
    const { seen, preview } = await page.evaluate(() => ({ seen: window.__seen, preview: window.__preview }));
    assert.equal(seen[0], 'name', `the name first: ${seen}`);
    assert.ok(seen.includes('bar'), `a bar (the 22 MP photo takes over 300 ms): ${seen}`);
    assert.ok(seen.indexOf('preview') > 0 && seen.indexOf('preview') < seen.indexOf('swatches'), `the picture before the swatches: ${seen}`);
    // The engine's picture of the photo (3839 × 5758): its shape, at most 640 px, not blank.
    assert.ok(preview.height <= 640 && preview.height >= 480, JSON.stringify(preview));
    assert.ok(Math.abs(preview.width / preview.height - 3839 / 5758) < 0.01, JSON.stringify(preview));
    assert.ok(preview.range > 40, `the preview shows the photo: ${JSON.stringify(preview)}`);
    assert.equal(await page.isVisible('#opening'), false, 'the preview goes once the still is drawn');
    assert.equal(await page.isVisible('#composite'), true);
    assert.equal(await page.evaluate(() => document.getElementById('opening-preview').width), 0, 'its pixels let go');
  } finally {
    await context.close();
  }
});
