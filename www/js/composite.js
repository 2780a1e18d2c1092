// The composite (the still with its strip) on canvas#composite, at the
// image's full resolution; CSS scales it down to fit.

/**
 * Draws a render result from the worker: the whole composite, or only the
 * strip when the canvas already holds this image at this height.
 * @returns {boolean} false when a strip arrived for a canvas that can't take it
 */
export function drawComposite(canvas, r) {
  const ctx = canvas.getContext('2d');
  const pixels = new Uint8ClampedArray(r.rgba);
  if (r.stripOnly) {
    if (canvas.width !== r.width || canvas.height !== r.compositeHeight) return false;
    const band = r.compositeHeight - r.height;
    ctx.putImageData(new ImageData(pixels, r.width, band), 0, r.height);
  } else {
    if (canvas.width !== r.width) canvas.width = r.width;
    if (canvas.height !== r.compositeHeight) canvas.height = r.compositeHeight;
    ctx.putImageData(new ImageData(pixels, r.width, r.compositeHeight), 0, 0);
  }
  canvas.classList.toggle('is-small', r.width < 400);
  canvas.dataset.hexes = r.palette.colors.map((c) => c.hex).join(',');
  return true;
}

/** The canvas as a PNG file at full resolution. */
export function compositePng(canvas) {
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the image could not be encoded as PNG'))), 'image/png'),
  );
}
