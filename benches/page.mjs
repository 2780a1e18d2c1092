#!/usr/bin/env node
// A benchmark of the page (not a test): how long after choosing an image its
// colors appear and its composite is drawn, and how long the main thread is
// blocked meanwhile, in headless Chromium. Meant to compare builds side by side.
//
//   node benches/page.mjs [--dist DIR]... [--image PATH]... [--runs N] [--warmup N] [--json]
//
// Defaults: --dist dist, --image ../shared/images/vibrant_night_umbrella_11mp.jpg
// (both relative to the repo root), --runs 5, --warmup 1. With several --dist,
// the runs alternate between them (A B A B ...) so each sees the same machine
// conditions. Every run is a fresh browser context (no cache, new worker, the
// wasm compiled again); the clock starts once the page is ready (body.is-ready).
//
// Per run, in the page's own clock (performance.now(), ms after t0, which is
// taken just before Playwright sets the file on #file):
//   inputMs      the file input's `change` event (Playwright's own overhead)
//   swatchesMs   #swatches has a [data-hex] child
//   drawnMs      #composite's data-hexes equals the swatches' hexes (in order)
//                and nothing in #app is aria-busy="true"
//   frameMs      the first frame after drawnMs has been produced (rAF, then a task)
//   longestTaskMs, longTasks   main-thread `longtask` entries (> 50 ms) from t0
//                to drawnMs + 300 ms
//   page         the page's own timings (the JSON in [data-timings], from
//                www/js/status.js), when the page has them
// Long animation frames (Chromium's `long-animation-frame` entries) are kept in
// the raw rows (--json) to tell what the long tasks were.
//
// --json prints {rows, summary} as JSON on stdout (the tables then go to stderr).
// Exit status: 0 when every run finished, 1 when some run failed or timed out,
// 2 for bad arguments (e.g. a missing image or dist).

import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, launch } from '../tests/e2e/chromium.mjs';
// The e2e tests' static server: the page under a sub-path, as on GitHub Pages.
import { startServer } from '../tests/e2e/helpers.mjs';
import { median } from './stats.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_IMAGE = '../shared/images/vibrant_night_umbrella_11mp.jpg';
const RUN_TIMEOUT_MS = 60_000;
const SETTLE_MS = 300; // long tasks are collected until drawn + this
const LONG_TASK_MS = 50;

const USAGE = `usage: node benches/page.mjs [--dist DIR]... [--image PATH]... [--runs N] [--warmup N] [--json]
  --dist DIR    a built page (scripts/build.sh output); repeat to compare builds (default: dist)
  --image PATH  an image to choose on the page; repeat for several (default: ${DEFAULT_IMAGE})
  --runs N      measured runs per dist and image (default: 5)
  --warmup N    unmeasured runs per dist and image before those (default: 1; the
                browser's first run is slower, which would count against the first --dist)
  --json        print the raw rows and the summary as JSON on stdout
  --cli BIN     also time the native CLI (BIN IMAGE --format json, wall time, median of
                --cli-runs N, default 9) on each image, in the same run, and print the page
                against it with the breakdown of the page's time (issue 12)
  --idle MS     wait MS after the page is ready before choosing the file (default 0)
  --same-page   one page for every run of a dist (the images alternate): the worker and its
                compiled module stay, as for a person opening one still after another
Relative paths are taken from the repository root (${ROOT}).`;

function fail(message, code = 2) {
  process.stderr.write(`page bench: ${message}\n`);
  process.exit(code);
}

function parseArgs(argv) {
  const o = { dists: [], images: [], runs: 5, warmup: 1, json: false, cli: null, cliRuns: 9, idle: 0, samePage: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const [flag, inline] = eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, null];
    const value = () => {
      if (inline !== null) return inline;
      if (i + 1 >= argv.length) fail(`${flag} needs a value\n${USAGE}`);
      return argv[++i];
    };
    const count = (name, v, min) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) fail(`${name} must be a whole number >= ${min}, not '${v}'`);
      return n;
    };
    switch (flag) {
      case '--dist':
        o.dists.push(value());
        break;
      case '--image':
        o.images.push(value());
        break;
      case '--runs':
        o.runs = count('--runs', value(), 1);
        break;
      case '--warmup':
        o.warmup = count('--warmup', value(), 0);
        break;
      case '--json':
        o.json = true;
        break;
      case '--cli':
        o.cli = value();
        break;
      case '--cli-runs':
        o.cliRuns = count('--cli-runs', value(), 1);
        break;
      case '--idle':
        o.idle = count('--idle', value(), 0);
        break;
      case '--same-page':
        o.samePage = true;
        break;
      case '-h':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
      default:
        fail(`unknown argument '${a}'\n${USAGE}`);
    }
  }
  if (!o.dists.length) o.dists.push('dist');
  if (!o.images.length) o.images.push(DEFAULT_IMAGE);

  const problems = [];
  o.dists = o.dists.map((d) => {
    const dir = path.resolve(ROOT, d);
    if (!existsSync(path.join(dir, 'index.html'))) {
      problems.push(`${dir}/index.html is missing: not a built page (run scripts/build.sh, or pass --dist DIR)`);
    }
    return { label: d, dir };
  });
  const labels = o.dists.map((d) => d.label);
  if (new Set(labels).size !== labels.length) problems.push(`the same --dist is given twice: ${labels.join(', ')}`);
  o.images = o.images.map((p) => {
    const file = path.resolve(ROOT, p);
    let info = null;
    try {
      info = statSync(file);
    } catch {
      problems.push(`image not found: ${file}`);
    }
    if (info && !info.isFile()) problems.push(`image is not a file: ${file}`);
    return { label: path.basename(file), file, bytes: info ? info.size : 0 };
  });
  const names = o.images.map((i) => i.label);
  if (new Set(names).size !== names.length) problems.push(`two --image files share a name: ${names.join(', ')}`);
  if (o.cli) {
    o.cli = path.resolve(ROOT, o.cli);
    if (!existsSync(o.cli)) problems.push(`${o.cli} is missing (cargo build --release)`);
  }
  if (problems.length) fail(problems.join('\npage bench: '));
  return o;
}

// ---- in the page ----

/** Installs the observers and starts the clock; runs in the page just before the file is chosen. */
function startProbe({ settleMs, timeoutMs, name }) {
  const now = () => performance.now();
  const sw = document.querySelector('#swatches');
  const canvas = document.querySelector('#composite');
  const app = document.querySelector('#app');
  const missing = [['#swatches', sw], ['#composite', canvas], ['#app', app]].filter(([, el]) => !el).map(([s]) => s);
  if (missing.length) throw new Error(`the page has no ${missing.join(', ')}`);

  const b = {
    t0: 0,
    inputMs: null,
    swatchesMs: null,
    paintedMs: null,
    drawnMs: null,
    frameMs: null,
    hexes: null,
    tasks: [],
    frames: [],
    error: null,
  };
  window.__bench = b;
  const observers = [];
  const observe = (type, onEntry) => {
    if (!PerformanceObserver.supportedEntryTypes.includes(type)) return false;
    const po = new PerformanceObserver((list) => list.getEntries().forEach(onEntry));
    po.observe({ type, buffered: false });
    observers.push([po, onEntry]);
    return true;
  };
  b.hasLongTask = observe('longtask', (e) => {
    b.tasks.push({ startMs: e.startTime - b.t0, durationMs: e.duration, name: e.name });
  });
  // Long animation frames say which scripts ran in them (where the longtask API says only "self").
  b.hasLoaf = observe('long-animation-frame', (e) => {
    b.frames.push({
      startMs: e.startTime - b.t0,
      durationMs: e.duration,
      blockingMs: e.blockingDuration,
      renderMs: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
      styleLayoutMs: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
      scripts: (e.scripts || []).map((s) => ({
        invoker: s.invoker,
        invokerType: s.invokerType,
        source: `${(s.sourceURL || '').split('/').pop()}${s.sourceFunctionName ? ` ${s.sourceFunctionName}` : ''}`,
        startMs: s.startTime - b.t0,
        durationMs: s.duration,
        forcedStyleLayoutMs: s.forcedStyleAndLayoutDuration,
      })),
    });
  });

  const busy = () => app.getAttribute('aria-busy') === 'true' || !!app.querySelector('[aria-busy="true"]');
  const swatchHexes = () => [...sw.children].map((li) => li.getAttribute('data-hex')).filter((h) => h !== null);
  const alertText = () => {
    const el = document.querySelector('[role="alert"]');
    return el ? el.textContent.trim() : '';
  };

  let settle;
  b.done = new Promise((resolve) => (settle = resolve));
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    mo.disconnect();
    for (const [po, onEntry] of observers) {
      po.takeRecords().forEach(onEntry); // entries not yet delivered
      po.disconnect();
    }
    clearTimeout(timer);
    const el = document.querySelector('[data-timings]');
    let page = null;
    if (el) {
      try {
        page = JSON.parse(el.dataset.timings);
      } catch {
        page = null;
      }
    }
    const { done, ...rest } = b;
    settle({
      ...rest,
      page,
      pageLine: el ? el.textContent.trim() : null,
      composite: `${canvas.width}x${canvas.height}`,
    });
  };

  const check = () => {
    if (finished || b.drawnMs !== null) return;
    const t = now() - b.t0;
    const err = alertText();
    if (err) {
      b.error = `the page shows an error: ${err}`;
      finish();
      return;
    }
    // (The list names the image it shows: on a page used before, the previous image's swatches are there.)
    const hexes = sw.dataset.source === name ? swatchHexes() : [];
    if (b.swatchesMs === null && hexes.length) {
      b.swatchesMs = t;
      // The frame that shows them: rAF runs before its paint, the task after it.
      requestAnimationFrame(() => setTimeout(() => (b.paintedMs = now() - b.t0), 0));
    }
    if (hexes.length && canvas.dataset.hexes === hexes.join(',') && !busy()) {
      b.drawnMs = t;
      b.hexes = hexes;
      // The first frame after the draw: rAF runs before that frame's paint, the task after it.
      requestAnimationFrame(() => setTimeout(() => (b.frameMs = now() - b.t0), 0));
      setTimeout(finish, settleMs);
    }
  };
  // Mutation records arrive at the end of the task (microtask) that made them: the page's own time.
  const mo = new MutationObserver(check);
  mo.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  const poll = () => {
    check();
    if (!finished && b.drawnMs === null) requestAnimationFrame(poll);
  };
  const input = document.querySelector('#file');
  if (input) input.addEventListener('change', () => (b.inputMs ??= now() - b.t0), { capture: true, once: true });
  const timer = setTimeout(() => {
    const stage = b.swatchesMs === null ? 'no swatches' : 'swatches shown, composite not drawn';
    b.error = `timed out after ${timeoutMs / 1000} s (${stage})`;
    finish();
  }, timeoutMs);

  b.t0 = now();
  requestAnimationFrame(poll);
}

// ---- one run ----

/** A fresh browser context with the page loaded and ready: {context, page, errors}. */
async function openPage(browser, server) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('crash', () => errors.push('the page crashed'));
  await page.goto(server.url, { waitUntil: 'load', timeout: RUN_TIMEOUT_MS });
  try {
    await page.waitForSelector('body.is-ready', { state: 'attached', timeout: RUN_TIMEOUT_MS });
  } catch {
    throw new Error(`the page never became ready (body.is-ready)${errors.length ? `: ${errors.join('; ')}` : ''}`);
  }
  return { context, page, errors };
}

/** One run: a fresh page (or `held`, one already used), the file chosen, until its composite is drawn. */
async function runOnce(browser, server, image, opts, held = null) {
  let guard;
  let own = null;
  const errors = held ? held.errors : [];
  try {
    const timeout = new Promise((_, reject) => {
      guard = setTimeout(() => reject(new Error(`timed out after ${RUN_TIMEOUT_MS / 1000} s`)), RUN_TIMEOUT_MS + 5_000);
    });
    const work = (async () => {
      if (!held) {
        own = await openPage(browser, server);
        errors.push(...own.errors);
        own.errors = errors;
      }
      const { page } = held || own;
      if (opts.idle) await page.waitForTimeout(opts.idle);
      await page.evaluate(startProbe, { settleMs: SETTLE_MS, timeoutMs: RUN_TIMEOUT_MS, name: image.label });
      try {
        await page.setInputFiles('#file', image.file, { timeout: RUN_TIMEOUT_MS });
      } catch (e) {
        throw new Error(`choosing the file on #file failed: ${e.message.split('\n')[0]}`);
      }
      return page.evaluate(() => window.__bench.done);
    })();
    const r = await Promise.race([work, timeout]);
    work.catch(() => {}); // after a timeout, closing the context rejects it
    const tasks = r.tasks
      .filter((t) => t.startMs >= 0 && t.durationMs > LONG_TASK_MS)
      .map((t) => attribute(t, r.frames));
    return {
      ok: !r.error,
      error: r.error || undefined,
      inputMs: r.inputMs,
      swatchesMs: r.swatchesMs,
      paintedMs: r.paintedMs,
      drawnMs: r.drawnMs,
      frameMs: r.frameMs,
      longestTaskMs: r.hasLongTask ? Math.max(0, ...tasks.map((t) => t.durationMs)) : null,
      longTasks: r.hasLongTask ? tasks.length : null,
      colors: r.hexes ? r.hexes.length : null,
      page: r.page,
      pageLine: r.pageLine,
      composite: r.composite,
      tasks,
      frames: r.frames,
      pageErrors: errors.length ? errors : undefined,
    };
  } catch (e) {
    return { ok: false, error: e.message.split('\n')[0], pageErrors: errors.length ? errors : undefined };
  } finally {
    clearTimeout(guard);
    if (own) await own.context.close().catch(() => {});
  }
}

/**
 * What ran in a long task: the scripts of the long animation frames inside it.
 * A long task with no script in it is the browser's own work, most often a
 * frame's rendering (style, layout, paint, and the commit to the compositor,
 * which long-animation-frame entries do not count).
 */
function attribute(task, frames) {
  const end = task.startMs + task.durationMs;
  const scripts = frames
    .flatMap((f) => f.scripts)
    .filter((s) => s.startMs >= task.startMs - 1 && s.startMs + s.durationMs <= end + 1);
  const parts = scripts.map(
    (s) => `${s.invoker || s.invokerType}${s.source.trim() ? ` (${s.source.trim()})` : ''} ${Math.round(s.durationMs)} ms`,
  );
  const rest = task.durationMs - scripts.reduce((sum, s) => sum + s.durationMs, 0);
  if (!parts.length) parts.push('no script: the browser rendering a frame (style, layout, paint, commit) or GC');
  else if (rest > 10) parts.push(`${Math.round(rest)} ms outside scripts (rendering / commit / GC)`);
  return { ...task, what: parts.join(' + ') };
}

// ---- summary ----

const stats = (xs) => (xs.length ? { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) } : null);
const num = (v) => (v === null || v === undefined ? '–' : String(Math.round(v)));
const mmm = (s) => (s ? `${num(s.median)} / ${num(s.min)} / ${num(s.max)}` : '–');

function summarize(rows, dists, images) {
  const out = [];
  for (const image of images) {
    for (const dist of dists) {
      const all = rows.filter((r) => r.image === image.label && r.dist === dist.label && !r.warmup);
      const ok = all.filter((r) => r.ok);
      const pick = (k) => ok.map((r) => r[k]).filter((v) => typeof v === 'number');
      const pageKeys = [...new Set(ok.flatMap((r) => (r.page ? Object.keys(r.page) : [])))];
      const page = {};
      for (const k of pageKeys) {
        const m = median(ok.map((r) => r.page && r.page[k]).filter((v) => typeof v === 'number'));
        if (m !== null) page[k] = m;
      }
      out.push({
        image: image.label,
        dist: dist.label,
        runs: ok.length,
        failed: all.length - ok.length,
        errors: [...new Set(all.filter((r) => !r.ok).map((r) => r.error))],
        inputMs: stats(pick('inputMs')),
        swatchesMs: stats(pick('swatchesMs')),
        paintedMs: stats(pick('paintedMs')),
        drawnMs: stats(pick('drawnMs')),
        frameMs: stats(pick('frameMs')),
        longestTaskMs: stats(pick('longestTaskMs')),
        longTasks: stats(pick('longTasks')),
        page: pageKeys.length ? page : null,
        medianRun: medianRun(ok),
      });
    }
  }
  return out;
}

/** The run with the median drawnMs: its long tasks are shown under the table. */
function medianRun(rows) {
  const s = rows.filter((r) => typeof r.drawnMs === 'number').sort((a, b) => a.drawnMs - b.drawnMs);
  if (!s.length) return null;
  const r = s[(s.length - 1) >> 1];
  return { run: r.run, swatchesMs: r.swatchesMs, drawnMs: r.drawnMs, tasks: r.tasks || [] };
}

function describeTasks(m) {
  if (!m.tasks.length) return 'no long tasks';
  return m.tasks.map((t) => `${num(t.durationMs)} ms at ${num(t.startMs)} (${t.what})`).join('; ');
}

function tables(summary, images, opts) {
  const lines = [];
  const PAGE_ORDER = ['totalMs', 'workerMs', 'decodeMs', 'extractMs', 'renderMs', 'drawMs'];
  for (const image of images) {
    const rows = summary.filter((s) => s.image === image.label);
    const size =
      image.bytes >= 1048576 ? `${(image.bytes / 1048576).toFixed(1)} MiB` : `${Math.ceil(image.bytes / 1024)} KiB`;
    lines.push(`### ${image.label} (${size})`, '');
    const pageKeys = [...new Set(rows.flatMap((s) => (s.page ? Object.keys(s.page) : [])))].sort(
      (a, b) => ((PAGE_ORDER.indexOf(a) + 1 || 99) - (PAGE_ORDER.indexOf(b) + 1 || 99)) || a.localeCompare(b),
    );
    const head = [
      'dist',
      'input ms (med)',
      'swatches ms (med / min / max)',
      'drawn ms (med / min / max)',
      'next frame ms (med)',
      'longest main-thread task ms (med)',
      'long tasks (med)',
      'runs',
    ];
    if (pageKeys.length) head.push(`page timings, med (${pageKeys.map((k) => k.replace(/Ms$/, '')).join(' / ')})`);
    lines.push(`| ${head.join(' | ')} |`, `|${head.map((h, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
    for (const s of rows) {
      const cells = [
        `\`${s.dist}\``,
        num(s.inputMs && s.inputMs.median),
        mmm(s.swatchesMs),
        mmm(s.drawnMs),
        num(s.frameMs && s.frameMs.median),
        num(s.longestTaskMs && s.longestTaskMs.median),
        num(s.longTasks && s.longTasks.median),
        s.failed ? `${s.runs} (+${s.failed} failed)` : String(s.runs),
      ];
      if (pageKeys.length) cells.push(s.page ? pageKeys.map((k) => num(s.page[k])).join(' / ') : '–');
      lines.push(`| ${cells.join(' | ')} |`);
    }
    lines.push('');
    for (const s of rows) {
      const m = s.medianRun;
      if (m) {
        lines.push(
          `- \`${s.dist}\` median run (${m.run}; swatches ${num(m.swatchesMs)}, drawn ${num(m.drawnMs)}), ` +
            `long main-thread tasks: ${describeTasks(m)}`,
        );
      }
      for (const e of s.errors) lines.push(`- \`${s.dist}\` FAILED: ${e}`);
    }
    if (rows.some((s) => s.medianRun || s.errors.length)) lines.push('');
  }
  lines.push(
    `${opts.runs} run${opts.runs === 1 ? '' : 's'} per dist and image${opts.warmup ? ` after ${opts.warmup} warm-up` : ''}` +
      `${opts.dists.length > 1 ? ', the dists alternating' : ''}; ` +
      `times in ms from choosing the file (page clock); long tasks > ${LONG_TASK_MS} ms until drawn + ${SETTLE_MS} ms. ` +
      `${os.cpus().length} CPUs (${(os.cpus()[0] || {}).model || '?'}), Node ${process.version}.`,
  );
  return lines.join('\n');
}

// ---- the native CLI, and the page against it ----

/** Runs `opts.cli IMAGE --format json` `runs` times for each image (after one unmeasured run), adding wall times to `cli`. */
function timeCli(opts, cli, runs) {
  for (const image of opts.images) {
    if (!cli.has(image.label)) {
      cli.set(image.label, []);
      spawnSync(opts.cli, [image.file, '--format', 'json'], { stdio: 'ignore' });
    }
    for (let k = 0; k < runs; k++) {
      const t = process.hrtime.bigint();
      const r = spawnSync(opts.cli, [image.file, '--format', 'json'], { stdio: ['ignore', 'ignore', 'inherit'] });
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (r.status !== 0) fail(`${opts.cli} ${image.file} exited with ${r.status}`, 1);
      cli.get(image.label).push(ms);
    }
  }
}

/**
 * The page's file → swatches against the CLI's wall time, and where the
 * page's time goes (the medians of the page's own steps: www/main.js
 * present(), the `...At` timings, in ms from when the page began to open the file).
 */
function against(summary, cli, opts) {
  const lines = [
    '### The page against the native CLI',
    '',
    '| image | dist | CLI wall ms (median) | page file → swatches ms (median) | ratio | swatches painted ms | ' +
      'input event | page → worker message | queued | file read | decode | extract | palette back to the page | paint |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of summary) {
    const c = median(cli.get(s.image) || []);
    const sw = s.swatchesMs && s.swatchesMs.median;
    const pg = s.page || {};
    const d = (a, b) => (typeof pg[a] === 'number' && typeof pg[b] === 'number' ? num(pg[b] - pg[a]) : '–');
    const painted = s.paintedMs && s.paintedMs.median;
    lines.push(
      `| ${s.image} | \`${s.dist}\` | ${num(c)} | ${num(sw)} | ${c && sw ? (sw / c).toFixed(2) : '–'} | ${num(painted)} | ` +
        `${num(s.inputMs && s.inputMs.median)} | ${num(pg.sentAt)} + ${d('sentAt', 'receivedAt')} | ${d('receivedAt', 'startedAt')} | ` +
        `${d('startedAt', 'readAt')} | ${d('readAt', 'decodedAt')} | ${d('decodedAt', 'extractedAt')} | ` +
        `${d('partialAt', 'shownAt')} | ${painted && sw ? num(painted - sw) : '–'} |`,
    );
  }
  lines.push(
    '',
    `CLI: \`${path.relative(ROOT, opts.cli)} IMAGE --format json\`, ${opts.cliRuns} runs an image (half before the page's, half after). ` +
      `Page: ${opts.samePage ? 'one page a dist, the images alternating' : 'a fresh page a run'}` +
      `${opts.idle ? `, the file chosen ${opts.idle} ms after the page is ready` : ''}. ` +
      '"input event": Playwright setting the file to its change event; "page → worker message": the page ' +
      'beginning to open it to the message sent, + to its arrival in the worker; "decode" includes loading ' +
      'the second module when the file needs it; "palette back": the palette posted to the swatches on the page; ' +
      '"paint": the swatches to the frame that shows them.',
  );
  return lines.join('\n');
}

// ---- main ----

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing (install chromium, or set CHROMIUM_PATH)`);
  const log = (s) => process.stderr.write(`${s}\n`);

  const servers = [];
  let browser;
  const rows = [];
  const cli = new Map(); // image label → wall ms of each CLI run
  let interrupted = false;
  const cleanup = async () => {
    if (browser) await browser.close().catch(() => {});
    await Promise.all(servers.map((s) => s.close()));
  };
  process.once('SIGINT', () => {
    interrupted = true;
    log('page bench: interrupted; stopping after this run');
  });
  try {
    // The CLI first, half its runs before the page's and half after (the same machine conditions).
    if (opts.cli) timeCli(opts, cli, Math.ceil(opts.cliRuns / 2));
    for (const d of opts.dists) servers.push(await startServer(d.dir));
    browser = await launch();
    log(`chromium ${browser.version()}; ${opts.dists.map((d, i) => `${d.label} at ${servers[i].url}`).join(', ')}`);
    const total = opts.images.length * (opts.warmup + opts.runs) * opts.dists.length;
    let n = 0;
    // --same-page: one page a dist, the images alternating on it (run by run).
    const held = opts.samePage ? await Promise.all(servers.map((sv) => openPage(browser, sv))) : [];
    const order = opts.samePage
      ? Array.from({ length: opts.warmup + opts.runs }, (_, k) => opts.images.map((image) => [image, k - opts.warmup])).flat()
      : opts.images.flatMap((image) => Array.from({ length: opts.warmup + opts.runs }, (_, k) => [image, k - opts.warmup]));
    for (const [image, run] of order) {
      {
        for (let i = 0; i < opts.dists.length && !interrupted; i++) {
          if (interrupted) break;
          const dist = opts.dists[i];
          const r = await runOnce(browser, servers[i], image, opts, held[i]);
          const row = { image: image.label, dist: dist.label, run: run + 1, warmup: run < 0, ...r };
          rows.push(row);
          n++;
          log(
            `[${n}/${total}] ${image.label} ${dist.label} ${row.warmup ? 'warm-up' : `run ${row.run}`}: ` +
              (r.ok
                ? `swatches ${num(r.swatchesMs)} ms, drawn ${num(r.drawnMs)} ms, ` +
                  `longest task ${num(r.longestTaskMs)} ms (${r.longTasks} long)`
                : `FAILED: ${r.error}`),
          );
          if (!browser.isConnected()) throw new Error('the browser went away');
        }
      }
    }
  } finally {
    await cleanup();
  }
  if (opts.cli) timeCli(opts, cli, Math.floor(opts.cliRuns / 2));

  const summary = summarize(rows, opts.dists, opts.images);
  let text = tables(summary, opts.images, opts);
  if (opts.cli) text += `\n\n${against(summary, cli, opts)}`;
  if (opts.json) {
    process.stderr.write(`\n${text}\n`);
    process.stdout.write(`${JSON.stringify({ rows, summary }, null, 2)}\n`);
  } else {
    process.stdout.write(`\n${text}\n`);
  }
  const measured = rows.filter((r) => !r.warmup);
  process.exitCode = interrupted ? 130 : measured.every((r) => r.ok) && measured.length ? 0 : 1;
}

main().catch((e) => {
  process.stderr.write(`page bench: ${e.stack || e}\n`);
  process.exit(1);
});
