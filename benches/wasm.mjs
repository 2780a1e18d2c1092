#!/usr/bin/env node
// A benchmark of the WebAssembly modules alone (not a test): decoding and
// extraction of images by built modules (scripts/build.sh's www/pkg/ and
// www/pkg-color/, or copies of them), in Node, rounds alternating between
// the modules so each sees the same machine. Meant to compare build
// configurations (BENCHMARKS.md, "The first load under 500,000 bytes").
//
//   node benches/wasm.mjs [--pkg DIR]... [--image PATH]... [--rounds N] [--no-icc]
//
// Defaults: --pkg www/pkg --pkg www/pkg-color, the 11 MP and 22 MP JPEGs of
// ../shared/images, --rounds 7 (after one warm-up). --no-icc leaves a JPEG's
// ICC profile segments out of its bytes (the pixels are the same), so that
// the first module (without color management) decodes the photos it would
// otherwise hand to the second. Prints, per module and image, the median
// decode and extraction ms (the default options) and the module's size
// (raw, gzip -9 as Node's zlib does it).

import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './stats.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const pkgs = [];
const images = [];
let rounds = 7;
let noIcc = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--pkg') pkgs.push(args[++i]);
  else if (a === '--image') images.push(args[++i]);
  else if (a === '--rounds') rounds = Number(args[++i]);
  else if (a === '--no-icc') noIcc = true;
  else {
    console.error('usage: node benches/wasm.mjs [--pkg DIR]... [--image PATH]... [--rounds N] [--no-icc]');
    process.exit(2);
  }
}
if (!pkgs.length) pkgs.push('www/pkg', 'www/pkg-color');
if (!images.length) {
  images.push('../shared/images/vibrant_night_umbrella_11mp.jpg', '../shared/images/okolors_lake_mendota_22mp.jpg');
}

/** A JPEG's bytes without its APP2 ICC_PROFILE segments (before the first scan). */
function withoutIcc(b) {
  if (b[0] !== 0xff || b[1] !== 0xd8) return b;
  const parts = [b.subarray(0, 2)];
  let i = 2;
  while (i + 4 <= b.length && b[i] === 0xff) {
    const marker = b[i + 1];
    if (marker === 0xda) break;
    const len = (b[i + 2] << 8) | b[i + 3];
    const icc = marker === 0xe2 && Buffer.from(b.subarray(i + 4, i + 16)).toString('latin1') === 'ICC_PROFILE\0';
    if (!icc) parts.push(b.subarray(i, i + 2 + len));
    i += 2 + len;
  }
  parts.push(b.subarray(i));
  return new Uint8Array(Buffer.concat(parts));
}

const modules = [];
for (const p of pkgs) {
  const dir = path.resolve(ROOT, p);
  const wasmFile = path.join(dir, 'cinepal_bg.wasm');
  if (!existsSync(wasmFile)) {
    console.error(`wasm bench: ${wasmFile} is missing`);
    process.exit(2);
  }
  const m = await import(pathToFileURL(path.join(dir, 'cinepal.js')).href);
  const wasm = readFileSync(wasmFile);
  await m.default({ module_or_path: wasm });
  modules.push({ label: p, m, raw: wasm.length, gz: gzipSync(wasm, { level: 9 }).length });
}
const files = images.map((f) => {
  const file = path.resolve(ROOT, f);
  let bytes = new Uint8Array(readFileSync(file));
  if (noIcc) bytes = withoutIcc(bytes);
  return { label: path.basename(file), bytes };
});

const times = new Map();
const palettes = new Map();
for (let r = -1; r < rounds; r++) {
  for (const f of files) {
    for (const mod of modules) {
      let still;
      try {
        still = new mod.m.Still(f.bytes, {});
      } catch (e) {
        console.error(`wasm bench: ${mod.label} ${f.label}: ${e.name}: ${e.message}`);
        process.exit(1);
      }
      const t0 = performance.now();
      const p = still.extract({});
      const extractMs = performance.now() - t0;
      const decodeMs = still.decodeMs;
      // The opening's preview (www/main.js asks for at most 640 px).
      const t1 = performance.now();
      if (still.thumbnail) still.thumbnail(640);
      const thumbnailMs = performance.now() - t1;
      still.free();
      const key = `${mod.label}\t${f.label}`;
      const hexes = p.colors.map((c) => c.hex).join(',');
      if (!palettes.has(f.label)) palettes.set(f.label, hexes);
      else if (palettes.get(f.label) !== hexes) console.error(`wasm bench: ${key}: another palette (${hexes})`);
      if (r < 0) continue;
      if (!times.has(key)) times.set(key, { decode: [], extract: [], thumbnail: [] });
      times.get(key).decode.push(decodeMs);
      times.get(key).extract.push(extractMs);
      times.get(key).thumbnail.push(thumbnailMs);
    }
  }
}
console.log(`| module | raw bytes | gz bytes (zlib 9) | image | decode ms | extract ms | preview ms |`);
console.log(`|---|---:|---:|---|---:|---:|---:|`);
for (const mod of modules) {
  for (const f of files) {
    const t = times.get(`${mod.label}\t${f.label}`);
    console.log(
      `| ${mod.label} | ${mod.raw} | ${mod.gz} | ${f.label} | ${median(t.decode).toFixed(0)} | ${median(t.extract).toFixed(0)} | ${median(t.thumbnail).toFixed(1)} |`,
    );
  }
}
console.log(`${rounds} rounds after a warm-up, medians; Node ${process.version}${noIcc ? '; ICC segments left out' : ''}`);
