// Offline and installable (issue 12, item 8): after the first visit the
// service worker (sw.js) controls the page and the page works with no
// network (an image, a lazily loaded module, the color-managed engine); a
// new version deployed takes over (at once when no image is open, else when
// the reader chooses "Reload", the open page keeping its own version until
// then) and the old cache is deleted; no request ever goes to another
// origin; the manifest makes the page installable.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT, DIST, choose, waitForPalette, image, imagesMissing, useBrowser } from './helpers.mjs';
import { launchPersistent } from './chromium.mjs';

const skip = imagesMissing ? `skipped: ${imagesMissing}` : false;
const PHOTO = 'vibrant_portrait_film.jpg';
const GAMMA = path.join(ROOT, 'tests/e2e/fixtures/patches-gamma-2.5.png');
const SRGB = path.join(ROOT, 'tests/e2e/fixtures/patches-srgb.png');

const env = useBrowser('cinepal-offline-');

/** The version written into a build's sw.js. */
async function versionOf(dir) {
  const sw = await readFile(path.join(dir, 'sw.js'), 'utf8');
  return sw.match(/^const VERSION = '([0-9a-f]+)';$/m)[1];
}

/**
 * A copy of dist/ as another deployment: `label` in a meta tag of its
 * index.html and at the end of www/js/compare.js (a lazily loaded module),
 * its sw.js written again by scripts/sw.sh (a new version).
 */
async function build(label) {
  const dir = path.join(env.tmp, label);
  await cp(DIST, dir, { recursive: true });
  const index = path.join(dir, 'index.html');
  const html = await readFile(index, 'utf8');
  await writeFile(index, html.replace('<head>', `<head>\n  <meta name="cinepal-build" content="${label}">`));
  await writeFile(path.join(dir, 'www/js/compare.js'), (await readFile(path.join(dir, 'www/js/compare.js'), 'utf8')) + `// build ${label}\n`);
  execFileSync(path.join(ROOT, 'scripts/sw.sh'), [dir], { stdio: 'ignore' });
  return { dir, version: await versionOf(dir) };
}

/** A fresh context recording every request (the page's, its workers' and the service worker's). */
async function visit() {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(env.server.url);
  await page.waitForSelector('body.is-ready', { timeout: 15_000 });
  // The first visit: the service worker installs (the precache) and takes control of the page.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  await page.evaluate(() => navigator.serviceWorker.ready);
  return { context, page, requests };
}

const cacheNames = (page) => page.evaluate(() => caches.keys());

function assertOwnOrigin(requests) {
  assert.ok(requests.length > 0);
  for (const url of requests) {
    const u = new URL(url);
    const local = u.origin === env.server.origin || u.protocol === 'blob:' || u.protocol === 'data:';
    assert.ok(local, `request to another origin: ${url}`);
  }
}

test('after the first visit the page works with no network: an image, lazy modules, the color-managed engine', { skip }, async () => {
  env.server.serve(DIST);
  const { context, page, requests } = await visit();
  try {
    assert.deepEqual(await cacheNames(page), [`cinepal-${await versionOf(DIST)}`]);
    assert.match(await page.evaluate(() => navigator.serviceWorker.controller.scriptURL), /\/cinepal\/sw\.js$/);

    await context.setOffline(true);
    env.server.serve(null);
    const offline = [];
    page.on('response', (r) => offline.push(r));
    await page.reload();
    await page.waitForSelector('body.is-ready', { timeout: 15_000 });
    // Offline indeed: a file the service worker has not cached cannot be fetched (online, the server
    // answers it with a 404). navigator.onLine does not always follow the emulation after a reload, and the
    // emulation does not reach the service worker's own fetches: the server answers nothing (serve(null)).
    assert.equal(await page.evaluate(() => fetch(`./not-cached-${Date.now()}.txt`).then(() => 'answered', () => 'failed')), 'failed');
    assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null));

    await choose(page, image(PHOTO));
    const hexes = await waitForPalette(page, PHOTO);
    assert.equal(hexes.length, 10);
    assert.ok((await page.locator('#swatches li').count()) >= 10);

    // Lazily loaded modules: the methods compared (js/compare.js), another notation (js/notation.js), the names.
    await page.click('#compare-panel summary');
    await page.waitForSelector('#compare button[data-method="outliers"]', { timeout: 30_000 });
    await page.selectOption('#notation', 'rgb');
    await page.waitForFunction(() => document.querySelector('#swatches li.swatch .hex').textContent.startsWith('rgb('));
    await page.waitForFunction(() => document.querySelector('#swatches li.swatch .name').textContent !== '');

    // A PNG with gAMA: the worker loads the color-managed engine (www/pkg-color).
    await choose(page, GAMMA);
    await waitForPalette(page, 'patches-gamma-2.5.png');
    assert.equal(await page.textContent('[role="alert"]'), '');

    // Every response since the reload came from the service worker.
    const fromNetwork = offline.filter((r) => /^https?:/.test(r.url()) && !r.fromServiceWorker()).map((r) => r.url());
    assert.deepEqual(fromNetwork, []);
    assert.ok(offline.some((r) => r.url().endsWith('/pkg-color/cinepal_bg.wasm')), 'the color-managed engine was asked for');
    assert.deepEqual(page.errors, []);
    assertOwnOrigin(requests);
  } finally {
    await context.close();
    env.server.serve(DIST);
  }
});

test('a new version deployed takes over: at once with no image open, on "Reload" with one; the old cache is deleted', async () => {
  const a = { dir: DIST, version: await versionOf(DIST) };
  const b = await build('b');
  const c = await build('c');
  assert.notEqual(a.version, b.version);
  assert.notEqual(b.version, c.version);
  env.server.serve(a.dir);
  const { context, page, requests } = await visit();
  try {
    assert.deepEqual(await cacheNames(page), [`cinepal-${a.version}`]);

    // B is deployed; the page has no image open: it reloads itself into B.
    env.server.serve(b.dir);
    await page.reload();
    await page.waitForSelector('meta[name="cinepal-build"][content="b"]', { state: 'attached', timeout: 30_000 });
    await page.waitForSelector('body.is-ready', { timeout: 15_000 });
    await page.waitForFunction(async (want) => (await caches.keys()).join() === want, `cinepal-${b.version}`);

    // An image is open when C is deployed: the page stays on B and says a new version is ready.
    await choose(page, SRGB);
    await waitForPalette(page, 'patches-srgb.png');
    env.server.serve(c.dir);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    const note = page.locator('#update-note');
    await note.waitFor({ timeout: 30_000 });
    assert.match(await note.textContent(), /A new version is ready/);
    assert.deepEqual((await cacheNames(page)).sort(), [`cinepal-${b.version}`, `cinepal-${c.version}`].sort());
    // Its modules still come from its own version: the methods compared are B's module.
    const compare = await page.evaluate(async () => (await fetch('www/js/compare.js')).text());
    assert.match(compare, /\/\/ build b\n$/);
    await page.click('#compare-panel summary');
    await page.waitForSelector('#compare button[data-method="outliers"]', { timeout: 30_000 });
    assert.equal(await page.getAttribute('meta[name="cinepal-build"]', 'content'), 'b');

    // "Reload": C takes over, the page reloads into it, and B's cache is deleted.
    await note.locator('button').click();
    await page.waitForSelector('meta[name="cinepal-build"][content="c"]', { state: 'attached', timeout: 30_000 });
    await page.waitForSelector('body.is-ready', { timeout: 15_000 });
    await page.waitForFunction(async (want) => (await caches.keys()).join() === want, `cinepal-${c.version}`);
    assert.match(await page.evaluate(async () => (await fetch('www/js/compare.js')).text()), /\/\/ build c\n$/);
    assert.deepEqual(page.errors, []);
    assertOwnOrigin(requests);
  } finally {
    await context.close();
    env.server.serve(DIST);
  }
});

test('the manifest is valid and Chromium finds the page installable', async () => {
  env.server.serve(DIST);
  // Chromium installs nothing from an off-the-record context (browser.newContext's): a profile of its own.
  const context = await launchPersistent(path.join(env.tmp, 'profile'));
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(env.server.url);
    await page.waitForSelector('body.is-ready', { timeout: 15_000 });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    const cdp = await context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    assert.equal(manifest.url, `${env.server.url}manifest.webmanifest`);
    assert.deepEqual(manifest.errors, []);
    const parsed = JSON.parse(manifest.data);
    assert.equal(parsed.start_url, './');
    assert.equal(parsed.scope, './');
    assert.equal(parsed.display, 'standalone');
    assert.equal(parsed.theme_color, '#121212');
    // As Chromium resolved it: the start, the scope and the app's identity are the sub-path.
    assert.equal(manifest.manifest.startUrl, env.server.url);
    assert.equal(manifest.manifest.scope, env.server.url);
    assert.equal(manifest.manifest.id, env.server.url);
    assert.equal(manifest.manifest.display, 'kStandalone');
    // Every icon is served and is what it says.
    for (const icon of parsed.icons) {
      const res = await page.request.get(new URL(icon.src, manifest.url).href);
      assert.equal(res.status(), 200, icon.src);
      const body = await res.body();
      if (icon.type === 'image/png') {
        assert.equal(body.readUInt32BE(16), Number(icon.sizes.split('x')[0]), `${icon.src} is ${icon.sizes}`);
      } else {
        assert.match(body.toString('utf8'), /^<svg /);
      }
    }
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, []);
    assertOwnOrigin(requests);
  } finally {
    await context.close();
  }
});
