// The page's only user of the WebAssembly module. Holds the decoded image
// on screen (a `Still`, which owns its palette and its order) and a few
// recently shown (`stills`, bounded), and the canvas the page gave it, and
// answers tagged messages:
//   request  {id, type, payload}
//   answer   {id, type: 'result', payload} | {id, type: 'error', name, message, payload?}
//            {id, type: 'partial', payload}   (an opened still's preview {preview: {width, height, rgba}},
//                                             then the palette, before it is drawn)
// The page's settings object goes to the engine as it is (its keys are those
// of defaults()); reorders are indices into the colors as shown, as
// still.reorder takes them.
//
// Drawing: the first message of a worker that can draw is 'canvas', an
// OffscreenCanvas whose placeholder is the page's canvas#composite; the
// composite is drawn into it here and never travels. Without one (browsers
// lacking OffscreenCanvas), a view's answer carries the RGBA for the page to put.
// On screen the composite has the whole frame (the page shows the counted
// region over it); the PNG download has only the region, the core's default
// ('png': drawn here into a canvas of its own, or sent as RGBA without one).
//
// 'open' reads the File it is given here. Views (open / extract / reorder) are
// handled in order. A view that a newer one follows is not drawn (it answers
// `superseded`); an extract that a newer extract of the same image follows
// is not even run (the page sends a reorder only for the palette of its
// newest view, so nothing builds on it). When the newest view fails after
// such a view changed the palette undrawn, the palette is drawn anyway and
// the error carries it (`payload`), for the page to show what is held.

import init, { defaults, drawStrip, newSeed, Still } from './pkg/cinepal.js';
// srgb-png.js is loaded with the first PNG download (not with the page).
const tagSrgb = async (blob) => (await import('./js/srgb-png.js')).tagSrgb(blob);

/** The wasm instances' exports (for their memory), once loaded. */
let engine = null;
let colorEngine = null;
const ready = init().then((e) => (engine = e));

// The same core with color management (moxcms), every format it reads (WebP,
// GIF, BMP, the rare JPEGs zune-jpeg misreads) and the formats of other apps
// it writes, loaded the first time a file needs it (an ICC profile, a PNG's
// gAMA, a WebP…) or such a file is asked for: the module above leaves them
// out, which keeps the page's first load small (scripts/build.sh builds both).
let colorModule = null;
function withColor() {
  colorModule ??= import('./pkg-color/cinepal.js').then(async (m) => {
    colorEngine = await m.default();
    return m;
  });
  return colorModule;
}

// Warming up: while the page waits for a file, the worker decodes two small
// JPEGs (www/warmup/, progressive and baseline, 4:2:0 as cameras write them;
// `cargo run --example warmup` made them) and extracts their palettes, a few
// times, one at a time between requests. The browser runs a module's code
// first with its baseline compiler and recompiles what turns out hot with its
// optimizing one; the decoder's and the extraction's long loops would
// otherwise run a photo's first pass in the slow tier (the 22 MP JPEG's
// decoding took twice as long). About 0.2 s of the worker's time, once.
const WARM_ROUNDS = 5;
/** The warm-up's remaining steps (the bytes to decode), or null. */
let warming = null;
ready
  .then(() =>
    Promise.all(
      ['progressive', 'baseline'].map((name) =>
        fetch(new URL(`./warmup/${name}.jpg`, import.meta.url)).then((r) => (r.ok ? r.arrayBuffer() : Promise.reject())),
      ),
    ),
  )
  .then((files) => {
    warming = Array.from({ length: WARM_ROUNDS }, () => files).flat();
    warmStep();
  })
  .catch(() => {
    // Without it, only the first photo is slower.
  });

/** One step of the warm-up, unless a request is waiting (the pump calls it again once they are done). */
function warmStep() {
  if (!warming || pumping || queue.length) return;
  const bytes = warming.shift();
  if (!warming.length) warming = null;
  try {
    const s = new Still(new Uint8Array(bytes), {});
    try {
      s.extract({});
    } finally {
      s.free();
    }
  } catch {
    warming = null;
    return;
  }
  setTimeout(warmStep, 0);
}

/** A time every thread reads alike (ms since the epoch): the page's timings of an opening are made of them. */
const clock = () => performance.timeOrigin + performance.now();

/** The image on screen: {key, still}, or null. */
let current = null;
/**
 * The decoded stills held, least recently used first: key → {still, serial}.
 * Besides the one on screen, at most HOLD_STILLS others, of at most
 * HOLD_PIXELS together (so a large one goes as soon as another is shown);
 * the others are opened again from their File when the page comes back to
 * them (docs/DESIGN.md).
 */
const stills = new Map();
const HOLD_STILLS = 8;
const HOLD_PIXELS = 8e6;
/** Saved palettes are named `${EPOCH}:${serial}:${n}`: a still decoded again (or another worker) never takes another's number. */
const EPOCH = Math.random().toString(36).slice(2, 8);
let serial = 0;
/** The OffscreenCanvas from the page, or null (the page puts the pixels itself). */
let canvas = null;
/** The still whose whole composite the canvas holds, and at what size: the strip alone may then be redrawn. */
let drawn = { still: null, width: 0, height: 0 };
/** The still's palette changed since it was drawn (its view was superseded). */
let dirty = false;

const queue = [];
let pumping = false;
/** The id of the request being handled, for 'partial' messages. */
let currentId = 0;

const VIEWS = new Set(['open', 'extract', 'reorder', 'edit', 'restore', 'lock']);

/** The composite on screen: the whole still (the page marks the region over it). */
const ON_SCREEN = { fullFrame: true };

self.onmessage = (event) => {
  event.data.receivedAt = clock();
  queue.push(event.data);
  if (!pumping) pump();
};

async function pump() {
  pumping = true;
  try {
    await ready;
  } catch (e) {
    // The module could not be loaded: every request fails the same way.
    for (const msg of queue.splice(0)) reply(msg, null, fatal(e, 'The color engine could not be loaded'));
    pumping = false;
    return;
  }
  while (queue.length) {
    // Let messages that are already on their way arrive, so stale ones can be skipped.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const msg = queue.shift();
    currentId = msg.id;
    try {
      const [payload, transfer] = await handle(msg);
      // A view drawn into the canvas: answer once its frame is on its way to the screen.
      if (canvas && VIEWS.has(msg.type)) await nextFrame();
      reply(msg, { payload, transfer });
    } catch (e) {
      const err = e instanceof WebAssembly.RuntimeError || e instanceof RangeError ? fatal(e) : failure(e);
      // The newest view failed after one before it changed the palette without drawing it:
      // draw it now, and send it along so the page shows what the engine holds.
      if (err.name !== 'crash' && err.name !== 'superseded' && VIEWS.has(msg.type) && dirty && !newerView()) {
        try {
          const [payload, transfer] = paint(current.still.palette(), performance.now());
          err.payload = payload;
          err.transfer = transfer;
        } catch {
          // Nothing better to show.
        }
      }
      reply(msg, null, err);
    }
  }
  pumping = false;
  setTimeout(warmStep, 0);
}

function reply(msg, ok, err) {
  if (ok) {
    self.postMessage({ id: msg.id, type: 'result', payload: ok.payload }, ok.transfer || []);
  } else {
    const { name, message, payload, transfer } = err;
    self.postMessage({ id: msg.id, type: 'error', name, message, payload }, transfer || []);
  }
}

function failure(e) {
  return { name: (e && e.name) || 'Error', message: (e && e.message) || String(e) };
}

/** A trap or an out-of-memory: this instance can't be trusted any more. */
function fatal(e, prefix) {
  const message = (e && e.message) || String(e);
  return { name: 'crash', message: prefix ? `${prefix}: ${message}` : message };
}

/**
 * The worker's next animation frame (the canvas's frame is committed by
 * then), or 100 ms at most: a hidden page has no frames.
 */
function nextFrame() {
  if (typeof self.requestAnimationFrame !== 'function') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 100);
    self.requestAnimationFrame(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function superseded() {
  return Object.assign(new Error('replaced by a newer request'), { name: 'superseded' });
}

/** Whether a view request is waiting behind the one being handled. */
function newerView() {
  return queue.some((m) => VIEWS.has(m.type));
}

/** Whether an extract of image `key` is waiting, with no other image opened before it. */
function newerExtract(key) {
  for (const m of queue) {
    if (m.type === 'open') return false;
    if (m.type === 'extract' && m.payload.key === key) return true;
  }
  return false;
}

async function handle({ type, payload, receivedAt }) {
  switch (type) {
    case 'canvas':
      canvas = payload.canvas;
      drawn = { still: null, width: 0, height: 0 };
      return [null];
    case 'defaults':
      return [defaults()];
    case 'newSeed':
      return [newSeed()];
    case 'open':
      return open(payload, receivedAt);
    case 'extract':
      return extract(payload);
    case 'reorder':
      return view(still(payload.key).reorder(payload.order), performance.now(), false);
    case 'edit':
      return view(edit(still(payload.key), payload.colors), performance.now());
    case 'restore': {
      // A number of another decoding of the image: its colors exactly, their shares counted again.
      const s = still(payload.key);
      const n = mine(payload.key, payload.saved);
      return view(n ? s.restore(n) : edit(s, payload.colors, payload.settings), performance.now(), false);
    }
    case 'lock':
      return view(still(payload.key).setKept(payload.index, payload.kept), performance.now(), false);
    case 'pick':
      return [still(payload.key).pick(payload.x, payload.y)];
    case 'patch': {
      const s = still(payload.key);
      const side = 2 * payload.radius + 1;
      return [{ width: side, height: side, rgba: s.patch(payload.x, payload.y, payload.radius) }];
    }
    case 'strip':
      return strip(payload);
    case 'export':
      return exported(payload);
    case 'png':
      return png(payload);
    case 'colors':
      return colors(payload);
    case 'compare':
      return compare(payload);
    case 'bundle':
      // "Download all" (its module loaded with its first image, not with the page).
      return (await import('./js/bundle.js')).bundle(payload, { stills, decoded, edit, sameColors, composite });
    case 'forget':
      return [forget(payload.key)];
    case 'framePng':
      return framePng(payload.bitmap);
    default:
      throw Object.assign(new Error(`unknown request '${type}'`), { name: 'invalid-input' });
  }
}

/** The still of image `key`, which becomes the one on screen (every request but 'bundle' is about it). */
function still(key) {
  const held = stills.get(key);
  if (!held) throw Object.assign(new Error('the image is not loaded in the worker'), { name: 'no-still' });
  stills.delete(key);
  stills.set(key, held);
  current = { key, still: held.still };
  return held.still;
}

/** The number in `still(key)` of saved palette `name`, or 0 when it was saved in another decoding. */
function mine(key, name) {
  const [epoch, s, n] = String(name).split(':');
  return epoch === EPOCH && stills.get(key)?.serial === Number(s) ? Number(n) : 0;
}

/** Holds `s` as image `key`'s still, on screen, letting go of the least recently used others over the bounds. */
function hold(key, s) {
  stills.delete(key);
  let pixels = 0;
  for (const h of stills.values()) pixels += h.still.width * h.still.height;
  for (const [k, h] of stills) {
    if (stills.size < HOLD_STILLS && pixels <= HOLD_PIXELS) break;
    pixels -= h.still.width * h.still.height;
    forget(k);
  }
  stills.set(key, { still: s, serial: ++serial });
  current = { key, still: s };
}

/** Lets go of image `key`'s still (the page removed it, or it is over the bounds); the canvas is cleared if it showed it. */
function forget(key) {
  const held = stills.get(key);
  if (!held) return false;
  stills.delete(key);
  if (drawn.still === held.still) drawn = { still: null, width: 0, height: 0 };
  if (current && current.still === held.still) {
    current = null;
    dirty = false;
    if (canvas) canvas.width = canvas.height = 0;
  }
  held.still.free();
  return true;
}

/** What the engine holds: the wasm instances' memory (it only grows) and the stills. */
function memory() {
  let pixels = 0;
  for (const h of stills.values()) pixels += h.still.width * h.still.height;
  const shown = current ? current.still.width * current.still.height : 0;
  return { wasm: wasmMemory(engine), colorWasm: wasmMemory(colorEngine), stills: stills.size, pixels, others: pixels - shown };
}
const wasmMemory = (exports) => (exports ? exports.memory.buffer.byteLength : 0);
// For the tests and benchmarks (Playwright's worker.evaluate).
self.cinepalMemory = memory;

/**
 * Opens image `key`: its still when held (`saved`, the palette it showed
 * last, made current again exactly), else its File read and decoded. Its
 * palette is extracted with `settings`; `colors` (a shared palette) are
 * applied exactly, and so are `last` (the palette it showed last) when the
 * extraction does not give them back. The previous image stays held (and on
 * screen if this fails).
 */
async function open({ key, file, settings, colors, last, saved, preview }, receivedAt) {
  const t0 = performance.now();
  // When each step ended (clock()), for the page's timings.
  const steps = { received: receivedAt, started: clock() };
  const held = stills.get(key);
  if (held && saved && mine(key, saved)) return view(still(key).restore(mine(key, saved)), t0, false);
  const fresh = held ? held.still : await decoded(file, settings, steps);
  steps.decoded = clock();
  // While the palette is extracted, a small picture of the still (a few ms): the page shows it at once.
  if (!held && preview) {
    const t = fresh.thumbnail(preview);
    self.postMessage({ id: currentId, type: 'partial', payload: { preview: t } }, [t.rgba.buffer]);
  }
  let palette;
  try {
    palette = fresh.extract(settings);
    steps.extracted = clock();
    // A shared palette, applied to its image: its colors exactly, their shares counted again.
    if (colors || (last && !sameColors(palette.colors, last))) palette = edit(fresh, colors || last, settings);
  } catch (e) {
    if (!held) {
      try {
        fresh.free();
      } catch {
        // After a trap the object may still count as borrowed; the worker is replaced anyway.
      }
    }
    throw e;
  }
  if (held) still(key);
  else hold(key, fresh);
  const out = view(palette, t0, true, steps);
  out[0].decodeMs = held ? 0 : fresh.decodeMs;
  return out;
}

/** Whether two lists of colors show the same swatches (hex and lock) in the same order. */
const sameColors = (a, b) => a.length === b.length && a.every((c, i) => c.hex === b[i].hex && !c.kept === !b[i].kept);

/** A File read and decoded (by the module that applies its colors, or the browser, when needed). */
async function decoded(file, settings, steps = {}) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  steps.read = clock();
  try {
    return new Still(bytes, { maxPixels: settings.maxPixels });
  } catch (e) {
    if (e.name === 'needs-color' || e.name === 'needs-full') {
      // Refused before its pixels were decoded: the module that applies the file's colors (or reads its
      // format: WebP, GIF, BMP, the rare JPEGs zune-jpeg misreads), as the CLI does.
      return new (await withColor()).Still(bytes, { maxPixels: settings.maxPixels });
    }
    // A format the engine does not read: the browser's decoder (its module loaded then).
    if (e.name === 'unsupported') return (await import('./js/browser-decode.js')).decodedByBrowser(bytes, file.type, settings, e);
    throw e;
  }
}

/**
 * Extracts again; the locked colors (`places`: {hex, at} in the order shown)
 * are kept, each at its place, the others fill the other places in order.
 */
function extract({ key, settings, places }) {
  const s = still(key);
  if (newerExtract(key)) throw superseded();
  const t0 = performance.now();
  if (!places || !places.length) return view(s.extract(settings), t0);
  const p = s.extract({ ...settings, keep: places.map((k) => k.hex) });
  const order = placed(p.colors, places);
  return view(order ? s.reorder(order) : p, t0);
}

/** The order putting each locked color of `colors` at its place, or null when they are there. */
function placed(colors, places) {
  const n = colors.length;
  const slots = new Array(n).fill(-1);
  const taken = new Set();
  for (const { hex, at } of places) {
    const i = colors.findIndex((c) => c.hex === hex);
    if (i < 0 || taken.has(i)) continue;
    let pos = Math.min(at, n - 1);
    while (slots[pos] !== -1) pos = (pos + 1) % n;
    slots[pos] = i;
    taken.add(i);
  }
  const rest = colors.map((_, i) => i).filter((i) => !taken.has(i));
  for (let pos = 0; pos < n; pos++) if (slots[pos] === -1) slots[pos] = rest.shift();
  return slots.every((v, i) => v === i) ? null : slots;
}

/** A palette without its image (a share link): its strip alone, drawn into the canvas. */
function strip({ colors, width }) {
  if (!canvas) return [{ none: true }];
  drawn = { still: null, width: 0, height: 0 };
  return [drawStrip(canvas, packed(colors).rgb, width)];
}

/** Colors ({rgb, oklab, kept}) as the engine's edit and drawStrip take them: packed in arrays. */
function packed(colors) {
  const rgb = new Uint8Array(colors.flatMap((c) => c.rgb));
  const exact = colors.every((c) => Array.isArray(c.oklab) && c.oklab.length === 3);
  const oklab = new Float64Array(exact ? colors.flatMap((c) => c.oklab) : []);
  return { rgb, oklab, kept: new Uint8Array(colors.map((c) => (c.kept ? 1 : 0))) };
}

/** The palette of exactly `colors` on still `s`, their shares counted again (over the pixels `settings` count). */
function edit(s, colors, settings) {
  const { rgb, oklab, kept } = packed(colors);
  return s.edit(rgb, oklab, kept, settings);
}

/**
 * A view's answer: the palette, then (unless a newer view follows) the
 * palette drawn; `extracted`: the palette was just extracted (not reordered).
 */
function view(palette, t0, extracted = true, steps = null) {
  if (newerView()) {
    dirty = true;
    throw superseded();
  }
  if (steps) steps.partial = clock();
  self.postMessage({ id: currentId, type: 'partial', payload: { palette, steps } });
  const out = paint(palette, t0);
  if (steps) out[0].steps = steps;
  // Its number in the still's saved palettes: the page's history goes back to it exactly.
  out[0].saved = `${EPOCH}:${stills.get(current.key).serial}:${current.still.save()}`;
  out[0].extractMs = extracted ? palette.seconds * 1000 : 0;
  return out;
}

/**
 * Draws the current palette's composite: into the canvas (the strip alone
 * when the canvas holds this image at this size), or as RGBA for the page.
 */
function paint(palette, t0) {
  const s = current.still;
  const t1 = performance.now();
  const out = { key: current.key, palette, imageWidth: s.width, imageHeight: s.height };
  const strip = drawn.still === s;
  let transfer = [];
  if (canvas) {
    const d = s.draw(canvas, { strip, ...ON_SCREEN });
    Object.assign(out, { width: d.width, height: d.height, stripOnly: d.stripOnly, top: d.stripOnly ? s.height : 0 });
  } else {
    const { width, height } = s.compositeSize(ON_SCREEN);
    const stripOnly = strip && drawn.width === width && drawn.height === height;
    const rgba = s.render(stripOnly ? { strip: true, ...ON_SCREEN } : ON_SCREEN);
    Object.assign(out, { width, height, stripOnly, top: stripOnly ? s.height : 0, rgba: rgba.buffer });
    transfer = [rgba.buffer];
  }
  drawn = { still: s, width: out.width, height: out.height };
  dirty = false;
  const t2 = performance.now();
  out.renderMs = t2 - t1;
  out.workerMs = t2 - t0;
  return [out, transfer];
}

/**
 * The composite of the current palette's region as a file of type `type`:
 * from the canvas on screen when the region is the whole image (it is then
 * the same picture), else drawn into a canvas of its own; without
 * OffscreenCanvas, as `{width, height, rgba}` for the page to encode.
 */
async function png({ key, type }) {
  const s = still(key);
  const { region } = s.palette();
  const whole = region.x === 0 && region.y === 0 && region.width === s.width && region.height === s.height;
  if (canvas && whole) {
    if (dirty || drawn.still !== s) paint(s.palette(), performance.now());
    return [await tagSrgb(await canvas.convertToBlob({ type }))];
  }
  return composite(s, type);
}

/** Still `s`'s composite (its palette's region) as a file of `type`, drawn into a canvas of its own (or as RGBA). */
async function composite(s, type) {
  if (typeof OffscreenCanvas === 'function') {
    const file = new OffscreenCanvas(1, 1);
    try {
      s.draw(file, {});
      return [await tagSrgb(await file.convertToBlob({ type }))];
    } finally {
      // Its pixels go now, not when it is collected.
      file.width = 0;
      file.height = 0;
    }
  }
  const { width, height } = s.compositeSize({});
  const rgba = s.render({});
  return [{ width, height, rgba: rgba.buffer }, [rgba.buffer]];
}

/**
 * The current palette as a file of `format`: a string, or bytes (transferred).
 * The formats of other apps are left out of the first module (`needs-full`):
 * the module with every feature writes them, from the palette object.
 */
async function exported({ key, format, options }) {
  const s = still(key);
  let file;
  try {
    file = s.export(format, options);
  } catch (e) {
    if (e.name !== 'needs-full') throw e;
    file = (await withColor()).exportPalette(s.palette(), format, options);
  }
  return [file, file.buffer ? [file.buffer] : []];
}

function colors({ key }) {
  const c = still(key).colors();
  return [c, [c.rgb.buffer, c.oklab.buffer, c.weight.buffer]];
}

/** The palette of every method for `settings`; the current palette stays as it is. */
function compare({ key, settings, methods }) {
  const s = still(key);
  const results = methods.map((method) => {
    const p = s.preview({ ...settings, method });
    return { method, colors: p.colors, ms: p.seconds * 1000 };
  });
  return [results];
}

/**
 * A film's frame (an ImageBitmap at full resolution, from www/js/frames.js) as
 * a PNG file, which the page then opens as it opens an image: every view,
 * edit and download of a still works on it, and it can be decoded again (an
 * image's still is let go when others are shown).
 */
async function framePng(bitmap) {
  if (typeof OffscreenCanvas !== 'function') throw Object.assign(new Error('this browser cannot draw off the page'), { name: 'unsupported' });
  const c = new OffscreenCanvas(bitmap.width, bitmap.height);
  try {
    c.getContext('2d').drawImage(bitmap, 0, 0);
    return [await c.convertToBlob({ type: 'image/png' })];
  } finally {
    bitmap.close();
    c.width = c.height = 0;
  }
}
