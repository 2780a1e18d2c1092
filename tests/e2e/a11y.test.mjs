// Accessibility: axe-core finds no serious problem, empty or with a palette,
// dark or light; every control has a name; focus is visible.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, choose, waitForPalette, image, imagesMissing, useBrowser, axe } from './helpers.mjs';

const skip = imagesMissing ? `skipped: ${imagesMissing}` : false;

const env = useBrowser();


for (const colorScheme of ['dark', 'light']) {
  test(`axe finds no serious problem (${colorScheme}), before and after an image`, { skip }, async () => {
    // Injecting axe needs an inline script, which the page's own policy forbids.
    const { context, page } = await openApp(env.browser, env.server, { colorScheme, bypassCSP: true });
    try {
      assert.deepEqual(await axe(page), [], 'empty page');
      await choose(page, image('vibrant_portrait_film.jpg'));
      await waitForPalette(page, 'vibrant_portrait_film.jpg');
      await page.click('#compare-panel summary');
      await page.waitForSelector('#compare button[data-method]');
      assert.deepEqual(await axe(page), [], 'with a palette');
    } finally {
      await context.close();
    }
  });
}

test('keyboard: focus reaches the controls and the swatches, and is visible', { skip }, async () => {
  const { context, page } = await openApp(env.browser, env.server);
  try {
    await choose(page, image('vibrant_portrait_film.jpg'));
    await waitForPalette(page, 'vibrant_portrait_film.jpg');
    const seen = [];
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      const info = await page.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        // The file input is hidden; its label shows the focus.
        const shown = el.id === 'file' ? getComputedStyle(el.nextElementSibling) : style;
        return { id: el.id || el.dataset.hex || el.tagName, outline: shown.outlineStyle !== 'none' };
      });
      seen.push(info);
    }
    const ids = seen.map((s) => s.id);
    for (const id of ['pick-color', 'copy-all', 'quick-png', 'panel-pick', 'count', 'method', 'sort', 'new-palette']) {
      assert.ok(ids.includes(id), `Tab reaches #${id}: ${ids.join(' ')}`);
    }
    assert.ok(ids.some((id) => /^#[0-9a-f]{6}$/.test(id)), 'Tab reaches a swatch');
    // Only one swatch is a tab stop (the arrows move among them).
    assert.equal(new Set(ids.filter((id) => /^#[0-9a-f]{6}$/.test(id))).size, 1, ids.join(' '));
    // (Past the last control, focus leaves for the browser: BODY.)
    for (const s of seen.filter((x) => x.id !== 'BODY')) assert.ok(s.outline, `focus is visible on ${s.id}`);
  } finally {
    await context.close();
  }
});
