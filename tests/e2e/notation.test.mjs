// The notations a swatch is copied in (www/js/notation.js) and its nearest
// color name (www/js/names.js). A value is checked by a reader that is not
// ours: headless Chromium parses every rgb(), hsl() and hex text back to the
// same 8-bit color, and every oklch() text back to within ΔE_ok 0.5 of the
// exact color. The names are checked on the vendored list (read from disk,
// and fetched by the module from the worktree served as the page's origin,
// under the page's Content-Security-Policy): each name's own color gets its
// name, a color near one gets a near name, colors beyond sRGB get one, and a
// failed load says why and can be tried again.
//
// Needs no build: the modules are served from the repository as they are.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { startServer, launch, ROOT, deltaE } from './helpers.mjs';
import { NOTATIONS, formatColor, paletteText, hslText } from '../../www/js/notation.js';
import { createNamer, rgb8ToOklab } from '../../www/js/names.js';

const NAMES_FILE = path.join(ROOT, 'www/names/colornames.json');
const LIST_PATH = '/www/names/colornames.json';

const env = {};
before(async () => {
  // The repository itself, as dist/ would be (the same relative layout).
  env.server = await startServer(ROOT);
  env.browser = await launch();
  const html = await readFile(path.join(ROOT, 'index.html'), 'utf8');
  env.csp = /<meta http-equiv="Content-Security-Policy"[^>]*>/.exec(html)[0];
});
after(async () => {
  await env.browser?.close();
  await env.server?.close();
});

/**
 * A blank page of the served origin with the real page's CSP, where
 * `import('./www/js/…')` loads the modules; `page.listRequests` counts the
 * requests for the names list.
 */
async function hostPage() {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const host = `${env.server.url}__host.html`;
  await page.route(host, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html><head><meta charset="utf-8">${env.csp}<title>host</title></head><body></body></html>`,
    }),
  );
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.listRequests = 0;
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.endsWith(LIST_PATH)) page.listRequests++;
  });
  await page.goto(host);
  return { context, page };
}

// ---- colors ----

/** A deterministic stream of numbers in [0, 1) (mulberry32). */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const toHex = (rgb) => '#' + rgb.map((v) => v.toString(16).padStart(2, '0')).join('');

/** Linear sRGB (extended: any real values) → Oklab, Ottosson's matrices. */
function linearToOklab([r, g, b]) {
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

/** Extended sRGB (CSS `color(srgb …)`, any real values) → linear, the curve mirrored below 0. */
const srgbToLinear = (c) => {
  const a = Math.abs(c);
  return Math.sign(c) * (a <= 0.04045 ? a / 12.92 : ((a + 0.055) / 1.055) ** 2.4);
};

/** Linear Display P3 → linear sRGB (CSS Color 4's matrices, multiplied out). */
const p3ToLinearSrgb = ([r, g, b]) => [
  1.2249401762805598 * r - 0.22494017628055996 * g,
  -0.042056954709688163 * r + 1.0420569547096881 * g,
  -0.019637554590334432 * r - 0.07863604555063188 * g + 1.0982736001409362 * b,
];

/** Oklab → linear sRGB (extended), Ottosson's inverse matrices. */
function oklabToLinear([L, a, b]) {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  return [
    4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s,
  ];
}

/** Linear Rec. 2020 → linear sRGB (CSS Color 4's matrices, multiplied out). */
const rec2020ToLinearSrgb = ([r, g, b]) => [
  1.6604910021084345 * r - 0.5876411387885496 * g - 0.07284986331988483 * b,
  -0.12455047452159074 * r + 1.1328998971259603 * g - 0.008349422604369599 * b,
  -0.018150763354905303 * r - 0.10057889800800739 * g + 1.1187296613629127 * b,
];

const oklchOf = ([L, a, b]) => [L, Math.hypot(a, b), (((Math.atan2(b, a) * 180) / Math.PI) % 360 + 360) % 360];
const oklabOf = ([L, C, h]) => [L, C * Math.cos((h * Math.PI) / 180), C * Math.sin((h * Math.PI) / 180)];
const distance = (p, q) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]) * 100;

/** An engine color for an 8-bit sRGB color, as the engine writes it. */
function engineColor(rgb) {
  const oklab = rgb8ToOklab(rgb);
  return { hex: toHex(rgb), rgb, share: 0, oklab, oklch: oklchOf(oklab), mapped: false };
}

/** 8-bit colors: a grid dense at the ends of each channel, every grey, ramps of the primaries and secondaries, random ones. */
function eightBitColors() {
  const levels = [0, 1, 2, 3, 8, 16, 17, 32, 33, 64, 65, 96, 127, 128, 129, 160, 191, 192, 224, 239, 240, 253, 254, 255];
  const out = new Map();
  const add = (rgb) => out.set(toHex(rgb), rgb);
  for (const r of levels) for (const g of levels) for (const b of levels) add([r, g, b]);
  for (let v = 0; v < 256; v++) {
    add([v, v, v]);
    for (const rgb of [[v, 0, 0], [0, v, 0], [0, 0, v], [v, v, 0], [v, 0, v], [0, v, v], [255, v, v], [v, 255, v], [v, v, 255]]) add(rgb);
  }
  const rand = random(2024);
  for (let i = 0; i < 6000; i++) add([0, 0, 0].map(() => Math.floor(rand() * 256)));
  return [...out.values()];
}

/**
 * Chromium's reading of each CSS color text: `computed` (getComputedStyle's
 * color) and, with `srgb`, the color as Chromium computes it before any
 * rounding: `color(srgb r g b)` floats (6 digits, unclipped) from the
 * relative color `color(from TEXT srgb r g b)`; null for a text that is not
 * a color to Chromium. In batches, one style pass each.
 */
async function chromiumReads(page, texts, { srgb = false } = {}) {
  const out = [];
  for (let i = 0; i < texts.length; i += 10_000) {
    const batch = texts.slice(i, i + 10_000);
    out.push(
      ...(await page.evaluate(
        ({ texts, srgb }) => {
          const box = document.createElement('div');
          document.body.append(box);
          const els = texts.map((t) => {
            const plain = document.createElement('i');
            plain.style.color = t;
            box.append(plain);
            if (!srgb) return [t, plain, null];
            const relative = document.createElement('i');
            relative.style.color = `color(from ${t} srgb r g b)`;
            box.append(relative);
            return [t, plain, relative];
          });
          const read = els.map(([t, plain, relative]) => {
            if (plain.style.color === '') return null; // not a color: the declaration was dropped
            const m = relative && /^color\(srgb (\S+) (\S+) (\S+)\)$/.exec(getComputedStyle(relative).color);
            return { computed: getComputedStyle(plain).color, srgb: m ? m.slice(1).map(Number) : null };
          });
          box.remove();
          return read;
        },
        { texts: batch, srgb },
      )),
    );
  }
  return out;
}

// ---- notation ----

test('the notations and the example swatch', () => {
  assert.deepEqual(NOTATIONS.map((n) => n.name), ['hex', 'rgb', 'hsl', 'oklch']);
  assert.ok(NOTATIONS.every((n) => typeof n.label === 'string' && n.label));
  const c = { hex: '#1b2a3c', rgb: [27, 42, 60], share: 0.231, oklab: [0.2705, -0.0102, -0.0502], oklch: [0.270512, 0.051234, 281.31], mapped: false };
  assert.equal(formatColor(c, 'hex'), '#1b2a3c');
  assert.equal(formatColor(c, 'rgb'), 'rgb(27 42 60)');
  assert.equal(formatColor(c, 'hsl'), 'hsl(213 38% 17%)');
  assert.equal(formatColor(c, 'oklch'), 'oklch(27.05% 0.0512 281.3)');
  assert.throws(() => formatColor(c, 'lab'), /unknown notation "lab"; allowed: hex, rgb, hsl, oklch/);
  assert.throws(() => formatColor(c, 'toString'), RangeError);
  // Only `hex` is enough for the 8-bit notations; oklch needs the exact color.
  assert.equal(formatColor({ hex: '#FF8000' }, 'rgb'), 'rgb(255 128 0)');
  assert.throws(() => formatColor({ hex: '#ff8000' }, 'oklch'), /exact `oklch`/);
});

test('oklch: the exact color, hue 0 when it has no chroma, hue kept in [0, 360)', () => {
  const text = (oklch, extra = {}) => formatColor({ hex: '#000000', rgb: [0, 0, 0], oklch, ...extra }, 'oklch');
  assert.equal(text([0, 0, 0]), 'oklch(0% 0 0)');
  assert.equal(text([0.99999999, 3e-8, 89.9]), 'oklch(100% 0 0)');
  assert.equal(text([0.5998, 0.00004, 123.4]), 'oklch(59.98% 0 0)', 'chroma that prints as 0 has hue 0');
  assert.equal(text([0.6, 0.2, 359.97]), 'oklch(60% 0.2 0)');
  assert.equal(text([0.6, 0.2, -30]), 'oklch(60% 0.2 330)');
  // A color beyond sRGB keeps its own value, not its gamut-mapped hex's.
  assert.equal(text([0.64864, 0.29953, 28.956], { hex: '#ff0000', rgb: [255, 0, 0], mapped: true }), 'oklch(64.86% 0.2995 29)');
});

test('rgb, hsl and hex: Chromium reads each back as the same 8-bit color', async (t) => {
  const colors = eightBitColors();
  const { context, page } = await hostPage();
  try {
    const texts = Object.fromEntries(['hex', 'rgb', 'hsl'].map((n) => [n, colors.map((rgb) => formatColor(engineColor(rgb), n))]));
    const reads = {
      hex: await chromiumReads(page, texts.hex),
      rgb: await chromiumReads(page, texts.rgb),
      hsl: await chromiumReads(page, texts.hsl, { srgb: true }),
    };
    let whole = 0;
    let worstHsl = 0;
    colors.forEach((rgb, i) => {
      for (const n of ['hex', 'rgb', 'hsl']) {
        const [text, read] = [texts[n][i], reads[n][i]];
        assert.ok(read, `${text} is a color to Chromium`);
        assert.equal(read.computed, `rgb(${rgb.join(', ')})`, `${text} reads back as ${toHex(rgb)}`);
      }
      // The hsl value itself, before Chromium rounds it, lies within the
      // module's margin, 0.45 of a level (plus Chromium's 6 printed digits, 0.0002).
      const off = Math.max(...reads.hsl[i].srgb.map((v, c) => Math.abs(v * 255 - rgb[c])));
      worstHsl = Math.max(worstHsl, off);
      if (!texts.hsl[i].includes('.')) whole++;
    });
    assert.ok(worstHsl < 0.4502, `hsl() values lie within ${worstHsl.toFixed(4)} of a level`);
    t.diagnostic(`${colors.length} colors; ${whole} hsl() in whole numbers; hsl() at most ${worstHsl.toFixed(4)} of a level off before rounding`);
  } finally {
    await context.close();
  }
});

test('hsl: greys and primaries in whole numbers, decimals only where needed', () => {
  assert.equal(hslText([0, 0, 0]), 'hsl(0 0% 0%)');
  assert.equal(hslText([255, 255, 255]), 'hsl(0 0% 100%)');
  assert.equal(hslText([128, 128, 128]), 'hsl(0 0% 50.2%)', 'hsl(0 0% 50%) is 127.5, which need not round to 128');
  assert.equal(hslText([255, 0, 0]), 'hsl(0 100% 50%)');
  assert.equal(hslText([0, 255, 0]), 'hsl(120 100% 50%)');
  assert.equal(hslText([0, 0, 255]), 'hsl(240 100% 50%)');
  assert.equal(hslText([255, 255, 0]), 'hsl(60 100% 50%)');
  assert.match(hslText([27, 43, 61]), /^hsl\(\d+(\.\d)? \d+(\.\d)?% \d+(\.\d{1,2})?%\)$/);
});

test('oklch: Chromium reads each back within ΔE_ok 0.5 of the exact color, beyond sRGB too', async (t) => {
  // The text rounds L to 0.0001, C to 0.0001 and h to 0.1° (at C 0.37,
  // 0.0006 in a and b): at most ΔE_ok 0.07 from the exact color. Chromium's
  // conversion uses CSS Color 4's Oklab matrices, which differ from
  // Ottosson's first ones (ours, the engine's) by about 1e-4 (ΔE_ok 0.01),
  // and prints 6 digits. 0.5 is several times both and far below a visible
  // difference (about 2), while a wrong notation (L as a fraction, C as a
  // percentage, the hue in radians or not normalized) is off by tens.
  const rand = random(7);
  const exact = [];
  // In sRGB: the 8-bit colors' exact Oklab (a coarser grid: each is a conversion, not a rounding).
  for (let r = 0; r < 256; r += 17) for (let g = 0; g < 256; g += 17) for (let b = 0; b < 256; b += 17) exact.push(rgb8ToOklab([r, g, b]));
  for (let v = 0; v < 256; v++) exact.push(rgb8ToOklab([v, v, v]));
  // Beyond sRGB: Display P3's primaries and secondaries, random P3 and
  // Rec. 2020 colors. (Not random OKLCH points: most dark ones with much
  // chroma are no color at all, outside the spectral locus, where reading
  // Chromium's 6-digit sRGB back through the cube root loses the color.)
  for (const p3 of [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1], [1, 0, 1]]) exact.push(linearToOklab(p3ToLinearSrgb(p3)));
  for (let i = 0; i < 2000; i++) {
    const p3 = [rand(), rand(), rand()].map((c) => (rand() < 0.3 ? Math.round(c) : c) ** 2.2);
    exact.push(linearToOklab(p3ToLinearSrgb(p3)));
  }
  for (let i = 0; i < 2000; i++) {
    const rec = [rand(), rand(), rand()].map((c) => (rand() < 0.3 ? Math.round(c) : c) ** 2.4);
    exact.push(linearToOklab(rec2020ToLinearSrgb(rec)));
  }

  const colors = exact.map((lab) => ({ hex: '#000000', rgb: [0, 0, 0], oklch: oklchOf(lab) }));
  const texts = colors.map((c) => formatColor(c, 'oklch'));
  const { context, page } = await hostPage();
  try {
    const reads = await chromiumReads(page, texts, { srgb: true });
    const worst = { inside: 0, beyond: 0 };
    const count = { inside: 0, beyond: 0 };
    exact.forEach((lab, i) => {
      assert.ok(reads[i]?.srgb, `${texts[i]} is a color to Chromium, read as ${JSON.stringify(reads[i])}`);
      const back = linearToOklab(reads[i].srgb.map(srgbToLinear));
      const d = distance(back, lab);
      assert.ok(d <= 0.5, `${texts[i]} reads back ${d.toFixed(3)} from the exact color ${JSON.stringify(lab)}`);
      // Whether the exact color is in sRGB (its 8-bit colors, up to float error).
      const key = oklabToLinear(lab).every((c) => c >= -1e-9 && c <= 1 + 1e-9) ? 'inside' : 'beyond';
      worst[key] = Math.max(worst[key], d);
      count[key]++;
    });
    assert.ok(count.inside > 4000 && count.beyond > 3000, JSON.stringify(count));
    t.diagnostic(`${count.inside} colors in sRGB, worst ΔE_ok ${worst.inside.toFixed(4)}; ${count.beyond} beyond, worst ${worst.beyond.toFixed(4)}`);
  } finally {
    await context.close();
  }
});

test('paletteText: a line a swatch in the order given, two spaces before a known name, a newline after each', () => {
  const colors = [[27, 42, 60], [0, 0, 0], [255, 255, 255]].map(engineColor);
  assert.equal(paletteText(colors, 'hex', ['Midnight Express', null, ' Lavender Mist ']), '#1b2a3c  Midnight Express\n#000000\n#ffffff  Lavender Mist\n');
  assert.equal(paletteText(colors, 'rgb'), 'rgb(27 42 60)\nrgb(0 0 0)\nrgb(255 255 255)\n');
  assert.equal(paletteText(colors.slice(0, 1), 'hsl', ['']), 'hsl(213 38% 17%)\n', 'an empty name is no name');
  assert.equal(paletteText([], 'hex'), '');
  // The first double space splits every line into value and name, in every notation.
  for (const { name } of NOTATIONS) {
    const text = paletteText(colors, name, ['A  B', 'Black', 'White']);
    const lines = text.split('\n');
    assert.equal(lines.pop(), '', 'ends with a newline');
    assert.deepEqual(lines.map((l) => l.slice(0, l.indexOf('  '))), colors.map((c) => formatColor(c, name)));
  }
  assert.throws(() => paletteText(colors, 'cmyk'), RangeError);
});

// ---- names ----

const listData = async () => JSON.parse(await readFile(NAMES_FILE, 'utf8'));

test('the vendored list is what scripts/color-names.mjs makes from the pinned package, with its licence', async () => {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'cinepal-names-'));
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/color-names.mjs'), tmp], { stdio: 'pipe' });
    for (const file of ['colornames.json', 'LICENSE']) {
      assert.ok((await readFile(path.join(tmp, file))).equals(await readFile(path.join(ROOT, 'www/names', file))), `www/names/${file} is up to date`);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const pinned = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')).devDependencies['color-name-list'];
  assert.match(pinned, /^\d+\.\d+\.\d+$/, 'pinned exactly');
  const data = await listData();
  assert.equal(data.version, pinned);
  assert.equal(data.subset, 'bestof');
  const licence = await readFile(path.join(ROOT, 'www/names/LICENSE'), 'utf8');
  for (const part of ['MIT License', 'Copyright (c) 2017 David Aerne', `color-name-list\n${pinned}`, 'github.com/meodai/color-names']) {
    assert.ok(licence.includes(part), `LICENSE says ${part}`);
  }
});

test('Oklab of a name: Ottosson\'s reference values, and the helpers\' ΔE_ok', () => {
  const near = (p, q, tol = 1e-4) => p.every((v, i) => Math.abs(v - q[i]) <= tol);
  assert.ok(near(rgb8ToOklab([255, 255, 255]), [1, 0, 0]));
  assert.ok(near(rgb8ToOklab([0, 0, 0]), [0, 0, 0]));
  assert.ok(near(rgb8ToOklab([255, 0, 0]), [0.62796, 0.22486, 0.12585]));
  assert.ok(near(rgb8ToOklab([0, 255, 0]), [0.86644, -0.23389, 0.1795]));
  assert.ok(near(rgb8ToOklab([0, 0, 255]), [0.45201, -0.03246, -0.31153]));
  const rand = random(3);
  for (let i = 0; i < 200; i++) {
    const [p, q] = [0, 1].map(() => [0, 0, 0].map(() => Math.floor(rand() * 256)));
    assert.ok(Math.abs(distance(rgb8ToOklab(p), rgb8ToOklab(q)) - deltaE(p, q)) < 1e-9);
  }
});

test('every name\'s own color gets that name (or the first name of the same color)', async () => {
  const data = await listData();
  const namer = createNamer(data);
  assert.equal(namer.size, data.colors.length);
  assert.ok(namer.size > 4000, `${namer.size} names`);
  const firstOf = new Map();
  for (const [name, hex] of data.colors) if (!firstOf.has(hex)) firstOf.set(hex, name);
  for (const [name, hex] of data.colors) {
    const rgb = [0, 2, 4].map((k) => parseInt(hex.slice(k, k + 2), 16));
    const got = namer.nearest(rgb8ToOklab(rgb));
    assert.equal(got.hex, `#${hex}`, `${name} #${hex}`);
    assert.equal(got.name, firstOf.get(hex));
    assert.equal(got.deltaE, 0);
  }
});

test('a color near a name gets a name at most as far, the nearest one', async () => {
  const data = await listData();
  const namer = createNamer(data);
  const labs = data.colors.map(([, hex]) => rgb8ToOklab([0, 2, 4].map((k) => parseInt(hex.slice(k, k + 2), 16))));
  const rand = random(11);
  for (let i = 0; i < 300; i++) {
    const k = Math.floor(rand() * labs.length);
    // A step of ΔE_ok 1 in a random direction.
    const dir = [rand() - 0.5, rand() - 0.5, rand() - 0.5];
    const len = Math.hypot(...dir);
    const q = labs[k].map((v, c) => v + (0.01 * dir[c]) / len);
    const got = namer.nearest(q);
    assert.ok(got.deltaE <= 1 + 1e-9, `ΔE_ok ${got.deltaE} from ${data.colors[k][0]}, nudged`);
    const best = Math.min(...labs.map((p) => distance(p, q)));
    assert.ok(Math.abs(got.deltaE - best) < 1e-9, 'the nearest of all');
    const rgb = [1, 3, 5].map((c) => parseInt(got.hex.slice(c, c + 2), 16));
    assert.ok(Math.abs(distance(rgb8ToOklab(rgb), q) - got.deltaE) < 1e-9, 'its ΔE_ok is its distance');
  }
});

test('colors beyond sRGB get a name: the nearest to their own color', async () => {
  const data = await listData();
  const namer = createNamer(data);
  const labs = data.colors.map(([, hex]) => rgb8ToOklab([0, 2, 4].map((k) => parseInt(hex.slice(k, k + 2), 16))));
  const beyond = [
    ...[[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 0]].map((p3) => linearToOklab(p3ToLinearSrgb(p3))),
    oklabOf([0.7, 0.37, 150]), // beyond P3 too
    [1.2, 0, 0], // brighter than white
    [-0.05, 0, 0],
    [0.5, 0.6, -0.6], // beyond every gamut
  ];
  for (const q of beyond) {
    const got = namer.nearest(q);
    assert.equal(typeof got.name, 'string');
    assert.match(got.hex, /^#[0-9a-f]{6}$/);
    assert.ok(Number.isFinite(got.deltaE));
    assert.ok(Math.abs(got.deltaE - Math.min(...labs.map((p) => distance(p, q)))) < 1e-9, 'the nearest of all');
  }
  // Display P3's red is named for a red, P3's green for a green.
  const hue = (hex) => oklchOf(rgb8ToOklab([1, 3, 5].map((c) => parseInt(hex.slice(c, c + 2), 16))))[2];
  const red = namer.nearest(beyond[0]);
  const green = namer.nearest(beyond[1]);
  assert.ok(hue(red.hex) < 45 || hue(red.hex) > 345, `P3 red: ${red.name} ${red.hex}`);
  assert.ok(hue(green.hex) > 120 && hue(green.hex) < 160, `P3 green: ${green.name} ${green.hex}`);
  assert.equal(namer.nearest([1.2, 0, 0]).hex, '#ffffff');
  assert.equal(namer.nearest([-0.05, 0, 0]).hex, '#000000');
  for (const bad of [undefined, [], [0.5, NaN, 0], [0.5, 0], ['0.5', 0, 0]]) {
    assert.throws(() => namer.nearest(bad), TypeError, JSON.stringify(bad));
  }
  assert.throws(() => createNamer({ colors: [['Red', 'ff000']] }), /entry 0 is not \[name, "rrggbb"\]/);
  assert.throws(() => createNamer({}), /no list of colors/);
});

test('in the page: nothing is fetched until asked, then the list once, under the page\'s CSP; 64 names take about a millisecond', async (t) => {
  const { context, page } = await hostPage();
  try {
    await page.evaluate(async () => {
      window.names = await import('./www/js/names.js');
    });
    await page.waitForTimeout(200);
    assert.equal(page.listRequests, 0, 'importing the module loads nothing');
    const got = await page.evaluate(async () => {
      const { loadNames, nearestName, NAMES_URL } = window.names;
      const t0 = performance.now();
      const [a, b] = await Promise.all([loadNames(), loadNames()]);
      const load = performance.now() - t0;
      const c = await loadNames();
      const named = await nearestName([0.27, -0.01, -0.05]);
      // 64 swatches, as many as a palette has at most.
      const queries = Array.from({ length: 64 }, (_, i) => [(i + 0.5) / 64, 0.3 * Math.cos(i * 2.4) * ((i % 4) / 4), 0.3 * Math.sin(i * 2.4) * ((i % 4) / 4)]);
      const times = [];
      for (let run = 0; run < 40; run++) {
        const t1 = performance.now();
        for (const q of queries) a.nearest(q);
        times.push(performance.now() - t1);
      }
      times.sort((x, y) => x - y);
      return { same: a === b && b === c, size: a.size, version: a.version, named, url: NAMES_URL.href, load, first: times[0], median: times[20], max: times.at(-1) };
    });
    assert.equal(got.same, true, 'one namer for every call');
    assert.equal(page.listRequests, 1, 'the list is fetched once');
    assert.equal(got.url, `${env.server.url}www/names/colornames.json`);
    const data = await listData();
    assert.equal(got.size, data.colors.length);
    assert.equal(got.version, data.version);
    assert.deepEqual(got.named, createNamer(data).nearest([0.27, -0.01, -0.05]), 'the same name as from the file on disk');
    assert.deepEqual(page.errors, []);
    t.diagnostic(`loading ${got.load.toFixed(1)} ms; 64 nearest names: median ${got.median.toFixed(2)} ms, fastest ${got.first.toFixed(2)}, slowest ${got.max.toFixed(2)} of 40 runs`);
  } finally {
    await context.close();
  }
});

test('in the page: a failed load says why, and the next call tries again', async () => {
  const { context, page } = await hostPage();
  try {
    let mode = '404';
    await page.route(`**${LIST_PATH}`, async (route) => {
      if (mode === '404') await route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' });
      else if (mode === 'network') await route.abort('connectionrefused');
      else if (mode === 'garbage') await route.fulfill({ status: 200, contentType: 'application/json', body: '{"colors": [' });
      else if (mode === 'wrong') await route.fulfill({ status: 200, contentType: 'application/json', body: '{"colors": [["Red", "red"]]}' });
      else await route.continue();
    });
    const attempt = () =>
      page.evaluate(async () => {
        const { loadNames } = await import('./www/js/names.js');
        try {
          const namer = await loadNames();
          return { ok: true, size: namer.size };
        } catch (error) {
          return { ok: false, message: error.message, isError: error instanceof Error };
        }
      });
    const expect = [
      ['404', /^The color names could not be loaded: http:\/\/127\.0\.0\.1:\d+\/cinepal\/www\/names\/colornames\.json answered 404/],
      ['network', /^The color names could not be loaded: \S+colornames\.json could not be fetched \(.+\)\.$/],
      ['garbage', /^The color names could not be loaded: \S+colornames\.json is not JSON \(.+\)\.$/],
      ['wrong', /^The color names could not be loaded: \S+colornames\.json: entry 0 is not \[name, "rrggbb"\]/],
    ];
    for (const [i, [m, message]] of expect.entries()) {
      mode = m;
      const got = await attempt();
      assert.equal(got.ok, false, m);
      assert.equal(got.isError, true);
      assert.match(got.message, message);
      assert.equal(page.listRequests, i + 1, `${m}: each call after a failure fetches again`);
    }
    mode = 'serve';
    const good = await attempt();
    assert.equal(good.ok, true, JSON.stringify(good));
    assert.ok(good.size > 4000);
    assert.equal((await attempt()).ok, true);
    assert.equal(page.listRequests, expect.length + 1, 'and once it has loaded, never again');
  } finally {
    await context.close();
  }
});
