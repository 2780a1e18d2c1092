// The page's only user of the WebAssembly module. Holds one decoded image
// (a `Still`) at a time and answers tagged messages:
//   request  {id, type, payload}
//   answer   {id, type: 'result', payload} | {id, type: 'error', name, message}
//            {id, type: 'partial', payload}   (the palette, before its pixels)
// Big buffers travel as transferables. Views (open / extract / reorder) are
// handled newest-first: a queued view request that a newer one replaces is
// answered with the error `superseded` and never run.

import init, { defaults, Still } from './pkg/cinepal.js';

const ready = init();

/** The image being worked on: its key, the Still, and the palette's state. */
let current = null;
// current = {key, still, base: palette as extracted, settings, order: base indices shown, or null}

const queue = [];
let pumping = false;
let newestView = 0;
/** The id of the request being handled, for 'partial' messages. */
let currentId = 0;

const VIEWS = new Set(['open', 'extract', 'reorder']);

self.onmessage = (event) => {
  const msg = event.data;
  if (VIEWS.has(msg.type)) newestView = Math.max(newestView, msg.id);
  queue.push(msg);
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
    if ((msg.type === 'extract' || msg.type === 'reorder') && msg.id < newestView) {
      reply(msg, null, { name: 'superseded', message: 'replaced by a newer request' });
      continue;
    }
    currentId = msg.id;
    try {
      const [payload, transfer] = handle(msg);
      reply(msg, { payload, transfer });
    } catch (e) {
      reply(msg, null, e instanceof WebAssembly.RuntimeError || e instanceof RangeError ? fatal(e) : failure(e));
    }
  }
  pumping = false;
}

function reply(msg, ok, err) {
  if (ok) {
    self.postMessage({ id: msg.id, type: 'result', payload: ok.payload }, ok.transfer || []);
  } else {
    self.postMessage({ id: msg.id, type: 'error', name: err.name, message: err.message });
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

function handle({ type, payload }) {
  switch (type) {
    case 'defaults':
      return [defaults(), []];
    case 'open':
      return open(payload);
    case 'extract':
      return extract(payload);
    case 'reorder':
      return reorder(payload);
    case 'export':
      return [still(payload.key).export(payload.format, payload.options || {}), []];
    case 'colors':
      return colors(payload);
    case 'compare':
      return compare(payload);
    default:
      throw Object.assign(new Error(`unknown request '${type}'`), { name: 'invalid-input' });
  }
}

function still(key) {
  if (!current || current.key !== key) {
    throw Object.assign(new Error('the image is not loaded in the worker'), { name: 'no-still' });
  }
  return current.still;
}

/** Decodes a new image; the previous one stays current if this one fails. */
function open({ key, bytes, maxPixels, settings, order }) {
  const t0 = performance.now();
  const fresh = new Still(new Uint8Array(bytes), maxPixels);
  const t1 = performance.now();
  const previous = current;
  current = { key, still: fresh, base: null, baseId: 0, settings: null, order: null };
  try {
    const out = view(settings, order, 0, t1);
    if (previous) previous.still.free();
    out[0].decodeMs = fresh.decodeMs;
    out[0].workerMs = performance.now() - t0;
    return out;
  } catch (e) {
    current = previous;
    try {
      fresh.free();
    } catch {
      // After a trap the object may still count as borrowed; the worker is replaced anyway.
    }
    throw e;
  }
}

function extract({ key, settings, order, haveHeight }) {
  const s = still(key);
  const t0 = performance.now();
  const before = { ...current };
  try {
    const out = view(settings, order, haveHeight, t0);
    out[0].workerMs = performance.now() - t0;
    return out;
  } catch (e) {
    // Keep what is on screen current (exports must match it), unless the engine trapped.
    if (!(e instanceof WebAssembly.RuntimeError) && before.settings) {
      current = before;
      extractBase(s, before.settings);
      if (before.order) s.reorder(before.order);
    }
    throw e;
  }
}

function extractBase(s, settings) {
  return s.extract(settings.count, settings.method, settings.sort, { space: settings.space, seed: settings.seed });
}

/** Extracts, applies a manual order if it fits, posts the palette, then renders. */
function view(settings, order, haveHeight, t0) {
  const s = current.still;
  const base = extractBase(s, settings);
  current.base = base;
  current.baseId = currentId;
  current.settings = settings;
  current.order = null;
  let palette = base;
  if (order && isPermutation(order, base.count)) {
    palette = s.reorder(order);
    current.order = order.slice();
  }
  return finish(palette, haveHeight, t0);
}

/** `order` lists indices into the extracted (base) palette, so requests can be skipped safely. */
function reorder({ key, order, baseId, haveHeight }) {
  const s = still(key);
  if (baseId !== current.baseId) {
    // The order was made for a palette that has since been replaced.
    throw Object.assign(new Error('the palette changed'), { name: 'superseded' });
  }
  const t0 = performance.now();
  const n = current.base.count;
  if (!isPermutation(order, n)) {
    throw Object.assign(new Error(`order must list each index from 0 to ${n - 1} once`), { name: 'invalid-option' });
  }
  const shown = current.order || [...Array(n).keys()];
  // still.reorder takes indices into the palette as it is now.
  const relative = order.map((b) => shown.indexOf(b));
  const palette = s.reorder(relative);
  current.order = isIdentity(order) ? null : order.slice();
  return finish(palette, haveHeight, t0);
}

function finish(palette, haveHeight, t0) {
  const s = current.still;
  const extractMs = performance.now() - t0;
  self.postMessage({ id: currentId, type: 'partial', payload: { palette, order: current.order, baseId: current.baseId } });
  const height = s.compositeHeight();
  // Only the strip changes when the canvas already holds this image at this height.
  const stripOnly = haveHeight === height;
  const rgba = s.render(stripOnly ? { strip: true } : {});
  return [
    {
      key: current.key,
      palette,
      base: current.base,
      baseId: current.baseId,
      order: current.order,
      width: s.width,
      height: s.height,
      compositeHeight: height,
      stripOnly,
      rgba: rgba.buffer,
      extractMs,
      renderMs: performance.now() - t0 - extractMs,
    },
    [rgba.buffer],
  ];
}

function colors({ key }) {
  const c = still(key).colors();
  return [c, [c.rgb.buffer, c.oklab.buffer, c.weight.buffer]];
}

/** The palette of every method; the current palette is restored afterwards. */
function compare({ key, methods }) {
  const s = still(key);
  const { settings, order } = current;
  const results = [];
  try {
    for (const method of methods) {
      const t0 = performance.now();
      const p = extractBase(s, { ...settings, method });
      results.push({ method, colors: p.colors, ms: performance.now() - t0 });
    }
  } finally {
    current.base = extractBase(s, settings);
    if (order) s.reorder(order);
  }
  return [results, []];
}

function isPermutation(order, n) {
  if (!Array.isArray(order) || order.length !== n) return false;
  const seen = new Array(n).fill(false);
  for (const i of order) {
    if (!Number.isInteger(i) || i < 0 || i >= n || seen[i]) return false;
    seen[i] = true;
  }
  return true;
}

function isIdentity(order) {
  return order.every((v, i) => v === i);
}
