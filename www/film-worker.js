// A film's scan, off the main thread: the core's `Film` (src/film.rs, the
// wasm API's Film class) fed one reduced frame at a time. The page's
// www/js/film.js starts one of these per scan and ends it (terminate) to
// cancel: nothing of the scan outlives it. A worker of its own rather than
// the engine's (www/worker.js): the engine worker is restarted when an
// opening is cancelled (worker-client.js cancelAll), which must not end a
// scan, and a still's requests need not wait behind the frames.
//
//   in   {id, type: 'start', options}            → null
//        {id, type: 'push', width, height, rgba, time, thumbnail} → {column, shots, thumbnails}  (rgba transferred here, dropped after;
//                                                  thumbnails: [{shot, width, height, rgba}] of the shots given, at most `thumbnail` px)
//        {id, type: 'finish', duration}          → {shots, columns, colors, thumbnails}
//        {id, type: 'barcode', color, width, height} → a PNG Blob, tagged sRGB (or {width, height, rgba} without OffscreenCanvas)
//   out  {id, type: 'result', payload} | {id, type: 'error', name, message}

import init, { Film } from './pkg/cinepal.js';

const ready = init();
let film = null;
// For the tests: the wasm memory (it only grows), which a long film must not keep growing.
let wasm = null;
ready.then((exports) => (wasm = exports));
self.cinepalMemory = () => (wasm ? wasm.memory.buffer.byteLength : 0);

self.onmessage = async ({ data: msg }) => {
  try {
    await ready;
    const [payload, transfer] = await handle(msg);
    self.postMessage({ id: msg.id, type: 'result', payload }, transfer || []);
  } catch (e) {
    const crashed = e instanceof WebAssembly.RuntimeError || e instanceof RangeError;
    self.postMessage({ id: msg.id, type: 'error', name: crashed ? 'crash' : e.name || 'Error', message: e.message || String(e) });
  }
};

async function handle(msg) {
  switch (msg.type) {
    case 'start':
      film?.free();
      film = new Film(msg.options);
      return [null];
    case 'push':
      // The frame's pixels are reduced at once and let go (src/film.rs keeps its weighted colors, and a
      // small picture of a shot's key-frame candidates when `thumbnail` asks for one).
      return withThumbnails(
        film.push(msg.width, msg.height, new Uint8Array(msg.rgba.buffer, msg.rgba.byteOffset, msg.rgba.byteLength), msg.time, msg.thumbnail),
      );
    case 'finish':
      return withThumbnails(film.finish(msg.duration));
    case 'barcode':
      return barcode(msg);
    default:
      throw Object.assign(new Error(`unknown request '${msg.type}'`), { name: 'invalid-input' });
  }
}

/** A result and the thumbnails' pixels to transfer (not copy). */
const withThumbnails = (r) => [r, r.thumbnails.map((t) => t.rgba.buffer)];

/** The finished film's barcode at `width × height`, as a PNG (encoded here). */
async function barcode({ color, width, height }) {
  const rgba = film.barcode(color, width, height);
  if (typeof OffscreenCanvas !== 'function') return [{ width, height, rgba: rgba.buffer }, [rgba.buffer]];
  const canvas = new OffscreenCanvas(width, height);
  canvas.getContext('2d').putImageData(new ImageData(rgba, width, height), 0, 0);
  const png = await canvas.convertToBlob({ type: 'image/png' });
  canvas.width = canvas.height = 0;
  // Tagged sRGB as the composite's PNG is (a viewer that manages colors shows what the page showed).
  return [await (await import('./js/srgb-png.js')).tagSrgb(png)];
}
