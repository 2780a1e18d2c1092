#!/usr/bin/env node
// A benchmark of sampling a film's frames in headless Chromium (not a test;
// issue 13): from choosing the file to the last sampled frame handed out,
// how many frames, the longest main-thread task, and memory at the start
// and the end. BENCHMARKS.md, "Sampling a film's frames", has the figures.
//
//   node benches/film.mjs [--video PATH] [--seconds 600] [--codec h264|vp9|av1]
//                         [--method webcodecs|video|seek] [--rate R] [--limit S] [--json]
//   node benches/film.mjs --page [--video PATH]
//
// --page              the page itself (dist/, scripts/build.sh first): the file
//                     chosen in #file, until every shot, the barcode and the
//                     film's palette are shown ("N shots in M frames",
//                     #shots aria-busy false); the frames go through the wasm
//                     core in the film worker, the shots' thumbnails included
//
// Without --video it generates a clip with ffmpeg (Debian's), kept in the
// system's temp folder for later runs: `--seconds` of 1280x720 at 24 fps,
// shots of 1 to 9 s cut from ten lavfi sources (test patterns, gradients,
// life, flat colors) with a light grain, encoded as a real film would be
// (H.264: x264 veryfast, a keyframe every 240 frames and at cuts).
//
// --method webcodecs  www/js/frames.js: the container read in a worker,
//                     WebCodecs' VideoDecoder there, frames reduced there (the chosen way)
// --method video      a <video> on the main thread played muted at 16x, each
//                     frame taken by requestVideoFrameCallback with
//                     createImageBitmap(video, {resize…}) (frames are dropped
//                     when decoding falls behind; the count says how many came)
// --method seek       a <video> seeked to each sample time in turn
//                     (--limit S: only the first S seconds, for it is slow)
//
// Each frame goes through `processFrame` (below): the hook where the page's
// wasm reduction of a frame goes. For now a stand-in that reads every pixel
// (their mean), so the cost of getting the pixels out is counted.
// Memory: the page's JS heap (performance.memory after a forced collection;
// Chromium with --enable-precise-memory-info --js-flags=--expose-gc) and the
// resident memory of all of Chromium's processes (ps), at the start, the
// peak (sampled every 250 ms) and the end.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, copyFileSync, writeFileSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../tests/e2e/chromium.mjs';
import { startServer } from '../tests/e2e/helpers.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The bench clip: `seconds` of shots (1 to 9 s, a fixed pseudo-random
 * sequence) cut from ten sources; writes OUT and OUT.cuts.json (the cut times).
 */
export function generateFilm(out, { seconds = 600, fps = 24, width = 1280, height = 720, gop = 240, codec = 'h264' } = {}) {
  const dir = `${out}.segments`;
  mkdirSync(dir, { recursive: true });
  const s = `size=${width}x${height}:rate=${fps}`;
  const sources = [
    `testsrc2=${s},hue=h=20*t`,
    `gradients=${s}:speed=0.02:c0=red:c1=blue:n=2`,
    `life=size=${width / 4}x${height / 4}:rate=${fps}:mold=10:life_color=#ff8040:death_color=#102040,scale=${width}:${height}:flags=neighbor`,
    `smptehdbars=${s}`,
    `gradients=${s}:speed=0.01:c0=0x204010:c1=0xe0d060:c2=0x305080:n=3`,
    `color=c=0x3050a0:${s}`,
    `testsrc=${s},hue=s=0.4`,
    `cellauto=size=${width / 4}x${height / 4}:rate=${fps}:rule=110,scale=${width}:${height},format=rgb24,lutrgb=r=val*0.3:g=val*0.8:b=val`,
    `rgbtestsrc=${s}`,
    `color=c=0xc07030:${s}`,
  ];
  const files = sources.map((src, i) => {
    const f = path.join(dir, `${i}.mp4`);
    if (!existsSync(f)) {
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', src, '-t', '10', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '20', '-pix_fmt', 'yuv420p', f]);
    }
    return f;
  });
  let t = 0;
  let k = 0;
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const list = [];
  const cuts = [];
  while (t < seconds) {
    const len = Math.min(seconds - t, 1 + Math.floor(rand() * 9));
    const file = files[(k * 3 + Math.floor(rand() * 3)) % files.length];
    list.push(`file '${file}'`, 'inpoint 0', `outpoint ${len}`);
    cuts.push(t);
    t += len;
    k++;
  }
  writeFileSync(path.join(dir, 'list.txt'), `${list.join('\n')}\n`);
  const enc = {
    h264: ['-c:v', 'libx264', '-preset', 'veryfast', '-g', String(gop)],
    vp9: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '2M', '-g', String(gop), '-row-mt', '1'],
    av1: ['-c:v', 'libsvtav1', '-preset', '12', '-g', String(gop)],
  }[codec];
  if (!enc) throw new Error(`unknown codec ${codec}`);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', path.join(dir, 'list.txt'),
    '-vf', `fps=${fps},noise=alls=6:allf=t+u`, '-t', String(seconds), ...enc, '-pix_fmt', 'yuv420p', '-an', out], { stdio: 'inherit' });
  writeFileSync(`${out}.cuts.json`, JSON.stringify(cuts));
  return out;
}

/**
 * A folder to serve: the fixture page (tests/e2e/fixtures/frames.html) as
 * index.html beside www/ (a link to the repository's), so frames.js runs
 * alone, as written; shared with tests/e2e/frames.test.mjs.
 */
export function framesSite() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cinepal-frames-site-'));
  copyFileSync(path.join(ROOT, 'tests/e2e/fixtures/frames.html'), path.join(dir, 'index.html'));
  symlinkSync(path.join(ROOT, 'www'), path.join(dir, 'www'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The resident memory (bytes) of `pid` and its descendants. */
export function treeRss(pid) {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' });
  const kids = new Map();
  const rss = new Map();
  for (const line of out.trim().split('\n')) {
    const [p, pp, r] = line.trim().split(/\s+/).map(Number);
    rss.set(p, r * 1024);
    if (!kids.has(pp)) kids.set(pp, []);
    kids.get(pp).push(p);
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    total += rss.get(p) || 0;
    stack.push(...(kids.get(p) || []));
  }
  return total;
}

// ---- in the page ----

/** Runs in the page: the scan by one method; returns its figures. */
async function inPage({ method, rate, limit, reduce }) {
  // The hook: what the page will do with each sampled frame (the wasm reduction, later).
  // The stand-in reads every pixel: their mean.
  function processFrame(rgba) {
    let r = 0;
    let g = 0;
    let b = 0;
    for (let i = 0; i < rgba.length; i += 4) {
      r += rgba[i];
      g += rgba[i + 1];
      b += rgba[i + 2];
    }
    const n = rgba.length / 4;
    return [r / n, g / n, b / n];
  }
  const { openVideo, samplingRate } = window.framesModule;
  const file = document.getElementById('file').files[0];
  const t0 = window.chosenAt;
  window.blocked.longest = 0;
  window.blocked.longTasks.length = 0;
  window.blocked.frames.length = 0;
  const means = [];
  let frames = 0;
  let firstAt = null;
  let info = null;
  let workerStats = null;
  if (method === 'webcodecs') {
    const video = openVideo(file);
    info = await video.info;
    const scan = video.scan({ rate, reduce });
    for await (const f of scan) {
      if (firstAt === null) firstAt = performance.now() - t0;
      means.push(processFrame(f.rgba));
      frames++;
    }
    workerStats = await scan.done;
    video.close();
  } else {
    const v = document.createElement('video');
    v.muted = true;
    v.playsInline = true;
    v.preload = 'auto';
    const url = URL.createObjectURL(file);
    v.src = url;
    document.body.append(v);
    await new Promise((resolve, reject) => {
      v.onloadedmetadata = resolve;
      v.onerror = () => reject(new Error(`video error ${v.error?.code}`));
    });
    const duration = Math.min(v.duration, limit || Infinity);
    info = { duration: v.duration, width: v.videoWidth, height: v.videoHeight };
    const r = rate || samplingRate(v.duration, 24);
    const f = Math.min(1, 320 / Math.max(v.videoWidth, v.videoHeight));
    const w = Math.round(v.videoWidth * f);
    const h = Math.round(v.videoHeight * f);
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const take = async () => {
      const bitmap = await createImageBitmap(v, { resizeWidth: w, resizeHeight: h, resizeQuality: 'low' });
      ctx.drawImage(bitmap, 0, 0);
      bitmap.close();
      means.push(processFrame(ctx.getImageData(0, 0, w, h).data));
      if (firstAt === null) firstAt = performance.now() - t0;
      frames++;
    };
    if (method === 'seek') {
      for (let t = 0; t < duration; t += 1 / r) {
        await new Promise((resolve) => {
          v.onseeked = resolve;
          v.currentTime = t;
        });
        await take();
      }
    } else {
      v.playbackRate = 16;
      let next = 0;
      await new Promise((resolve, reject) => {
        const onFrame = async (_now, meta) => {
          if (meta.mediaTime >= next) {
            next = meta.mediaTime + 1 / r;
            await take();
          }
          if (!v.ended && v.currentTime < duration) v.requestVideoFrameCallback(onFrame);
        };
        v.requestVideoFrameCallback(onFrame);
        v.onended = resolve;
        v.ontimeupdate = () => {
          if (v.currentTime >= duration) resolve();
        };
        v.onerror = () => reject(new Error(`video error ${v.error?.code}`));
        v.play().catch(reject);
      });
      v.pause();
    }
    v.remove();
    URL.revokeObjectURL(url);
  }
  const wallMs = performance.now() - t0;
  return {
    info,
    frames,
    firstFrameMs: firstAt,
    wallMs,
    longestBlockMs: window.blocked.longest,
    longTasks: window.blocked.longTasks.length,
    longestTaskMs: Math.max(0, ...window.blocked.longTasks),
    // The longest script run inside the long animation frames: what of the page's own code took time.
    longestScript: window.blocked.frames
      .flatMap((f) => f.scripts)
      .reduce((a, x) => (!a || x.ms > a.ms ? x : a), null),
    workerStats,
    checksum: means.length ? means[means.length >> 1].map((x) => x.toFixed(1)).join(',') : '',
  };
}

/** Runs in the page (dist/): from the file chosen to the scan done; returns its figures. */
async function inApp() {
  const shots = document.getElementById('shots');
  const text = document.getElementById('film-progress-text');
  await new Promise((resolve, reject) => {
    const check = () => {
      if (shots.getAttribute('aria-busy') === 'false' && /^\d+ shots? in \d+ frames$/.test(text.textContent)) resolve();
      else if (/^(Stopped|Cancelled) at/.test(text.textContent)) reject(new Error(`the scan ended: ${text.textContent}`));
    };
    new MutationObserver(check).observe(document.getElementById('film'), { subtree: true, childList: true, characterData: true, attributes: true });
  });
  // Set by the file input's change (this started waiting before the file was chosen).
  const t0 = window.chosenAt;
  const wallMs = performance.now() - t0;
  const startedAt = window.scanStartedAt;
  const during = window.appTasks.filter(([t, d]) => t + d >= startedAt && t <= t0 + wallMs);
  const thumbs = [...document.querySelectorAll('#shots .shot-thumb')];
  return {
    wallMs,
    scanStartMs: startedAt - t0,
    result: text.textContent,
    shots: shots.querySelectorAll('[data-shot]').length,
    thumbnails: thumbs.filter((c) => c.width > 16).length,
    barcodeColumns: Number(document.getElementById('barcode').dataset.columns),
    filmColors: document.querySelectorAll('#film-colors li').length,
    longTasks: during.length,
    longestTaskMs: Math.max(0, ...during.map(([, d]) => d)),
    longestScript: window.appFrames
      .filter((f) => f.start + f.ms >= startedAt)
      .flatMap((f) => f.scripts)
      .reduce((a, x) => (!a || x.ms > a.ms ? x : a), null),
  };
}

/** The page benchmark (--page): the real page, the real scan. */
async function pageBench(o, video) {
  const server = await startServer();
  const browser = await launch(['--js-flags=--expose-gc', '--enable-precise-memory-info']);
  const pid = Number(execFileSync('pgrep', ['-P', String(process.pid), '-f', 'chromium'], { encoding: 'utf8' }).trim().split('\n')[0]) || null;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.url);
    await page.waitForSelector('body.is-ready');
    await page.evaluate(() => {
      window.appTasks = [];
      window.appFrames = [];
      new PerformanceObserver((l) => window.appTasks.push(...l.getEntries().map((e) => [e.startTime, e.duration]))).observe({ type: 'longtask' });
      new PerformanceObserver((l) =>
        window.appFrames.push(
          ...l.getEntries().map((e) => ({ start: e.startTime, ms: e.duration, scripts: e.scripts.map((x) => ({ ms: x.duration, invoker: x.invoker, fn: x.sourceFunctionName })) })),
        ),
      ).observe({ type: 'long-animation-frame' });
      document.getElementById('file').addEventListener('change', () => (window.chosenAt = performance.now()), { once: true, capture: true });
      new MutationObserver(() => {
        if (document.getElementById('shots').getAttribute('aria-busy') === 'true' && !window.scanStartedAt) window.scanStartedAt = performance.now();
      }).observe(document.getElementById('shots'), { attributes: true, attributeFilter: ['aria-busy'] });
    });
    const heapStart = await heap(page);
    const rssStart = pid ? treeRss(pid) : null;
    let rssPeak = rssStart;
    let workerPeak = 0;
    const poll = setInterval(async () => {
      if (pid) rssPeak = Math.max(rssPeak, treeRss(pid));
      const w = page.workers().find((x) => x.url().endsWith('/film-worker.js'));
      if (w) workerPeak = Math.max(workerPeak, await w.evaluate(() => self.cinepalMemory()).catch(() => 0));
    }, 250);
    const done = page.evaluate(inApp);
    await page.setInputFiles('#file', video);
    const r = await done;
    clearInterval(poll);
    const heapEnd = await heap(page);
    const rssEnd = pid ? treeRss(pid) : null;
    const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
    const MiB = (b) => (b == null ? '?' : `${(b / 1048576).toFixed(1)} MiB`);
    const row = { video: path.basename(video), bytes: statSync(video).size, method: 'page', ...r, heapStart, heapEnd, rssStart, rssPeak, rssEnd, workerPeak, load, errors };
    if (o.json) console.log(JSON.stringify(row));
    console.error(
      [
        `${row.video} (${(row.bytes / 1e6).toFixed(1)} MB) in the page: ${r.result}, ${r.shots} shots shown (${r.thumbnails} with their thumbnail), barcode ${r.barcodeColumns} columns, film palette ${r.filmColors} colors`,
        `  wall ${(r.wallMs / 1000).toFixed(1)} s from choosing the file (the scan began at ${r.scanStartMs.toFixed(0)} ms)`,
        `  main thread during the scan: longest task ${r.longestTaskMs.toFixed(0)} ms (${r.longTasks} over 50 ms); longest script in a long frame: ${r.longestScript ? `${r.longestScript.ms.toFixed(0)} ms (${r.longestScript.invoker || r.longestScript.fn})` : 'none'}`,
        `  JS heap ${MiB(heapStart)} -> ${MiB(heapEnd)}; Chromium RSS ${MiB(rssStart)} -> peak ${MiB(rssPeak)} -> ${MiB(rssEnd)}; the film worker's wasm memory at most ${MiB(workerPeak)}`,
        `  load average ${load}; ${errors.length ? `errors: ${errors.join('; ')}` : 'no page errors'}`,
      ].join('\n'),
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

async function heap(page) {
  return page.evaluate(async () => {
    window.gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
    window.gc();
    return performance.memory.usedJSHeapSize;
  });
}

function parseArgs(argv) {
  const o = { video: null, seconds: 600, codec: 'h264', method: 'webcodecs', rate: undefined, limit: undefined, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === '--video') o.video = path.resolve(v());
    else if (a === '--seconds') o.seconds = Number(v());
    else if (a === '--codec') o.codec = v();
    else if (a === '--method') o.method = v();
    else if (a === '--rate') o.rate = Number(v());
    else if (a === '--limit') o.limit = Number(v());
    else if (a === '--json') o.json = true;
    else if (a === '--reduce') o.reduce = v();
    else if (a === '--page') o.page = true;
    else {
      process.stderr.write(`film bench: unknown argument ${a}\n`);
      process.exit(2);
    }
  }
  return o;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  let video = o.video;
  if (!video) {
    const ext = o.codec === 'h264' ? 'mp4' : 'webm';
    video = path.join(os.tmpdir(), `cinepal-film-${o.seconds}s-${o.codec}.${ext}`);
    if (!existsSync(video)) {
      process.stderr.write(`generating ${video} (${o.seconds} s, ${o.codec}; minutes)\n`);
      generateFilm(video, { seconds: o.seconds, codec: o.codec });
    }
  }
  if (o.page) return pageBench(o, video);
  const site = framesSite();
  const server = await startServer(site.dir);
  const browser = await launch(['--js-flags=--expose-gc', '--enable-precise-memory-info', '--autoplay-policy=no-user-gesture-required']);
  // Chromium's browser process: the child of this process running it.
  const pid = Number(execFileSync('pgrep', ['-P', String(process.pid), '-f', 'chromium'], { encoding: 'utf8' }).trim().split('\n')[0]) || null;
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready]');
    const heapStart = await heap(page);
    const rssStart = pid ? treeRss(pid) : null;
    let rssPeak = rssStart;
    const poll = setInterval(() => {
      if (pid) rssPeak = Math.max(rssPeak, treeRss(pid));
    }, 250);
    await page.evaluate(() => {
      document.getElementById('file').addEventListener('change', () => (window.chosenAt = performance.now()), { once: true });
    });
    await page.setInputFiles('#file', video);
    const r = await page.evaluate(inPage, { method: o.method, rate: o.rate, limit: o.limit, reduce: o.reduce });
    clearInterval(poll);
    const heapEnd = await heap(page);
    const rssEnd = pid ? treeRss(pid) : null;
    const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
    const MiB = (b) => (b == null ? '?' : `${(b / 1048576).toFixed(1)} MiB`);
    const row = {
      video: path.basename(video),
      bytes: statSync(video).size,
      method: o.method,
      ...r,
      heapStart,
      heapEnd,
      rssStart,
      rssPeak,
      rssEnd,
      load,
      errors,
    };
    if (o.json) console.log(JSON.stringify(row));
    console.error(
      [
        `${row.video} (${(row.bytes / 1e6).toFixed(1)} MB, ${r.info?.width}x${r.info?.height}, ${r.info?.duration?.toFixed(1)} s${r.info?.codec ? `, ${r.info.codec}` : ''}) by ${o.method}`,
        `  wall ${(r.wallMs / 1000).toFixed(1)} s from choosing the file, first frame at ${r.firstFrameMs?.toFixed(0)} ms, ${r.frames} frames (${(r.frames / (r.wallMs / 1000)).toFixed(0)}/s)`,
        r.workerStats ? `  worker: ${r.workerStats.fed} of ${r.workerStats.frames} frames decoded, ${r.workerStats.drawMs} ms reducing the ${r.workerStats.sent} sampled (${JSON.stringify(r.workerStats.calibration)})` : '  (no worker figures)',
        `  main thread: longest task ${r.longestTaskMs.toFixed(0)} ms (${r.longTasks} over 50 ms), longest block ${r.longestBlockMs.toFixed(0)} ms; longest script in a long frame: ${r.longestScript ? `${r.longestScript.ms.toFixed(0)} ms (${r.longestScript.invoker || r.longestScript.fn})` : 'none'}`,
        `  JS heap ${MiB(heapStart)} -> ${MiB(heapEnd)}; Chromium RSS ${MiB(rssStart)} -> peak ${MiB(rssPeak)} -> ${MiB(rssEnd)}`,
        `  load average ${load}; ${errors.length ? `errors: ${errors.join('; ')}` : 'no page errors'}`,
      ].join('\n'),
    );
  } finally {
    await browser.close();
    await server.close();
    site.remove();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
