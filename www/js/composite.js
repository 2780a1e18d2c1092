// The composite (the still with its strip) on canvas#composite, at the
// image's full resolution; CSS scales it down to fit. On screen it is the
// whole frame (www/js/region.js shows the counted region over it); the PNG
// download is the composite of the region, made in the worker.
//
// Where the browser can (OffscreenCanvas), the worker draws it: each worker
// is given a canvas element of its own, whose control is transferred to it,
// so the composite's pixels never come to this thread. A worker that is
// replaced (it crashed, or its work was cancelled) takes its canvas with it:
// the next one draws into a fresh element, which takes the old one's place
// once it holds a picture, so the previous still stays on screen meanwhile.
// Elsewhere, the worker sends the pixels and they are put here.

// srgb-png.js is loaded with the first PNG encoded here (not with the page).
const tagSrgb = async (blob) => (await import('./srgb-png.js')).tagSrgb(blob);

/** Whether the worker draws (else the page puts the worker's RGBA). */
export const drawnInWorker =
  typeof HTMLCanvasElement.prototype.transferControlToOffscreen === 'function' && typeof OffscreenCanvas === 'function';

// How long a fresh element may take to show its first picture before it is put on screen anyway.
const FIRST_FRAME_TIMEOUT_MS = 5000;

/** @param {HTMLCanvasElement} initial  canvas#composite as the page has it */
export function createComposite(initial) {
  let shown = initial; // the element on screen
  let target = initial; // the element the current worker draws into
  let transferred = false; // whether `initial` has gone to a worker

  /**
   * For a worker that is starting: the request that gives it its canvas, or
   * null when the page draws (no OffscreenCanvas).
   */
  function surface() {
    if (!drawnInWorker) return null;
    if (transferred) {
      target = document.createElement('canvas');
      target.width = 0;
      target.height = 0;
    }
    transferred = true;
    const canvas = target.transferControlToOffscreen();
    return { type: 'canvas', payload: { canvas }, transfer: [canvas] };
  }

  /**
   * A view the worker answered with (a `paint` result of worker.js): puts its
   * pixels when the page draws. Called for every view answer, in order, even
   * one that is no longer wanted, since the worker draws each on what it
   * drew before.
   */
  function put(r) {
    if (!r || !r.rgba) return;
    const pixels = new Uint8ClampedArray(r.rgba);
    if (shown.width !== r.width) shown.width = r.width;
    if (shown.height !== r.height) shown.height = r.height;
    shown.getContext('2d').putImageData(new ImageData(pixels, r.width), 0, r.top);
  }

  /**
   * Resolves once view `r` is on screen: when the worker drew into a fresh
   * element, or at a new size, once the element shows a picture of that size
   * (the worker's frame reaches it a frame or two after the answer); a fresh
   * element then takes the place of the one shown.
   */
  async function settle(r) {
    const el = target;
    if (!drawnInWorker || !r) return;
    const start = performance.now();
    while ((el.width !== r.width || el.height !== r.height) && performance.now() - start < FIRST_FRAME_TIMEOUT_MS) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    if (el !== shown && el === target) {
      for (const name of ['id', 'role', 'aria-label', 'class']) {
        const v = shown.getAttribute(name);
        if (v !== null) el.setAttribute(name, v);
      }
      shown.replaceWith(el);
      shown = el;
    }
  }

  /** Marks what is shown: the palette's hexes (data-hexes, for tests and benchmarks) and its description. */
  function mark(r, hexes, label) {
    // On the element that holds the canvas and the region's layer, which are sized together.
    shown.parentElement.classList.toggle('is-small', r.width < 400);
    shown.dataset.hexes = hexes.join(',');
    shown.setAttribute('aria-label', label);
  }

  /**
   * A file of type `type` from RGBA pixels `{width, height, rgba}` (what the
   * worker sends for a download when it has no OffscreenCanvas), encoded
   * through a canvas of its own that is let go afterwards.
   */
  async function encode({ width, height, rgba }, type) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    try {
      canvas.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(rgba), width), 0, 0);
      const blob = await new Promise((resolve, reject) =>
        canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the image could not be encoded as PNG'))), type),
      );
      return await tagSrgb(blob);
    } finally {
      canvas.width = 0;
      canvas.height = 0;
    }
  }

  return { surface, put, settle, mark, encode };
}
