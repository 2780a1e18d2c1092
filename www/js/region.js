// The counted region on the still. The worker draws the whole frame; over
// the still part of the canvas (not the strip) a layer shows the region: a
// box outlines it and its shadow dims what lies outside. Positions are
// percentages of the image, so the layer scales with the canvas's CSS size.
//
// A drag across the still (mouse, pen or touch: pointer events, captured so
// the drag may leave the still) draws a rectangle; on release it is the
// region chosen by hand, in image pixels, clamped inside the image. A drag
// shorter than CLICK_PX either way is a click and does nothing; Escape
// during a drag cancels it.

/** A pointer moved less than this (CSS pixels, in both directions) made a click, not a rectangle. */
const CLICK_PX = 5;

/**
 * @param {HTMLElement} layer  #region-layer, over the still part of the composite
 * @param {HTMLElement} box  #region-box inside it
 * @param {object} o
 * @param {(rect: {x: number, y: number, width: number, height: number}) => void} o.onSelect  a rectangle was dragged
 */
export function createRegion(layer, box, { onSelect }) {
  /** The still on screen: {key, width, height} of the image, and the region counted, or null before one. */
  let shown = null;
  /** The drag in progress: {id, from: {x, y} (image px), clientX, clientY}, or null. */
  let drag = null;

  layer.addEventListener('pointerdown', (event) => {
    if (!shown || drag || !event.isPrimary || event.button !== 0) return;
    // No text selection, no native image drag; touch-action keeps the touch from panning.
    event.preventDefault();
    layer.setPointerCapture(event.pointerId);
    drag = { id: event.pointerId, from: toImage(event), clientX: event.clientX, clientY: event.clientY };
  });

  layer.addEventListener('pointermove', (event) => {
    if (!drag || event.pointerId !== drag.id) return;
    if (isClick(event)) {
      place(shown.region, false);
    } else {
      place(between(drag.from, toImage(event)), true);
    }
  });

  layer.addEventListener('pointerup', (event) => {
    if (!drag || event.pointerId !== drag.id) return;
    const rect = isClick(event) ? null : between(drag.from, toImage(event));
    end();
    if (rect) onSelect(rect);
  });

  // The browser took the pointer (a scroll, a lost capture): no rectangle.
  layer.addEventListener('pointercancel', (event) => drag && event.pointerId === drag.id && end());
  layer.addEventListener('lostpointercapture', (event) => drag && event.pointerId === drag.id && end());

  window.addEventListener(
    'keydown',
    (event) => {
      if (!drag || event.key !== 'Escape') return;
      event.preventDefault();
      event.stopPropagation();
      end();
    },
    true,
  );

  function isClick(event) {
    return Math.abs(event.clientX - drag.clientX) < CLICK_PX && Math.abs(event.clientY - drag.clientY) < CLICK_PX;
  }

  /** Ends the drag in progress and shows the region again. */
  function end() {
    const { id } = drag;
    drag = null;
    if (layer.hasPointerCapture(id)) layer.releasePointerCapture(id);
    place(shown.region, false);
  }

  /** A pointer's position in image pixels (fractional), clamped to the image. */
  function toImage(event) {
    const r = layer.getBoundingClientRect();
    const clamp = (v) => Math.min(1, Math.max(0, v));
    return {
      x: clamp((event.clientX - r.left) / r.width) * shown.width,
      y: clamp((event.clientY - r.top) / r.height) * shown.height,
    };
  }

  /** The whole pixels between two points, at least one each way, inside the image. */
  function between(a, b) {
    const span = (p, q, size) => {
      const lo = Math.min(size - 1, Math.floor(Math.min(p, q)));
      const hi = Math.max(lo + 1, Math.min(size, Math.ceil(Math.max(p, q))));
      return [lo, hi - lo];
    };
    const [x, width] = span(a.x, b.x, shown.width);
    const [y, height] = span(a.y, b.y, shown.height);
    return { x, y, width, height };
  }

  /** Outlines `rect` and dims the rest; hidden when it is the whole image (unless being dragged). */
  function place(rect, dragging) {
    const { width: w, height: h } = shown;
    const whole = rect.x === 0 && rect.y === 0 && rect.width === w && rect.height === h;
    box.hidden = whole && !dragging;
    box.classList.toggle('is-dragging', dragging);
    box.style.left = `${(100 * rect.x) / w}%`;
    box.style.top = `${(100 * rect.y) / h}%`;
    box.style.width = `${(100 * rect.width) / w}%`;
    box.style.height = `${(100 * rect.height) / h}%`;
  }

  /**
   * Shows the region of palette `p` (its `region`, `width` and `height`) of
   * image `key` on a composite `compositeHeight` rows high; `source`:
   * `"auto"`, `"full"` or `"hand"` (how the region was chosen), for the
   * styles and for tests.
   */
  function show(p, compositeHeight, source, key) {
    // A drag begun on another image's still is not carried over to this one.
    const another = drag && shown.key !== key;
    shown = { key, width: p.width, height: p.height, region: p.region };
    if (another) end();
    // The still is the composite's top p.height rows; the strip below is not covered.
    layer.style.height = `${(100 * p.height) / compositeHeight}%`;
    layer.hidden = false;
    const r = p.region;
    const at = `${r.x},${r.y},${r.width},${r.height}`;
    for (const el of [layer, box]) {
      el.dataset.region = at;
      el.dataset.source = source;
    }
    if (!drag) place(r, false);
  }

  return { show };
}
