// Shared by the end-to-end tests: a static server for dist/ under a
// sub-path (as on GitHub Pages), headless Chromium through playwright-core,
// the CLI's palette for comparison, downloads and the composite's pixels
// (from its PNG download), a streaming PNG writer, and small page helpers.

import { createServer } from 'node:http';
import { readFile, stat, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { before, after } from 'node:test';
import { existsSync, createWriteStream } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import { CHROMIUM, launch } from './chromium.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(ROOT, 'dist');
export const IMAGES = path.resolve(ROOT, '../shared/images');
export const ARTIFACTS = path.join(ROOT, 'tests/e2e/artifacts');
export const PREFIX = '/cinepal/';

export { CHROMIUM, launch };

/** Why the test images can't be used, or null when they can. */
export const imagesMissing = existsSync(IMAGES) ? null : `test images not found at ${IMAGES}`;

export function image(name) {
  return path.join(IMAGES, name);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

/**
 * Serves dist/ under PREFIX on a free port of 127.0.0.1; `serve(root)` then
 * serves another folder at the same origin (a new version deployed), and
 * `serve(null)` answers nothing (every connection is dropped, as with no
 * network: Playwright's `setOffline` does not reach a service worker's fetches).
 */
export async function startServer(root = DIST) {
  if (!existsSync(path.join(root, 'index.html'))) {
    throw new Error(`${root}/index.html is missing: run scripts/build.sh first`);
  }
  const server = createServer(async (req, res) => {
    const root = served;
    if (root === null) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url, 'http://x');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (url.pathname === PREFIX.slice(0, -1)) {
      res.writeHead(301, { Location: PREFIX }).end();
      return;
    }
    if (!url.pathname.startsWith(PREFIX)) {
      res.writeHead(404).end('not found');
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(PREFIX.length));
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  let served = root;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}${PREFIX}`,
    serve: (other) => {
      served = other;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * Appends `patch` (JS run after the wasm module's glue, e.g. wrapping a
 * `Still` method) to the engine the worker loads, and reloads `page` so that
 * its worker loads the patched engine. The engine must come from the
 * network, not from the service worker's cache: the page's service worker is
 * unregistered (once the page has registered it) and is not registered again
 * by the context's pages.
 */
export async function patchEngine(context, page, patch) {
  await context.addInitScript(() => {
    if (navigator.serviceWorker) navigator.serviceWorker.register = () => new Promise(() => {});
  });
  await page.evaluate(async () => (await navigator.serviceWorker.ready).unregister());
  await context.route(
    (url) => url.pathname.endsWith('/pkg/cinepal.js'),
    async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: (await response.text()) + patch });
    },
  );
  await page.reload();
  await page.waitForSelector('body.is-ready');
}

/** A fresh page on the app, with the console's errors collected in `page.errors`. */
export async function openApp(browser, server, contextOptions = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, ...contextOptions });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(m.text());
  });
  await page.goto(server.url);
  try {
    await page.waitForSelector('body.is-ready', { timeout: 15_000 });
  } catch (e) {
    e.message += `\npage errors: ${JSON.stringify(page.errors)}`;
    throw e;
  }
  return { context, page };
}

/** Chooses files through the visible picker's <input type=file>. */
export async function choose(page, ...files) {
  await page.setInputFiles('#file', files);
}

/** Waits until the swatches show a palette of `name` and the composite is drawn; returns the hexes. */
export async function waitForPalette(page, name, { count, not, timeout = 30_000 } = {}) {
  await page.waitForFunction(
    ({ name, count, not }) => {
      const list = document.getElementById('swatches');
      const hexes = [...list.querySelectorAll('[data-hex]')].map((li) => li.dataset.hex);
      const canvas = document.getElementById('composite');
      return (
        list.dataset.source === name &&
        hexes.length > 0 &&
        (count === undefined || hexes.length === count) &&
        (not === undefined || hexes.join(',') !== not.join(',')) &&
        canvas.dataset.hexes === hexes.join(',') &&
        document.querySelector('.stage').getAttribute('aria-busy') === 'false'
      );
    },
    { name, count, not },
    { timeout },
  );
  return hexes(page);
}

export function hexes(page) {
  return page.$$eval('#swatches [data-hex]', (els) => els.map((e) => e.dataset.hex));
}

/** When each page last asked for a download (see `download`). */
const lastDownload = new WeakMap();

/**
 * Saves the file of the download button `format` (`[data-download]`), as a
 * person would, without moving the focus (the button is clicked from
 * script): `{name, bytes}`.
 */
export async function download(page, format) {
  // Chromium keeps at most 10 downloads a second from a frame and drops the
  // others (its throttle of download requests): a test saving all the
  // formats in a row would lose the 11th, so downloads are 1/9 s apart.
  const since = Date.now() - (lastDownload.get(page) ?? 0);
  if (since < 112) await new Promise((resolve) => setTimeout(resolve, 112 - since));
  lastDownload.set(page, Date.now());
  const selector = `[data-download="${format}"]`;
  // A button is disabled while its file is being made.
  await page.waitForSelector(`${selector}:not([disabled])`, { timeout: 30_000 });
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 120_000 }),
    page.$eval(selector, (b) => b.click()),
  ]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

/**
 * The composite as the page saves it (its PNG download, at full resolution),
 * decoded: `{width, height, data}` (RGBA). The canvas on screen belongs to
 * the worker (transferControlToOffscreen), so its pixels are read from the file.
 */
export async function compositePixels(page) {
  const { bytes } = await download(page, 'png');
  return PNG.sync.read(bytes);
}

/** `[r, g, b]` at (x, y) of a decoded PNG. */
export function pixelAt(png, x, y) {
  const o = (y * png.width + x) * 4;
  return [...png.data.subarray(o, o + 3)];
}

const toHex = (rgb) => '#' + rgb.map((v) => v.toString(16).padStart(2, '0')).join('');

/** The color of the middle of each of `n` swatches in a decoded composite's strip, as hex. */
export function stripOf(png, n) {
  const w = png.width;
  const band = Math.floor((11 * w) / (10 * n + 1));
  const m = w / (10 * n + 1);
  const y = Math.floor(png.height - band + band / 2);
  return Array.from({ length: n }, (_, i) => toHex(pixelAt(png, Math.floor((i + 1) * 10 * m - 4.5 * m), y)));
}

/** The color of the middle of each swatch in the composite's strip (from its PNG download), as hex. */
export async function stripColors(page) {
  const n = await page.locator('#swatches [data-hex]').count();
  return stripOf(await compositePixels(page), n);
}

/** Width and height from a PNG file's header, without decoding it. */
export function pngSize(bytes) {
  assert.equal(bytes.toString('latin1', 12, 16), 'IHDR', 'a PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

let cliBuilt = false;

/**
 * The CLI run on `file` with `args`, its JSON parsed. It is built (or found
 * up to date) once per test file, so it matches the sources the wasm came from.
 */
export function cliPalette(file, args) {
  return JSON.parse(cliOutput(file, ['--format', 'json', ...args]));
}

/** What the CLI prints for `file` with `args` (built as for cliPalette). */
export function cliOutput(file, args) {
  return cliBytes(file, args).toString('utf8');
}

/** What the CLI writes to stdout for `file` with `args`, as bytes (a Buffer; built as for cliPalette). */
export function cliBytes(file, args) {
  const bin = path.join(process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target'), 'release', 'cinepal');
  if (!cliBuilt) {
    execFileSync('cargo', ['build', '--release', '--quiet', '--bin', 'cinepal'], { cwd: ROOT, stdio: 'inherit' });
    cliBuilt = true;
  }
  return execFileSync(bin, [file, ...args]);
}

export async function artifactPath(name) {
  await mkdir(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/** "#rrggbb" → [r, g, b]. */
export const hexRgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/** ΔE_ok: Euclidean distance in Oklab ×100, as the Rust tests measure it. */
export function deltaE(a, b) {
  const lab = (rgb) => {
    const [r, g, bl] = rgb.map((v) => {
      const c = v / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * bl);
    const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * bl);
    const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * bl);
    return [
      0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
      1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
      0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
    ];
  };
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]) * 100;
}

/**
 * Registers a test file's hooks: before its tests, a server for dist/, a
 * browser, with `tmpPrefix` a temporary folder, then `ready(env)` if given
 * (a file's own setup, here so that it runs after this one: a second
 * root-level `before` did not wait for it);
 * after them, all closed and removed. Returns `{server, browser, tmp}`,
 * filled in by the hook.
 */
export function useBrowser(tmpPrefix, ready) {
  const env = {};
  before(async () => {
    env.server = await startServer();
    env.browser = await launch();
    if (tmpPrefix) env.tmp = await mkdtemp(path.join(os.tmpdir(), tmpPrefix));
    if (ready) await ready(env);
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
    if (env.tmp) await rm(env.tmp, { recursive: true, force: true });
  });
  return env;
}

function pngChunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(zlib.crc32(data, zlib.crc32(type)), 0);
  return Buffer.concat([head, data, tail]);
}

/**
 * Writes a large PNG to `file` without holding it in memory: `blocks` yields
 * Buffers of whole scanlines (each a filter byte, then the row's samples),
 * streamed through zlib (level 1) into IDAT chunks of at most 4 MiB.
 * `depth` is the bit depth, `colorType` 2 (RGB) or 6 (RGBA).
 */
export async function writePng(file, { width, height, depth, colorType }, blocks) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([depth, colorType, 0, 0, 0], 8);
  const MAX_IDAT = 4 << 20;
  await pipeline(
    Readable.from(blocks),
    zlib.createDeflate({ level: 1 }),
    async function* (deflated) {
      yield Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      yield pngChunk('IHDR', ihdr);
      let pending = [];
      let size = 0;
      for await (const piece of deflated) {
        pending.push(piece);
        size += piece.length;
        while (size >= MAX_IDAT) {
          const all = Buffer.concat(pending);
          yield pngChunk('IDAT', all.subarray(0, MAX_IDAT));
          pending = [all.subarray(MAX_IDAT)];
          size = all.length - MAX_IDAT;
        }
      }
      if (size > 0) yield pngChunk('IDAT', Buffer.concat(pending));
      yield pngChunk('IEND', Buffer.alloc(0));
    },
    createWriteStream(file),
  );
}

/** The engine's defaults(), from a page of its own (the module, not the page's worker). */
export async function engineDefaults(browser, server) {
  const page = await browser.newPage();
  try {
    await page.goto(server.url);
    return await page.evaluate(async () => {
      const { default: init, defaults } = await import('./www/pkg/cinepal.js');
      await init();
      return defaults();
    });
  } finally {
    await page.close();
  }
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * What axe-core finds on the page (WCAG 2.1 A and AA, best practices), one
 * line each; only the serious and critical ones unless `every`. The page's
 * policy forbids axe's inline script: open it with `bypassCSP: true`.
 */
export async function axe(page, { every = false } = {}) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'], runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] }),
  );
  return result.violations
    .filter((v) => every || v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
