// The formats of other apps, read back by readers other people wrote (npm,
// pinned in package.json): Adobe Swatch Exchange with ase-utils, Photoshop
// swatches with adobe-aco, a Procreate palette with procreate-swatches, and
// the Tailwind CSS files with tailwindcss 4 itself. First what the CLI
// writes, then what the page's download buttons save: the colors are the
// palette's, in its order.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { register, createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import ase from 'ase-utils';
import { readSwatchesFile } from 'procreate-swatches';
import { compile } from 'tailwindcss';
import {
  openApp,
  choose,
  waitForPalette,
  download,
  cliPalette,
  cliBytes,
  image,
  imagesMissing,
  useBrowser,
} from './helpers.mjs';

// adobe-aco's dependency @szydlovski/binary-file imports two of its own files
// without their `.js`, which bundlers accept and Node does not: this hook
// resolves just those, so that the reader loads unchanged.
register(
  'data:text/javascript,' +
    encodeURIComponent(`export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (e.code !== 'ERR_MODULE_NOT_FOUND' || !specifier.startsWith('.') || specifier.endsWith('.js')) throw e;
    return next(specifier + '.js', context);
  }
}`),
);
const { readAcoFile } = await import('adobe-aco');

// The portrait has an Adobe RGB profile (the page decodes it with the module
// with every feature) and colors beyond sRGB; the cat has no profile (the
// page's first module decodes it, and leaves the formats of other apps to the
// other module).
const PORTRAIT = 'vibrant_portrait_film.jpg';
const CAT = 'vibrant_black_cat_dark.jpg';
const skip = imagesMissing ? `skipped: ${imagesMissing}` : false;
const FORMATS = ['ase', 'aco', 'swatches', 'tailwind', 'tailwind-config'];

const env = useBrowser();

const toHex = (rgb) => '#' + rgb.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');

/** An ASE file read by ase-utils: `{group, names, hexes}`; one group of global RGB colors. */
function readAse(bytes) {
  const file = ase.decode(Buffer.from(bytes));
  assert.equal(file.version, '1.0');
  assert.equal(file.groups.length, 1, 'one group');
  assert.deepEqual(file.groups[0].colors, file.colors, 'every color in the group');
  for (const c of file.colors) assert.deepEqual([c.model, c.type, c.color.length], ['RGB', 'global', 3]);
  return {
    group: file.groups[0].name,
    names: file.colors.map((c) => c.name),
    hexes: file.colors.map((c) => toHex(c.color.map((v) => v * 255))),
  };
}

/** An ACO file read by adobe-aco (its version 2 section, with names): `{names, hexes}`. */
function readAco(bytes) {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  const swatches = readAcoFile(buffer);
  for (const [, space] of swatches) assert.equal(space, 'rgb');
  // Its version 1 section, as older readers see it: the same colors.
  const count = bytes.readUInt16BE(2);
  assert.equal(bytes.readUInt16BE(0), 1);
  const v1 = Array.from({ length: count }, (_, i) => [1, 2, 3].map((k) => bytes.readUInt16BE(4 + 10 * i + 2 * k) / 257));
  assert.deepEqual(v1.map(toHex), swatches.map(([rgb]) => toHex(rgb)), 'version 1 and 2 agree');
  return { names: swatches.map(([, , name]) => name), hexes: swatches.map(([rgb]) => toHex(rgb)) };
}

/** A .swatches file read by procreate-swatches: `{name, hexes}`; its ZIP's CRC checked (JSZip does not). */
async function readProcreate(bytes) {
  assert.equal(bytes.readUInt32LE(0), 0x04034b50, 'a ZIP');
  const nameLength = bytes.readUInt16LE(26);
  const data = bytes.subarray(30 + nameLength, 30 + nameLength + bytes.readUInt32LE(18));
  assert.equal(bytes.readUInt32LE(14), zlib.crc32(data), 'the CRC-32 of Swatches.json');
  const palette = await readSwatchesFile(bytes, 'rgb');
  return { name: palette.name, hexes: palette.colors.map(([rgb, space]) => (assert.equal(space, 'rgb'), toHex(rgb))) };
}

const require = createRequire(import.meta.url);

/** Tailwind's own style sheet for `@import "tailwindcss"`. */
async function loadStylesheet(id, base) {
  const file = id === 'tailwindcss' ? require.resolve('tailwindcss/index.css') : path.resolve(base, id);
  return { path: file, base: path.dirname(file), content: await readFile(file, 'utf8') };
}

/**
 * The `@theme` file compiled by Tailwind 4 after its own style sheet, with
 * the classes bg-cinepal-1… (and one of Tailwind's own colors, still there):
 * each class takes its variable, and each variable is the swatch's hex, or
 * for a color beyond sRGB its oklch() (within the rounding of the file).
 */
async function checkTheme(css, colors) {
  const compiler = await compile(`@import "tailwindcss";\n${css}`, { base: '/', loadStylesheet });
  const classes = colors.map((_, i) => `bg-cinepal-${i + 1}`);
  const out = compiler.build([...classes, 'text-red-500']);
  assert.match(out, /\.text-red-500 \{\s*color: var\(--color-red-500\);/);
  colors.forEach((c, i) => {
    const n = i + 1;
    assert.match(out, new RegExp(`\\.bg-cinepal-${n} \\{\\s*background-color: var\\(--color-cinepal-${n}\\);`));
    const value = new RegExp(`--color-cinepal-${n}: ([^;]+);`).exec(out)?.[1];
    if (!c.mapped) {
      assert.equal(value, c.hex, `${n}`);
    } else {
      const m = /^oklch\(([\d.]+)% ([\d.]+) ([\d.]+)\)$/.exec(value);
      assert.ok(m, `${n}: ${value}`);
      const [l, chroma, hue] = m.slice(1).map(Number);
      const [wl, wc, wh] = c.oklch;
      assert.ok(Math.abs(l - wl * 100) <= 0.005 && Math.abs(chroma - wc) <= 0.00005 && Math.abs(hue - wh) <= 0.005, `${n}: ${value} vs ${c.oklch}`);
    }
  });
}

/**
 * The config module imported by Node and given to Tailwind 4 with `@config`:
 * its colors are the hexes in order, and the classes take them.
 */
async function checkConfig(js, hexes) {
  const config = (await import('data:text/javascript;base64,' + Buffer.from(js).toString('base64'))).default;
  assert.deepEqual(config.theme.extend.colors.cinepal, Object.fromEntries(hexes.map((h, i) => [String(i + 1), h])));
  const compiler = await compile('@config "./palette.tailwind.js";\n@tailwind utilities;\n', {
    base: '/',
    loadModule: async (id, base, kind) => {
      assert.deepEqual([id, kind], ['./palette.tailwind.js', 'config']);
      return { path: path.resolve(base, id), base, module: config };
    },
  });
  const out = compiler.build(hexes.map((_, i) => `bg-cinepal-${i + 1}`));
  hexes.forEach((hex, i) => {
    assert.match(out, new RegExp(`\\.bg-cinepal-${i + 1} \\{\\s*background-color: ${hex};`));
  });
}

/** Every format read back, its colors (and names) those of `colors` (`[{hex, mapped, oklch}]`), the palette named `name`. */
async function checkAll(files, colors, name) {
  const hexes = colors.map((c) => c.hex);
  const a = readAse(files.ase);
  assert.deepEqual(a, { group: name, names: hexes, hexes }, 'ase');
  assert.deepEqual(readAco(files.aco), { names: hexes, hexes }, 'aco');
  assert.deepEqual(await readProcreate(files.swatches), { name, hexes }, 'swatches');
  await checkTheme(files.tailwind.toString('utf8'), colors);
  await checkConfig(files['tailwind-config'].toString('utf8'), hexes);
}

test('the CLI writes each format so that its reader finds the palette, in order', { skip }, async () => {
  for (const file of [PORTRAIT, CAT]) {
    const { colors } = cliPalette(image(file), []);
    if (file === PORTRAIT) assert.ok(colors.some((c) => c.mapped), 'the portrait has colors beyond sRGB');
    const files = Object.fromEntries(FORMATS.map((f) => [f, cliBytes(image(file), ['--format', f])]));
    const oklch = /--color-cinepal-\d+: oklch\(/.test(files.tailwind.toString('utf8'));
    assert.equal(oklch, colors.some((c) => c.mapped), `${file}: oklch() for the colors beyond sRGB only`);
    await checkAll(files, colors, path.basename(file, '.jpg'));
  }
});

test('the page saves each format so that its reader finds the swatches shown, in order', { skip }, async () => {
  for (const file of [PORTRAIT, CAT]) {
    const { context, page } = await openApp(env.browser, env.server);
    try {
      const modules = [];
      page.on('request', (r) => {
        if (r.url().endsWith('.wasm')) modules.push(new URL(r.url()).pathname);
      });
      await choose(page, image(file));
      const shown = await waitForPalette(page, file);
      const full = () => modules.some((m) => m.includes('/pkg-color/'));
      // The portrait's profile brings the module with every feature; the cat stays with the first.
      assert.equal(full(), file === PORTRAIT, `${file}: ${modules}`);
      // The swatches' exact colors, from the page's own JSON.
      const { colors } = JSON.parse((await download(page, 'json')).bytes.toString('utf8'));
      assert.deepEqual(colors.map((c) => c.hex), shown);
      const files = {};
      for (const f of FORMATS) {
        const saved = await download(page, f);
        assert.match(saved.name, new RegExp(`^${path.basename(file, '.jpg')}-palette\\.`), f);
        files[f] = saved.bytes;
      }
      assert.equal(files.swatches.length > 0 && full(), true, 'the formats of other apps are written by the full module');
      await checkAll(files, colors, path.basename(file, '.jpg'));
      assert.deepEqual(page.errors, [], 'no errors in the console');
    } finally {
      await context.close();
    }
  }
});
