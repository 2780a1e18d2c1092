// The page: wires the inputs, the settings, the swatch list, the composite,
// the downloads and the extra views to the engine in the worker. The worker
// holds the image and its palette (in the order shown) and draws the
// composite; this thread shows what it answers.

import { createEngine, EngineError } from './js/worker-client.js';
import { listenForImages } from './js/drop.js';
import { createControls, isRect } from './js/controls.js';
import { createSwatchList } from './js/swatches.js';
import { createComposite } from './js/composite.js';
import { createRegion } from './js/region.js';
import { createStatus } from './js/status.js';
import { copyText } from './js/clipboard.js';

// Loaded when first needed, not with the page (its first load stays small).
const later = (url) => {
  let p;
  return () => (p ??= import(url));
};
const shareModule = later('./js/share.js');
const notationModule = later('./js/notation.js');
const namesModule = later('./js/names.js');
const pickerModule = later('./js/picker.js');
const queueModule = later('./js/queue.js');
const downloadsModule = later('./js/downloads.js');
const loadNames = () => namesModule().then((m) => m.loadNames());

const $ = (id) => document.getElementById(id);

const status = createStatus({
  alert: $('alert-box'),
  alertText: $('alert'),
  alertClose: $('alert-close'),
  busyRegion: document.querySelector('.stage'),
  spinner: $('spinner'),
  line: $('status'),
  announcer: $('announce'),
});

const composite = createComposite($('composite'));

const engine = createEngine({
  onCrash: (message, gaveUp) => {
    status.error(
      gaveUp
        ? `The color engine keeps stopping (${message}). Please reload the page.`
        : `The color engine stopped (${message}) and was restarted. Your images and settings are still here.`,
    );
  },
  // Each worker draws into a canvas of its own.
  onStart: () => composite.surface(),
});

const state = {
  defaults: null,
  controls: null,
  downloads: null,
  sortNames: new Set(),
  item: null, // the queue item on screen
  view: null, // what is on screen: {key, palette, settings (the controls' settings it was made with)}
  seq: 0, // the newest view request (open / extract / reorder); older answers are not shown
  want: null, // the settings of the newest view request
  listSeq: 0, // the view request whose palette the swatch list shows: a reorder counts from it
  opening: null, // {item} while an image is being opened
  received: null, // the newest view the worker answered with, shown or not: {r, item, settings}
  pending: Promise.resolve(), // the newest view request, for downloads to wait on
  regionRefused: null, // the message that a region was refused: the next view shown ends it
  replays: new Set(), // view requests that go back in the history (undo, redo): not recorded again
  shared: null, // a palette from a share link, until an image is opened: {settings, colors}
  notation: 'hex',
  pickTarget: null, // the position of the swatch the eyedropper replaces, or null: it adds one
  lastHash: '', // the fragment the page wrote last
};

/** The most palette states an image's history keeps. */
const HISTORY_LIMIT = 100;

/** The list of images, made with the first one (www/js/queue.js). */
let queue = null;
const swatches = createSwatchList($('swatches'), {
  onReorder: (order) => reorder(order),
  announce: (message) => status.announce(message),
  onAction: (action, index) => swatchAction(action, index),
});
/** The eyedropper, made on first use. */
let picker = null;
async function getPicker() {
  if (picker) return picker;
  const { createPicker, LOUPE_RADIUS } = await pickerModule();
  picker ??= createPicker($('pick-layer'), $('loupe'), {
    patch: (x, y) => engine.call('patch', { key: state.item.key, x, y, radius: LOUPE_RADIUS }),
    onPick: (x, y) => pickAt(x, y),
    onLeave: () => leavePicking(true),
  });
  return picker;
}
const region = createRegion($('region-layer'), $('region-box'), { onSelect: (rect) => chooseRegion(rect) });
// The extra views are made when their panel is first opened (refreshExtras).
let scatter = null;
let compare = null;
let scatterColors = [];
const scatterModule = later('./js/scatter.js');
const compareModule = later('./js/compare.js');
async function makeExtras() {
  if (scatterPanel.open && !scatter) {
    const { createScatter } = await scatterModule();
    if (!scatter) {
      scatter = createScatter($('scatter'));
      scatter.setSpace(document.querySelector('input[name="scatter-space"]:checked').value);
      scatter.setPaint(document.querySelector('input[name="scatter-paint"]:checked').value);
      scatter.setPalette(scatterColors);
    }
  }
  if (comparePanel.open && !compare) {
    const { createCompare } = await compareModule();
    compare ??= createCompare($('compare'), (method) => {
      state.controls.setMethod(method);
      compare.markChosen(method);
      extract();
    });
  }
}

// ---- start-up ----

const ready = engine.call('defaults').then(
  (d) => {
    state.defaults = d;
    state.sortNames = new Set(d.sorts.map((s) => s.name));
    state.controls = createControls(d, { onChange: () => extract(), newSeed: () => engine.call('newSeed') });
    document.body.classList.add('is-ready');
    openShareLink(d);
    import('./js/offline.js');
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
  onFiles: (files) => addFiles(files),
});

/** Whether `file` is a film (by its type, or its extension when the type is missing or vague). */
const VIDEO_EXTENSIONS = /\.(mp4|m4v|mov|qt|webm|mkv|mk3d|avi|ogv|3gp)$/i;
const isVideo = (file) => file.type.startsWith('video/') || ((!file.type || file.type === 'application/octet-stream') && VIDEO_EXTENSIONS.test(file.name || ''));

/** The film view (www/js/film.js), made with the first video. */
let film = null;
const filmModule = later('./js/film.js');
async function getFilm() {
  if (film) return film;
  const m = await filmModule();
  film ??= m.createFilm({
    status,
    options: () => state.controls.settings(),
    framePng: (bitmap) => engine.call('framePng', { bitmap }, { transfer: [bitmap] }),
    openFrame: (file, frame) => addFiles([file], frame),
  });
  return film;
}

/**
 * Files given by the person: a video opens in the film view (the last one
 * given, one film at a time), images are queued and the first opened. Any
 * newer file ends a scan running (a newer video once it is known readable).
 */
async function addFiles(files, frame) {
  if (!frame) {
    const videos = files.filter(isVideo);
    files = files.filter((f) => !isVideo(f));
    if (files.length && film) film.cancel();
    if (videos.length) {
      await ready;
      (await getFilm()).open(videos.at(-1));
    }
    if (!files.length) return;
  }
  downloadsModule();
  queue ??= (await queueModule()).createQueue($('queue'), { open: openItem, removed, bundle, status });
  // A frame of a film opened before (and still in the list) opens again as it was left.
  const again = frame && queue.items().find((x) => x.frame && x.frame.film === frame.film && x.frame.time === frame.time);
  if (again) {
    if (again !== state.item || state.opening) openItem(again);
    return;
  }
  const added = queue.add(files);
  // A frame of a film: its time goes with its palette (the JSON's "frame").
  if (frame) added[0].frame = frame;
  openItem(added[0]);
}
// An example still: fetched when chosen (not with the page), then opened as a dropped file would be.
document.querySelector('.examples').addEventListener('click', async (event) => {
  const button = event.target.closest('[data-example]');
  if (!button || button.disabled) return;
  const name = `${button.dataset.example}.jpg`;
  button.disabled = true;
  try {
    const response = await fetch(`www/examples/${name}`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    await addFiles([new File([await response.blob()], name, { type: 'image/jpeg' })]);
  } catch (e) {
    status.error(`The example could not be loaded (${e.message}). Check the connection and try again.`);
  } finally {
    button.disabled = false;
  }
});
for (const id of ['dropzone-pick', 'panel-pick']) $(id).addEventListener('click', () => $('file').click());
$('quick-png').addEventListener('click', () => $('download-buttons').querySelector('[data-download="png"]').click());
$('reset-order').addEventListener('click', () => resetOrder());

// ---- views: open, extract, reorder ----

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** A time the worker reads alike (ms since the epoch), for the timings of an opening. */
const clock = () => performance.timeOrigin + performance.now();

/**
 * A view request. Every answer's pixels are put (when the page draws them),
 * shown or not: the worker draws each on what it drew before.
 */
function viewCall(type, payload, { seq, item, settings }) {
  const sent = clock();
  let shown = null;
  const onPartial = (p) => {
    if (seq !== state.seq) return;
    if (p.preview) return showPreview(p.preview);
    showSwatches(p.palette, item.name, seq);
    shown = clock();
    $('opening-text').textContent = `${p.palette.count} colors found; drawing the still…`;
  };
  return engine
    .call(type, payload, { onPartial })
    .then(
      (r) => {
        if (r.steps) Object.assign(r.steps, { sent, shown });
        const t0 = performance.now();
        composite.put(r);
        r.putMs = performance.now() - t0;
        state.received = { r, item, settings };
        return r;
      },
      (e) => {
        if (e.payload) {
          composite.put(e.payload);
          // The worker's own palette, made with the newest settings asked for it.
          const held = state.item && state.item.key === e.payload.key ? state.item : null;
          state.received = { r: e.payload, item: held, settings: state.want };
        }
        throw e;
      },
    );
}

/** Opens a queued image; the current one stays on screen until this one has its palette. */
async function openItem(item) {
  // A new image while another is opened: drop that work with its worker. Marked at once, so that
  // removing this image before the engine is ready is seen (removed()) and it is then not opened.
  if (state.opening && state.opening.item !== item) engine.cancelAll();
  state.opening = { item };
  await ready;
  if (item.removed || !state.opening || state.opening.item !== item) return;
  const seq = ++state.seq;
  item.failed = false;
  const t0 = performance.now();
  status.busy(seq);
  showOpening(item, seq);
  // Each image keeps its settings: one shown before gets back its own and its palette as it was shown last;
  // a new one starts from those on screen, but a region drawn by hand (it belongs to its image, or to the shared palette).
  const last = item !== state.item && top(item);
  if (last) state.controls.apply(last.settings, last.manual);
  else if (item !== state.item && !state.shared && isRect(state.controls.settings().region)) {
    state.controls.setRegion('auto');
  }
  if (item !== state.item) {
    leavePicking(false);
    queue.setState(item, 'working');
  }
  const settings = state.controls.settings();
  // A shared palette is applied to the first image opened: its colors exactly, their shares counted again.
  const shared = state.shared && !state.item ? state.shared.colors : undefined;
  state.want = settings;
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
    const request = viewCall(
      'open',
      {
        key: item.key,
        file: item.file,
        settings: { ...settings, sort: last ? last.palette.sort : settings.sort },
        colors: shared,
        last: last && last.palette.colors,
        saved: last && last.saved,
        // The long side of the preview shown while the palette is extracted (a placeholder for a moment: CSS pixels).
        preview: Math.round(Math.min(640, Math.max(480, window.innerWidth))),
      },
      { seq, item, settings },
    );
    state.pending = request.catch(() => {});
    result = await request;
    if (shared) state.shared = null;
    if (state.opening && state.opening.item === item) state.opening = null;
    await present(result, item, settings, t0, seq);
  } catch (e) {
    if (e.name === 'cancelled' || e.name === 'superseded') {
      if (item.state === 'working') queue.setState(item, 'waiting');
      return;
    }
    if (state.opening && state.opening.item === item) state.opening = null;
    // The controls show the settings of the image still on screen again.
    const shown = last && state.item && top(state.item);
    if (shown) state.controls.apply(shown.settings, shown.manual);
    item.failed = true;
    queue.setState(item, 'failed', e.message);
    status.error(describeFailure(e, item.name));
    if (seq === state.seq) await restore();
  } finally {
    status.done(seq);
    if (seq === state.seq) hideOpening();
  }
  refreshExtras();
}

// ---- while an image opens: its name at once, its picture as soon as the engine has decoded it, a bar past 300 ms ----

const opening = { timer: 0 };
/**
 * Shows `item` being opened (request `seq`) unless it opens within a blink
 * (a still the worker holds): its name at 100 ms, a bar at 300 ms, and its
 * picture as soon as the engine has decoded it (showPreview: a small picture
 * the worker makes in a few ms, before the palette is extracted; the
 * browser's own decoding of the file beside the engine's cost 35 to 65 ms
 * on two cores, BENCHMARKS.md).
 */
function showOpening(item, seq) {
  hideOpening();
  opening.timer = setTimeout(() => {
    if (seq !== state.seq) return;
    $('opening-text').textContent = `Opening ${item.name} (${(item.file.size / 1e6).toFixed(1)} MB)…`;
    $('opening').hidden = false;
    document.body.classList.add('is-opening');
    opening.timer = setTimeout(() => $('opening').classList.add('is-slow'), 200);
  }, 100);
}

/** The engine's preview of the still being opened ({width, height, rgba}), shown at once. */
function showPreview({ width, height, rgba }) {
  const canvas = $('opening-preview');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d').putImageData(new ImageData(rgba, width, height), 0, 0);
  $('opening-text').textContent = 'Finding its colors…';
  $('opening').hidden = false;
  $('opening').classList.add('has-preview');
  document.body.classList.add('is-opening');
}

function hideOpening() {
  clearTimeout(opening.timer);
  $('opening').hidden = true;
  $('opening').classList.remove('is-slow', 'has-preview');
  document.body.classList.remove('is-opening');
  const canvas = $('opening-preview');
  canvas.width = canvas.height = 0;
}

/** Extracts again with the current settings (a control changed); the locked colors keep their places. */
function extract() {
  if (!state.item && !state.opening) return;
  view('extract', { settings: state.controls.settings(), places: lockedPlaces() });
}

/** The locked colors of the palette on screen and their places: {hex, at}. */
function lockedPlaces() {
  if (!state.view || state.opening || !state.item || state.view.key !== state.item.key) return [];
  return state.view.palette.colors.flatMap((c, at) => (c.kept ? [{ hex: c.hex, at }] : []));
}

/** A rectangle was dragged on the still (image pixels, inside it): it becomes the region. */
function chooseRegion(rect) {
  // Only on the still its palette belongs to, not while another image is opened.
  if (!state.view || state.opening || state.view.key !== state.item.key) return;
  state.controls.setRegion(rect);
  extract();
}

/** The swatch list was reordered: `order` lists indices into the colors as they were shown. */
function reorder(order) {
  // The list shows an older palette than the newest asked for: that one replaces it soon.
  if (state.listSeq !== state.seq || !state.item) return;
  view('reorder', { order });
}

/** Back to the order chosen in the control: the palette again, in that order (locked colors stay in place). */
function resetOrder() {
  if (!state.view) return;
  view('extract', { settings: state.controls.settings(), places: lockedPlaces() });
  status.announce('Order reset');
}

/**
 * Asks for a new view of the image on screen (or the one being opened:
 * the worker handles requests in order, so this follows the opening).
 */
async function view(type, payload, { replay = false } = {}) {
  const seq = ++state.seq;
  const item = state.opening ? state.opening.item : state.item;
  if (replay) state.replays.add(seq);
  if (payload.settings) state.want = payload.settings;
  // A reorder: the list already shows it, and the next one counts from it.
  if (type === 'reorder') state.listSeq = seq;
  const settings = state.want;
  const t0 = performance.now();
  status.busy(seq);
  const request = withStill(item, () => viewCall(type, { key: item.key, ...payload }, { seq, item, settings }), seq);
  state.pending = request.catch(() => {});
  try {
    const result = await request;
    if (state.opening && state.opening.item === item) state.opening = null;
    await present(result, item, settings, t0, seq);
    if (type === 'extract') refreshExtras();
  } catch (e) {
    if (e.name === 'cancelled' || e.name === 'superseded') return;
    const message = describeFailure(e, item.name);
    status.error(message);
    if (seq === state.seq) {
      const refused = e.name === 'invalid-option' && type === 'extract' && keepRegionShown(payload.settings, item);
      await restore();
      // The message stays until the next view is shown.
      if (refused) state.regionRefused = message;
    }
  } finally {
    status.done(seq);
  }
}

/**
 * The engine refused `failed` (e.g. its region): the region goes back to the
 * one on screen, so that the next change does not ask for it again. Returns
 * whether it did.
 */
function keepRegionShown(failed, item) {
  const shown = state.view && state.view.key === item.key ? state.view.settings.region : 'auto';
  if (same(failed.region, shown)) return false;
  state.controls.setRegion(shown);
  state.want = state.controls.settings();
  // The worker's palette, if it sent one, was not made with the refused region either.
  if (state.received && state.received.settings === failed) state.received.settings = state.want;
  if (state.view && state.view.key === item.key) state.controls.showRegion(state.view.palette, shown);
  return true;
}

/**
 * Runs a request that needs `item` in the worker. If the worker lost it (it
 * was restarted), opens it again first, with the order on screen. For a view
 * (`seq`: its number), opening again is itself the answer.
 */
async function withStill(item, send, seq) {
  try {
    return await send();
  } catch (e) {
    if (e.name !== 'no-still') throw e;
    // Its own opening failed (and said so): nothing more to do.
    if (item.failed) throw new EngineError('superseded', 'the image could not be opened');
    const isView = seq !== undefined;
    const shown = state.view && state.view.key === item.key ? state.view : null;
    const settings = isView || !shown ? state.want : shown.settings;
    const kept = shown && same(shown.settings, settings);
    const at = isView ? seq : state.seq;
    const t0 = performance.now();
    const opened = await viewCall(
      'open',
      {
        key: item.key,
        file: item.file,
        settings: { ...settings, sort: kept ? shown.palette.sort : settings.sort },
        last: kept ? shown.palette.colors : undefined,
      },
      { seq: at, item, settings },
    );
    if (isView) return opened;
    await present(opened, item, settings, t0, at);
    return send();
  }
}

/** After a failed view: shows what the worker holds (the newest view it answered with). */
async function restore() {
  const got = state.received;
  if (got && got.item === state.item && got.settings) {
    await present(got.r, got.item, got.settings, performance.now(), state.seq);
  } else if (state.view) {
    showSwatches(state.view.palette, state.item.name, state.seq);
  } else {
    showSwatches({ colors: [] }, '', state.seq);
  }
}

/** Shows a palette in the swatch list, unless it already shows it (as after a drag). */
function showSwatches(palette, name, seq) {
  const list = $('swatches');
  list.dataset.source = name;
  state.listSeq = seq;
  if (!swatches.shows(palette.colors)) swatches.show(palette.colors);
}

/**
 * Puts view `r` of `item` on screen (made with the controls' `settings`),
 * once its composite is shown, if it is still the newest (`seq`).
 */
async function present(r, item, settings, t0, seq) {
  const t1 = performance.now();
  await composite.settle(r);
  // The download buttons are made with the first palette (not with the page); the share link is written
  // with it (its module loaded first, so the link is in the URL when the palette is shown; the page works without).
  const [{ createDownloads }] = await Promise.all([downloadsModule(), shareModule().catch(() => null)]);
  if (seq !== state.seq) return;
  state.downloads ??= createDownloads($('download-buttons'), state.defaults.formats, download);
  if (state.item !== item) {
    state.item = item;
    queue.setState(item, 'current');
    status.clearError();
  }
  if (state.regionRefused) {
    status.clearError(state.regionRefused);
    state.regionRefused = null;
  }
  const p = r.palette;
  const hexes = p.colors.map((c) => c.hex);
  state.view = { key: item.key, palette: p, settings };
  // A manual order's sort is its permutation; moved back into the chosen order, the engine names it again.
  const manual = !state.sortNames.has(p.sort);
  if (!state.replays.delete(seq)) record(item, { saved: r.saved, palette: p, settings, manual });
  showHistory();
  writeShareLink(settings, p.colors);
  nameColors(p.colors);
  fillNotations();
  getPicker();
  $('pick-layer').style.height = `${(100 * p.height) / r.height}%`;
  $('pick-color').disabled = false;
  $('copy-all').disabled = false;
  $('quick-png').disabled = false;
  document.body.classList.remove('has-shared');
  showSwatches(p, item.name, seq);
  composite.mark(r, hexes, `${item.name} with its palette strip: ${hexes.join(', ')}`);
  region.show(p, r.height, isRect(settings.region) ? 'hand' : settings.region, item.key);
  state.controls.showRegion(p, settings.region);
  state.controls.setManual(manual);
  $('reset-order').disabled = !manual;
  state.downloads.enable();
  document.body.classList.remove('is-empty');
  document.body.classList.add('has-image');
  const pixels = p.width * p.height;
  const size = pixels < 50_000 ? `${pixels.toLocaleString('en')} pixels` : `${(pixels / 1e6).toFixed(1)} MP`;
  const ms = Math.round(performance.now() - t0);
  // An opening's steps, each in ms from `t0` (when the page began to open the file): the message
  // sent to the worker, received there, the file read, decoded, its palette extracted, posted, shown.
  const steps = {};
  const start = performance.timeOrigin + t0;
  for (const [k, v] of Object.entries(r.steps || {})) if (typeof v === 'number') steps[`${k}At`] = v - start;
  const fewer = p.count < p.requested ? ` (the image has only ${p.count} distinct colors)` : '';
  status.line(`${p.count} ${p.count === 1 ? 'color' : 'colors'} from ${size} in ${ms} ms${fewer}`, {
    totalMs: ms,
    workerMs: r.workerMs,
    decodeMs: r.decodeMs,
    extractMs: r.extractMs,
    renderMs: r.renderMs,
    // From the answer to the composite on screen: the pixels put, or the worker's frame reaching the canvas.
    drawMs: (r.putMs || 0) + performance.now() - t1,
    ...steps,
  });
  scatterColors = p.colors;
  if (scatter) scatter.setPalette(p.colors);
  showColorNote(p.warnings || []);
}

/** What decoding could not honour (a color profile it could not read, say), under the result line. */
function showColorNote(warnings) {
  const note = $('color-note');
  const sentences = warnings.map((w) => `${w.charAt(0).toUpperCase()}${w.slice(1)}.`);
  note.textContent = sentences.join(' ');
  note.hidden = sentences.length === 0;
}

function describeFailure(e, name) {
  const file = `“${name}”`;
  switch (e.name) {
    case 'decode':
    case 'unsupported':
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

// ---- curating by hand: lock, remove, pick, undo, redo ----

/** A swatch's own button: `index` is its position as shown. */
function swatchAction(action, index) {
  if (!state.view || state.opening || !state.item || state.view.key !== state.item.key) return;
  const p = state.view.palette;
  const c = p.colors[index];
  if (!c) return;
  if (action === 'lock') {
    // Only the mark changes: the palette as it is (the same shares), with this color locked or not.
    view('lock', { index, kept: !c.kept, settings: state.view.settings });
    status.announce(`${c.hex} ${c.kept ? 'unlocked' : 'locked: a new palette keeps it'}`);
  } else if (action === 'remove') {
    if (p.colors.length === 1) {
      status.announce('A palette keeps at least one color');
      return;
    }
    edit(p.colors.filter((_, i) => i !== index));
    status.announce(`Removed ${c.hex}`);
  } else if (action === 'pick') {
    startPicking(index);
  }
}

/** The palette made of exactly `colors` (shares counted again, no extraction); the count follows it. */
function edit(colors) {
  state.controls.setColors(colors.length);
  view('edit', { colors, settings: state.controls.settings() });
}

/** Turns the eyedropper on: a pick adds a swatch, or replaces the one at `target`. */
async function startPicking(target = null) {
  if (!state.view) return;
  // The button says so at once; the eyedropper follows once its module is in (fetched with the first palette).
  state.pickTarget = target;
  const button = $('pick-color');
  button.setAttribute('aria-pressed', 'true');
  button.textContent = 'Stop picking';
  document.body.classList.add('is-picking');
  const picker = await getPicker();
  if (!state.view || button.getAttribute('aria-pressed') !== 'true') return;
  picker.start({ width: state.view.palette.width, height: state.view.palette.height });
  status.announce(
    target === null
      ? matchMedia('(pointer: coarse)').matches
        ? 'Eyedropper on: tap the still to add its color. Tap Stop picking when done.'
        : 'Eyedropper on: click the still, or move with the arrow keys and press Enter, to add its color. Escape stops.'
      : `Eyedropper on: pick the color that replaces ${state.view.palette.colors[target].hex}. Escape stops.`,
  );
}

/** Turns the eyedropper off (`focus`: the focus returns to its button). */
function leavePicking(focus) {
  const button = $('pick-color');
  if (picker && picker.isOn()) picker.stop();
  state.pickTarget = null;
  button.setAttribute('aria-pressed', 'false');
  button.textContent = 'Pick a color';
  document.body.classList.remove('is-picking');
  if (focus) button.focus();
}

/** The eyedropper picked image pixel (x, y): its color, locked, added or in place of the target. */
async function pickAt(x, y) {
  const item = state.item;
  if (!state.view || !item || state.view.key !== item.key) return;
  let swatch;
  try {
    swatch = await withStill(item, () => engine.call('pick', { key: item.key, x, y }));
  } catch (e) {
    status.error(`That color could not be picked: ${e.message}.`);
    return;
  }
  const colors = [...state.view.palette.colors];
  const same = colors.findIndex((c) => c.hex === swatch.hex);
  const target = state.pickTarget;
  if (same >= 0 && same !== target) {
    // Already there: it is locked instead (the person chose it).
    if (!colors[same].kept) swatchAction('lock', same);
    status.announce(`${swatch.hex} is already color ${same + 1}; it is locked`);
  } else if (target !== null) {
    colors[target] = swatch;
    edit(colors);
    status.announce(`Color ${target + 1} is now ${swatch.hex}, locked`);
  } else if (colors.length >= state.defaults.maxColors) {
    status.error(`A palette has at most ${state.defaults.maxColors} colors: remove one to add another.`);
  } else {
    colors.push(swatch);
    edit(colors);
    status.announce(`Added ${swatch.hex}, locked`);
  }
  // Replacing one swatch is one pick; adding goes on until Escape.
  if (target !== null) leavePicking(false);
}

$('pick-color').addEventListener('click', () =>
  picker && picker.isOn() ? leavePicking(false) : startPicking(null),
);

/** Remembers a palette state of `item` as the newest step of its history (dropping the steps undone). */
function record(item, entry) {
  const h = (item.history ??= { entries: [], at: -1 });
  const top = h.entries[h.at];
  if (top && same(top.palette.colors, entry.palette.colors) && same(top.settings, entry.settings)) {
    h.entries[h.at] = entry;
    return;
  }
  h.entries.splice(h.at + 1);
  h.entries.push(entry);
  if (h.entries.length > HISTORY_LIMIT) h.entries.shift();
  h.at = h.entries.length - 1;
}

/** The step of `item`'s history on screen (or last on screen), or undefined. */
const top = (item) => item.history && item.history.entries[item.history.at];

function showHistory() {
  const h = state.item && state.item.history;
  $('undo').disabled = !h || h.at <= 0;
  $('redo').disabled = !h || h.at >= h.entries.length - 1;
}

/** One step back (`-1`) or forward (`1`) in the history of the image on screen. */
function travel(step) {
  const item = state.item;
  const h = item && item.history;
  if (!h || state.opening || !state.view || state.view.key !== item.key) return;
  const to = h.at + step;
  if (to < 0 || to >= h.entries.length) return;
  h.at = to;
  const e = h.entries[to];
  state.controls.apply(e.settings, e.manual);
  view('restore', { saved: e.saved, settings: e.settings, colors: e.palette.colors }, { replay: true });
  showHistory();
  status.announce(step < 0 ? 'Undone' : 'Redone');
}

$('undo').addEventListener('click', () => travel(-1));
$('redo').addEventListener('click', () => travel(1));
document.addEventListener('keydown', (event) => {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
  const key = event.key.toLowerCase();
  if (key !== 'z' && key !== 'y') return;
  // Text fields keep their own undo.
  const t = event.target;
  if (t instanceof HTMLInputElement && t.type !== 'range' && t.type !== 'checkbox') return;
  if (t instanceof HTMLTextAreaElement) return;
  event.preventDefault();
  travel(key === 'y' || event.shiftKey ? 1 : -1);
});

// ---- values, names, copy all ----

const notation = $('notation');
/** The notation control, filled from notation.js once a palette is shown. */
function fillNotations() {
  if (notation.options.length > 1) return;
  notationModule().then((m) => {
    if (notation.options.length > 1) return;
    notation.replaceChildren(...m.NOTATIONS.map((n) => new Option(n.label, n.name, false, n.name === state.notation)));
  });
}
notation.addEventListener('change', async () => {
  const m = await notationModule();
  state.notation = notation.value;
  swatches.setNotation(notation.value, m.formatColor);
});

/** The colors on screen: the palette's, or a shared one's before its image is opened. */
function colorsShown() {
  if (state.view) return state.view.palette.colors;
  return state.shared ? state.shared.colors : [];
}

/** Names the colors on the swatches once the name list is loaded (it is loaded on first use, not with the page). */
function nameColors(colors) {
  loadNames().then(
    (namer) => {
      if (colorsShown() !== colors) return;
      swatches.setNames(new Map(colors.map((c) => [c.hex, namer.nearest(c.oklab).name])));
    },
    () => {},
  );
}

$('copy-all').addEventListener('click', async () => {
  const colors = colorsShown();
  if (!colors.length) return;
  let names = [];
  try {
    const namer = await loadNames();
    names = colors.map((c) => namer.nearest(c.oklab).name);
  } catch {
    // Without names: the values alone.
  }
  const { paletteText } = await notationModule();
  const text = paletteText(colors, state.notation, names);
  const how = await copyText(text, $('swatches'));
  status.announce(how === 'selected' ? 'The palette is selected: press Ctrl+C to copy it' : `Copied ${colors.length} colors`);
});

// ---- the share link ----

/** Puts the palette on screen and its settings in the URL's fragment (replacing it: the back button is not flooded). */
async function writeShareLink(settings, colors) {
  const { encodeShare } = await shareModule();
  const hash = encodeShare(settings, colors);
  if (hash === state.lastHash) return;
  state.lastHash = hash;
  try {
    history.replaceState(history.state, '', `#${hash}`);
  } catch {
    // A sandboxed frame may refuse: the page works without the link.
  }
}

/** At start-up: a share link shows its palette at once, without the image; a broken one says so. */
async function openShareLink(d) {
  // The page's own anchors (the skip link's #swatches) are not share links.
  if (!location.hash.includes('=')) return;
  const [{ decodeShare }, { rgb8ToOklab }] = await Promise.all([shareModule(), namesModule()]);
  const shared = decodeShare(location.hash, d, state.controls.settings());
  if (!shared) return;
  if (shared.error) {
    status.line(shared.error);
    try {
      history.replaceState(history.state, '', location.pathname + location.search);
    } catch {
      // The note stays; so does the fragment.
    }
    return;
  }
  state.controls.apply(shared.settings);
  const shown = shared.colors.map(({ hex, kept }) => {
    const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const o = rgb8ToOklab(rgb);
    const C = Math.hypot(o[1], o[2]);
    const h = C < 1e-6 ? 0 : ((Math.atan2(o[2], o[1]) * 180) / Math.PI + 360) % 360;
    return { hex, rgb, share: null, kept, oklab: o, oklch: [o[0], C, h], mapped: false };
  });
  state.shared = { settings: shared.settings, colors: shown };
  state.lastHash = location.hash.slice(1);
  document.body.classList.add('has-shared');
  swatches.show(shown);
  nameColors(shown);
  fillNotations();
  $('copy-all').disabled = false;
  const n = shown.length;
  status.line(
    `A shared palette of ${n} ${n === 1 ? 'color' : 'colors'}. Drop its image to see them on it: the same colors, their shares counted.`,
  );
  engine.call('strip', { colors: state.shared.colors, width: 1200 }).then(
    (r) => {
      if (!state.shared || r.none) return;
      composite.settle(r).then(() =>
        composite.mark(r, shown.map((c) => c.hex), `The shared palette's strip: ${shown.map((c) => c.hex).join(', ')}`),
      );
    },
    () => {},
  );
}

// A share link pasted into the address bar of the open page: opened as a page of its own.
window.addEventListener('hashchange', () => {
  const text = location.hash.slice(1);
  if (text !== state.lastHash && text.includes('=')) location.reload();
});

// ---- the queue: an image removed, download all ----

/** `item` left the queue: its still goes from the worker; on screen (`next`: its neighbour), another or none takes its place. */
function removed(item, next) {
  engine.call('forget', { key: item.key }).catch(() => {});
  const opening = state.opening && state.opening.item === item;
  if (opening) {
    engine.cancelAll();
    state.opening = null;
  }
  // The image on screen went, or the one opened in place of one that went.
  if (state.item === item || (opening && state.item && state.item.removed)) {
    if (next) openItem(next);
    else empty();
  }
}

/** No image any more: the page as it was at first (the settings stay). */
function empty() {
  const seq = ++state.seq;
  if (state.opening) engine.cancelAll();
  leavePicking(false);
  Object.assign(state, { item: null, view: null, received: null, opening: null, lastHash: '' });
  status.busy(seq);
  status.done(seq);
  showSwatches({ colors: [] }, '', seq);
  showHistory();
  showColorNote([]);
  status.line('');
  status.clearError();
  for (const b of document.querySelectorAll('#pick-color, #copy-all, #reset-order, #download-buttons button')) b.disabled = true;
  delete $('composite').dataset.hexes;
  $('region-layer').hidden = true;
  document.body.classList.remove('has-image');
  document.body.classList.add('is-empty');
  history.replaceState(history.state, '', location.pathname + location.search);
}

/** For "download all": `item`'s composite (PNG) and palette (JSON), with its own settings and colors (never shown: a new image's). */
async function bundle(item) {
  await state.pending;
  const last = top(item);
  const settings = last ? { ...last.settings, sort: last.palette.sort } : state.controls.settings();
  if (!last && isRect(settings.region)) settings.region = 'auto';
  const payload = { key: item.key, file: item.file, settings, last: last && last.palette.colors, type: 'image/png' };
  const { baseName } = await downloadsModule();
  const r = await engine.call('bundle', { ...payload, ...exportOptions(item, 'json', baseName) });
  return r.png instanceof Blob ? r : { ...r, png: await composite.encode(r.png, 'image/png') };
}

// ---- downloads ----

/** What an export of `item` as `format` is told: its name, and for a film's frame in the JSON, its time. */
function exportOptions(item, format, baseName) {
  const options = { name: baseName(item.name) };
  if (item.frame && format === 'json') options.frame = { time: item.frame.time };
  return options;
}

/** Saves `format` (one of defaults().formats) of what is on screen. */
async function download(format, button) {
  if (!state.item) return;
  button.disabled = true;
  button.classList.add('is-working');
  try {
    // The file shows what is on screen once the newest request is answered.
    await state.pending;
    const item = state.item;
    const { baseName, fileNameFor, saveBlob } = await downloadsModule();
    let blob;
    if (format.image) {
      // The composite of the region, encoded in the worker (or here, from its pixels, without OffscreenCanvas).
      const file = await withStill(item, () => engine.call('png', { key: item.key, type: format.mime }));
      blob = file instanceof Blob ? file : await composite.encode(file, format.mime);
    } else {
      // Text, or bytes (a Uint8Array) for a binary format.
      const file = await withStill(item, () =>
        engine.call('export', { key: item.key, format: format.name, options: exportOptions(item, format.name, baseName) }),
      );
      blob = new Blob([file], { type: format.mime });
    }
    const name = fileNameFor(item.name, format);
    saveBlob(blob, name);
    status.announce(`Saved ${name}`);
  } catch (e) {
    status.error(`The ${format.label} file could not be made: ${e.message}.`);
  } finally {
    button.classList.remove('is-working');
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
  input.addEventListener('change', () => scatter && scatter.setSpace(input.value));
}
for (const input of document.querySelectorAll('input[name="scatter-paint"]')) {
  input.addEventListener('change', () => scatter && scatter.setPaint(input.value));
}

async function refreshExtras() {
  const item = state.item;
  if (!item) return;
  await makeExtras();
  if (scatterPanel.open) {
    scatter.resize();
    // The image's colors, counted as its palette was (the region among it).
    const key = JSON.stringify([item.key, state.view && state.view.palette.region]);
    if (scatterKey !== key) {
      scatterKey = key;
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
    const settings = state.controls.settings();
    const key = JSON.stringify([item.key, { ...settings, method: null }]);
    if (compareKey === key) {
      compare.markChosen(settings.method);
      return;
    }
    compareKey = key;
    const seq = ++compareSeq;
    compare.clear('Working…');
    try {
      const methods = state.defaults.methods.map((m) => m.name);
      const results = await withStill(item, () => engine.call('compare', { key: item.key, settings, methods }));
      if (seq === compareSeq) compare.show(results, state.defaults.methods, state.controls.settings().method);
    } catch (e) {
      if (seq === compareSeq) compareKey = null;
      if (e.name !== 'cancelled' && seq === compareSeq) compare.clear(`Could not compare: ${e.message}`);
    }
  }
}
