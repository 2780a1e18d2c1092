// The page: wires the inputs, the settings, the swatch list, the composite,
// the downloads and the extra views to the engine in the worker.

import { createEngine, EngineError } from './js/worker-client.js';
import { listenForImages } from './js/drop.js';
import { createQueue } from './js/queue.js';
import { createControls } from './js/controls.js';
import { createSwatchList } from './js/swatches.js';
import { drawComposite, compositePng } from './js/composite.js';
import { baseName, fileNameFor, saveBlob, textBlob } from './js/downloads.js';
import { createScatter } from './js/scatter.js';
import { createCompare } from './js/compare.js';
import { createStatus } from './js/status.js';

const $ = (id) => document.getElementById(id);
const canvas = $('composite');

const status = createStatus({
  alert: $('alert-box'),
  alertText: $('alert'),
  alertClose: $('alert-close'),
  busyRegion: document.querySelector('.stage'),
  spinner: $('spinner'),
  line: $('status'),
  announcer: $('announce'),
});

const engine = createEngine({
  onCrash: (message, gaveUp) => {
    status.error(
      gaveUp
        ? `The color engine keeps stopping (${message}). Please reload the page.`
        : `The color engine stopped (${message}) and was restarted. Your images and settings are still here.`,
    );
  },
});

const state = {
  defaults: null,
  controls: null,
  item: null, // the queue item on screen
  view: null, // the newest result on screen: {key, palette, base, baseId, order, width, height, compositeHeight}
  seq: 0, // newest view request (open / extract / reorder); older answers are ignored
  opening: null, // {item} while an image is being decoded
  viewSettings: null, // the settings the view on screen was made with
  pending: Promise.resolve(), // the newest view request, for downloads to wait on
};

const queue = createQueue($('queue'), (item) => openItem(item));
const swatches = createSwatchList($('swatches'), {
  onReorder: (keys) => reorder(keys),
  announce: (message) => status.announce(message),
});
const scatter = createScatter($('scatter'));
const compare = createCompare($('compare'), (method) => {
  state.controls.setMethod(method);
  compare.markChosen(method);
  extract();
});

// ---- start-up ----

const ready = engine.call('defaults').then(
  (d) => {
    state.defaults = d;
    state.controls = createControls(d, () => extract());
    document.body.classList.add('is-ready');
    return d;
  },
  (e) => {
    status.error(`The color engine could not start: ${e.message}. Try reloading the page, or another browser.`);
    throw e;
  },
);

listenForImages({
  input: $('file'),
  overlay: $('drop-overlay'),
  onFiles: (files) => {
    const items = queue.add(files);
    openItem(items[0]);
  },
});
$('dropzone-pick').addEventListener('click', () => $('file').click());
$('reset-order').addEventListener('click', () => resetOrder());
for (const button of document.querySelectorAll('[data-download]')) {
  button.addEventListener('click', () => download(button.dataset.download, button));
}

// ---- views: open, extract, reorder ----

function settingsKey(s) {
  return [s.count, s.method, s.sort, s.space, s.seed].join('|');
}

/** Opens a queued image; the current one stays on screen until this one has its palette. */
async function openItem(item) {
  await ready;
  const seq = ++state.seq;
  // A new image while another decodes: drop that work with its worker.
  if (state.opening) engine.cancelAll();
  state.opening = { item };
  item.failed = false;
  const t0 = performance.now();
  status.busy(seq);
  const settings = state.controls.settings();
  const order =
    item.saved && settingsKey(item.saved.settings) === settingsKey(settings) ? item.saved.order : null;
  let result;
  try {
    // Larger files are refused before reading (the engine would refuse them too).
    const maxFileBytes = state.defaults.maxFileBytes;
    if (item.file.size > maxFileBytes) {
      const mib = (bytes) => Math.ceil(bytes / 1048576);
      throw Object.assign(
        new Error(`the file is ${mib(item.file.size)} MiB; the limit is ${Math.floor(maxFileBytes / 1048576)} MiB`),
        { name: 'limits' },
      );
    }
    const bytes = await item.file.arrayBuffer();
    if (seq !== state.seq) return;
    const request = engine.call(
      'open',
      { key: item.key, bytes, maxPixels: state.defaults.maxPixels, settings, order },
      { transfer: [bytes], onPartial: (p) => seq === state.seq && showSwatches(p, item.name) },
    );
    state.pending = request.catch(() => {});
    result = await request;
  } catch (e) {
    if (e.name === 'cancelled' || e.name === 'superseded') return;
    if (state.opening && state.opening.item === item) state.opening = null;
    item.failed = true;
    queue.setState(item, 'failed', e.message);
    status.error(describeFailure(e, item.name));
    // What was on screen stays, as it was (or stays empty).
    if (state.view) showSwatches(state.view, state.item.name);
    else showSwatches({ palette: { colors: [] }, order: null, baseId: 0 }, '');
    return;
  } finally {
    status.done(seq);
  }
  if (state.opening && state.opening.item === item) state.opening = null;
  if (seq !== state.seq) return;
  apply(result, t0, item, settings);
  refreshExtras();
}

/** Extracts again with the current settings (a control changed). */
function extract() {
  if (!state.item && !state.opening) return;
  view('extract', { settings: state.controls.settings(), order: null });
}

/** The swatch list was reordered: `order` lists the extracted palette's indices as now shown. */
function reorder(order) {
  const list = $('swatches');
  const baseId = Number(list.dataset.baseId);
  // The list already shows this order.
  list.dataset.shown = `${baseId}:${order.join(',')}`;
  view('reorder', { order, baseId });
}

function resetOrder() {
  const v = state.view;
  if (!v || !v.order) return;
  view('reorder', { order: v.base.colors.map((_, i) => i), baseId: v.baseId });
  status.announce('Order reset');
}

/**
 * Asks for a new view of the image on screen (or the one being opened:
 * the worker handles requests in order, so this follows the opening).
 */
async function view(type, payload) {
  const seq = ++state.seq;
  const item = state.opening ? state.opening.item : state.item;
  const settings = payload.settings || state.viewSettings;
  const t0 = performance.now();
  status.busy(seq);
  const haveHeight = state.view && state.view.key === item.key ? canvas.height : 0;
  const send = () =>
    engine.call(
      type,
      { key: item.key, haveHeight, ...payload },
      { onPartial: (p) => seq === state.seq && showSwatches(p, item.name) },
    );
  const request = withStill(item, send, { settings, order: payload.order });
  state.pending = request.catch(() => {});
  try {
    const result = await request;
    if (state.opening && state.opening.item === item) state.opening = null;
    if (seq !== state.seq) return;
    apply(result, t0, item, settings);
    if (type === 'extract') refreshExtras();
  } catch (e) {
    if (e.name === 'cancelled' || e.name === 'superseded') return;
    status.error(describeFailure(e, item.name));
    if (seq === state.seq && state.view) showSwatches(state.view, state.item.name);
  } finally {
    status.done(seq);
  }
}

/**
 * Runs a request that needs `item` in the worker. If the worker lost it (it
 * was restarted), opens it again first. For a view (`view`: its settings and
 * order), opening again is itself the answer.
 */
async function withStill(item, send, view) {
  try {
    return await send();
  } catch (e) {
    if (e.name !== 'no-still') throw e;
    // Its own opening failed (and said so): nothing more to do.
    if (item.failed) throw new EngineError('superseded', 'the image could not be opened');
    const bytes = await item.file.arrayBuffer();
    const opened = await engine.call(
      'open',
      {
        key: item.key,
        bytes,
        maxPixels: state.defaults.maxPixels,
        settings: view ? view.settings : state.viewSettings,
        order: view ? view.order : state.view && state.view.order,
      },
      { transfer: [bytes] },
    );
    return view ? opened : send();
  }
}

/**
 * Shows a palette ({palette, order, baseId} from the worker) in the swatch
 * list, unless it is already shown.
 */
function showSwatches({ palette, order, baseId }, name) {
  const list = $('swatches');
  list.dataset.source = name;
  const keys = order || palette.colors.map((_, i) => i);
  const want = `${baseId}:${keys.join(',')}`;
  if (list.dataset.shown === want) return;
  swatches.show(palette.colors, keys);
  list.dataset.shown = want;
  list.dataset.baseId = String(baseId);
}

/** Puts a view from the worker on screen: `item`'s palette made with `settings`. */
function apply(r, t0, item, settings) {
  if (state.item !== item) {
    // Remember the one we leave, so coming back restores its order.
    if (state.item && state.view) state.item.saved = { settings: state.viewSettings, order: state.view.order };
    state.item = item;
    queue.setState(item, 'current');
    status.clearError();
  }
  state.viewSettings = settings;
  const drawStart = performance.now();
  const drawn = drawComposite(canvas, r);
  const drawMs = performance.now() - drawStart;
  if (!drawn) {
    // A strip for a canvas that no longer fits it: ask for the whole composite.
    view('reorder', { order: r.order || r.base.colors.map((_, i) => i), baseId: r.baseId });
  }
  state.view = r;
  showSwatches(r, state.item.name);
  const list = $('swatches');
  list.dataset.version = String(Number(list.dataset.version || 0) + 1);
  state.controls.setManual(r.order !== null && r.order !== undefined);
  $('reset-order').disabled = !r.order;
  for (const b of document.querySelectorAll('[data-download]')) b.disabled = false;
  document.body.classList.remove('is-empty');
  document.body.classList.add('has-image');
  canvas.setAttribute(
    'aria-label',
    `${state.item.name} with its palette strip: ${r.palette.colors.map((c) => c.hex).join(', ')}`,
  );
  const p = r.palette;
  const pixels = p.width * p.height;
  const size = pixels < 50_000 ? `${pixels.toLocaleString('en')} pixels` : `${(pixels / 1e6).toFixed(1)} MP`;
  const ms = Math.round(performance.now() - t0);
  const fewer = p.count < p.requested ? ` (the image has only ${p.count} distinct colors)` : '';
  status.line(
    `${p.count} ${p.count === 1 ? 'color' : 'colors'} from ${size} in ${ms} ms${fewer}`,
    { totalMs: ms, workerMs: r.workerMs, decodeMs: r.decodeMs, extractMs: r.extractMs, renderMs: r.renderMs, drawMs },
  );
  scatter.setPalette(p.colors);
}

function describeFailure(e, name) {
  const file = `“${name}”`;
  switch (e.name) {
    case 'decode':
      return `${file} could not be read as an image: ${e.message}.`;
    case 'limits':
      return `${file} is too large to open here: ${e.message}.`;
    case 'invalid-input':
    case 'invalid-option':
      return `${file}: ${e.message}.`;
    case 'crash':
      return `The color engine stopped while working on ${file} (${e.message}). It was restarted; try a smaller image.`;
    case 'NotReadableError':
      return `${file} could not be read from the disk. Was it moved or deleted?`;
    default:
      return `Something went wrong with ${file}: ${e.message}.`;
  }
}

// ---- downloads ----

async function download(format, button) {
  if (!state.item) return;
  button.disabled = true;
  try {
    // The file shows what is on screen once the newest request is answered.
    await state.pending;
    const item = state.item;
    if (format === 'png') {
      saveBlob(await compositePng(canvas), fileNameFor(item.name, 'png'));
    } else {
      const text = await withStill(item, () =>
        engine.call('export', { key: item.key, format, options: { name: baseName(item.name) } }),
      );
      saveBlob(textBlob(text, format), fileNameFor(item.name, format));
    }
    status.announce(`Saved ${fileNameFor(item.name, format)}`);
  } catch (e) {
    status.error(`The ${format.toUpperCase()} file could not be made: ${e.message}.`);
  } finally {
    button.disabled = false;
  }
}

// ---- the extra views (only computed while open) ----

const scatterPanel = $('scatter-panel');
const comparePanel = $('compare-panel');
let scatterKey = null;
let compareKey = null;
let compareSeq = 0;

scatterPanel.addEventListener('toggle', () => refreshExtras());
comparePanel.addEventListener('toggle', () => refreshExtras());
for (const input of document.querySelectorAll('input[name="scatter-space"]')) {
  input.addEventListener('change', () => scatter.setSpace(input.value));
}
for (const input of document.querySelectorAll('input[name="scatter-paint"]')) {
  input.addEventListener('change', () => scatter.setPaint(input.value));
}

async function refreshExtras() {
  const item = state.item;
  if (!item) return;
  if (scatterPanel.open) {
    scatter.resize();
    if (scatterKey !== item.key) {
      scatterKey = item.key;
      try {
        const colors = await withStill(item, () => engine.call('colors', { key: item.key }));
        if (state.item === item) scatter.setData(colors);
      } catch (e) {
        scatterKey = null;
        if (e.name !== 'cancelled') status.error(`The 3-D view could not be drawn: ${e.message}.`);
      }
    }
  }
  if (comparePanel.open) {
    const s = state.controls.settings();
    const key = `${item.key}|${s.count}|${s.sort}|${s.space}|${s.seed}`;
    if (compareKey === key) {
      compare.markChosen(s.method);
      return;
    }
    compareKey = key;
    const seq = ++compareSeq;
    compare.clear('Working…');
    try {
      const methods = state.defaults.methods.map((m) => m.name);
      const results = await withStill(item, () => engine.call('compare', { key: item.key, methods }));
      if (seq === compareSeq) compare.show(results, state.defaults.methods, state.controls.settings().method);
    } catch (e) {
      if (seq === compareSeq) compareKey = null;
      if (e.name !== 'cancelled' && seq === compareSeq) compare.clear(`Could not compare: ${e.message}`);
    }
  }
}
