#!/usr/bin/env node
// Writes the page's color names, www/names/colornames.json, and their
// licence, www/names/LICENSE, from the npm package color-name-list (a
// devDependency pinned in package.json: `npm ci` first). Run it again after
// changing that version; the output depends on nothing else.
//
// The list is the package's "best of" subset (about 5,000 names hand-picked
// by its curators), not the full list (about 32,000): eight times smaller
// (131 KB, 50 KB gzipped, against 0.8 MB and 0.3 MB) and, for the colors
// of a still, nearly as close (the nearest name of a random sRGB color lies
// at a median ΔE_ok of 1.5, against 0.9, both under what an eye tells apart).
//
// The file: {"source", "version", "subset", "license", "colors": [[name,
// "rrggbb"], …]}, one color a line in the package's order (by name), so an
// update's diff reads name by name.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `node scripts/color-names.mjs DIR` writes them to DIR instead (the tests compare).
const OUT = process.argv[2] ? path.resolve(process.argv[2]) : path.join(ROOT, 'www/names');
const PACKAGE = 'color-name-list';
const SUBSET = 'bestof';

const require = createRequire(path.join(ROOT, 'package.json'));
const dir = path.dirname(require.resolve(`${PACKAGE}/package.json`));
const meta = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
const wanted = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).devDependencies?.[PACKAGE];
if (meta.version !== wanted) {
  throw new Error(`node_modules has ${PACKAGE} ${meta.version}, package.json pins ${wanted}: run npm ci`);
}

const list = JSON.parse(readFileSync(path.join(dir, `dist/colornames.${SUBSET}.json`), 'utf8'));
const colors = list.map(({ name, hex }, i) => {
  const clean = typeof name === 'string' ? name.trim() : '';
  if (!clean || !/^#[0-9a-fA-F]{6}$/.test(hex)) {
    throw new Error(`entry ${i} of ${PACKAGE}'s ${SUBSET} list is not a name and a #rrggbb: ${JSON.stringify({ name, hex })}`);
  }
  return [clean, hex.slice(1).toLowerCase()];
});

const head = {
  source: `${PACKAGE} (npm), ${meta.repository?.url?.replace(/^git\+/, '') ?? ''}`.trim(),
  version: meta.version,
  subset: SUBSET,
  license: `${meta.license}, see LICENSE beside this file`,
};
const json =
  JSON.stringify(head).slice(0, -1) +
  ',"colors":[\n' +
  colors.map((c) => JSON.stringify(c)).join(',\n') +
  '\n]}\n';
JSON.parse(json); // well-formed

const licence = readFileSync(path.join(dir, 'LICENSE'), 'utf8').trim();
const notice =
  `The color names in colornames.json are the "${SUBSET}" list of ${PACKAGE}\n` +
  `${meta.version} (${meta.repository?.url?.replace(/^git\+/, '') ?? 'npm'}), by David Aerne\n` +
  `and its contributors, converted by scripts/color-names.mjs. Its licence:\n\n` +
  `${licence}\n`;

mkdirSync(OUT, { recursive: true });
writeFileSync(path.join(OUT, 'colornames.json'), json);
writeFileSync(path.join(OUT, 'LICENSE'), notice);
console.log(`${path.relative(ROOT, path.join(OUT, 'colornames.json'))}: ${colors.length} names from ${PACKAGE} ${meta.version} (${SUBSET}), ${Buffer.byteLength(json)} bytes`);
