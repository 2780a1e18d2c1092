// Shared by the end-to-end tests: a static server for dist/ under a
// sub-path (as on GitHub Pages), headless Chromium through playwright-core,
// the CLI's palette for comparison, and small page helpers.

import { createServer } from 'node:http';
import { readFile, stat, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { before, after } from 'node:test';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(ROOT, 'dist');
export const IMAGES = path.resolve(ROOT, '../shared/images');
export const ARTIFACTS = path.join(ROOT, 'tests/e2e/artifacts');
export const PREFIX = '/cinepal/';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

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

/** Serves dist/ under PREFIX on a free port of 127.0.0.1. */
export async function startServer(root = DIST) {
  if (!existsSync(path.join(root, 'index.html'))) {
    throw new Error(`${root}/index.html is missing: run scripts/build.sh first`);
  }
  const server = createServer(async (req, res) => {
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
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}${PREFIX}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

export async function launch() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
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
export async function waitForPalette(page, name, { count, not } = {}) {
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
    { timeout: 30_000 },
  );
  return hexes(page);
}

export function hexes(page) {
  return page.$$eval('#swatches [data-hex]', (els) => els.map((e) => e.dataset.hex));
}

/** The color of the middle of each swatch in the composite's strip, as hex. */
export function stripColors(page) {
  return page.evaluate(() => {
    const canvas = document.getElementById('composite');
    const n = document.querySelectorAll('#swatches [data-hex]').length;
    const w = canvas.width;
    const band = Math.floor((11 * w) / (10 * n + 1));
    const top = canvas.height - band;
    const m = w / (10 * n + 1);
    const ctx = canvas.getContext('2d');
    const y = Math.floor(top + band / 2);
    const out = [];
    for (let i = 0; i < n; i++) {
      const x = Math.floor((i + 1) * 10 * m - 4.5 * m);
      const [r, g, b] = ctx.getImageData(x, y, 1, 1).data;
      out.push('#' + [r, g, b].map((v) => v.toString(16).padStart(2, '0')).join(''));
    }
    return out;
  });
}

let cliBuilt = false;

/**
 * The CLI run on `file` with `args`, its JSON parsed. It is built (or found
 * up to date) once per test file, so it matches the sources the wasm came from.
 */
export function cliPalette(file, args) {
  const bin = path.join(process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target'), 'release', 'cinepal');
  if (!cliBuilt) {
    execFileSync('cargo', ['build', '--release', '--quiet', '--bin', 'cinepal'], { cwd: ROOT, stdio: 'inherit' });
    cliBuilt = true;
  }
  return JSON.parse(execFileSync(bin, [file, '--format', 'json', ...args], { encoding: 'utf8' }));
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
