// The eyedropper: while it is on, a layer over the still (the top part of
// the composite, like the region's) shows a loupe under the pointer, the
// pixels around it magnified; a click or a tap picks the color there. The
// color itself is the engine's (the mean of the similar pixels around the
// point, `src/pick.rs`); the loupe only shows where it comes from.
//
// Keyboard: the layer takes the focus; the arrow keys move the loupe (by 1 %
// of the image, or one pixel with Shift), Enter or Space picks, Escape leaves.

/** Pixels each side of the center the loupe shows. */
export const LOUPE_RADIUS = 7;

/**
 * @param {HTMLElement} layer  #pick-layer, over the still part of the composite
 * @param {HTMLElement} loupe  #loupe inside it (holds a canvas and a label)
 * @param {object} o
 * @param {(x: number, y: number) => Promise<{width: number, height: number, rgba: Uint8Array}>} o.patch
 *   the pixels around image pixel (x, y), (2 × LOUPE_RADIUS + 1)² of them, transparent outside the image
 * @param {(x: number, y: number) => void} o.onPick  image pixel picked
 * @param {() => void} o.onLeave  the eyedropper was turned off (Escape)
 */
export function createPicker(layer, loupe, { patch, onPick, onLeave }) {
  const canvas = loupe.querySelector('canvas');
  const label = loupe.querySelector('.loupe-label');
  const side = 2 * LOUPE_RADIUS + 1;
  canvas.width = side;
  canvas.height = side;
  const ctx = canvas.getContext('2d');
  /** {width, height} of the image on screen, or null. */
  let image = null;
  let on = false;
  /** Where the loupe is, in image pixels. */
  let at = { x: 0, y: 0 };
  let asking = false;
  let again = false;

  function start(size) {
    image = size;
    on = true;
    layer.hidden = false;
    layer.classList.add('is-on');
    at = { x: Math.floor(size.width / 2), y: Math.floor(size.height / 2) };
    layer.focus({ preventScroll: true });
    place(false);
  }

  function stop() {
    on = false;
    layer.hidden = true;
    layer.classList.remove('is-on');
    loupe.hidden = true;
  }

  /** Image pixel under a pointer event, or null outside the still. */
  function toImage(event) {
    const r = layer.getBoundingClientRect();
    const u = (event.clientX - r.left) / r.width;
    const v = (event.clientY - r.top) / r.height;
    if (!(u >= 0 && u < 1 && v >= 0 && v < 1)) return null;
    return { x: Math.floor(u * image.width), y: Math.floor(v * image.height) };
  }

  /** Moves the loupe to `at` and asks for its pixels (one request at a time; the newest wins). */
  function place(show = true) {
    loupe.hidden = !show && !layer.matches(':focus-visible');
    loupe.style.left = `${(100 * (at.x + 0.5)) / image.width}%`;
    loupe.style.top = `${(100 * (at.y + 0.5)) / image.height}%`;
    // Keep the loupe inside the still: it flips below the point near the top.
    loupe.classList.toggle('below', at.y < image.height * 0.25);
    layer.dataset.x = String(at.x);
    layer.dataset.y = String(at.y);
    if (asking) {
      again = true;
      return;
    }
    asking = true;
    const { x, y } = at;
    patch(x, y)
      .then((p) => {
        ctx.putImageData(new ImageData(new Uint8ClampedArray(p.rgba), p.width, p.height), 0, 0);
        const i = (LOUPE_RADIUS * side + LOUPE_RADIUS) * 4;
        const hex = `#${[0, 1, 2].map((c) => p.rgba[i + c].toString(16).padStart(2, '0')).join('')}`;
        label.textContent = `${hex} at ${x}, ${y}`;
      })
      .catch(() => {})
      .finally(() => {
        asking = false;
        if (again) {
          again = false;
          place(!loupe.hidden);
        }
      });
  }

  layer.addEventListener('pointermove', (event) => {
    if (!on) return;
    const p = toImage(event);
    if (!p) {
      loupe.hidden = true;
      return;
    }
    at = p;
    place(true);
  });
  layer.addEventListener('pointerleave', () => {
    if (on && !layer.matches(':focus-visible')) loupe.hidden = true;
  });
  layer.addEventListener('pointerdown', (event) => {
    if (!on || !event.isPrimary || event.button !== 0) return;
    // A tap: the loupe shows where, the release picks.
    event.preventDefault();
    const p = toImage(event);
    if (p) {
      at = p;
      place(true);
    }
  });
  layer.addEventListener('click', (event) => {
    if (!on) return;
    const p = toImage(event);
    if (p) onPick(p.x, p.y);
  });
  layer.addEventListener('keydown', (event) => {
    if (!on) return;
    const step = event.shiftKey ? 1 : Math.max(1, Math.round(Math.max(image.width, image.height) / 100));
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (moves[event.key]) {
      event.preventDefault();
      const [dx, dy] = moves[event.key];
      at = {
        x: Math.min(image.width - 1, Math.max(0, at.x + dx)),
        y: Math.min(image.height - 1, Math.max(0, at.y + dy)),
      };
      place(true);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onPick(at.x, at.y);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      stop();
      onLeave();
    }
  });
  layer.addEventListener('focus', () => on && place(true));

  return { start, stop, isOn: () => on };
}
