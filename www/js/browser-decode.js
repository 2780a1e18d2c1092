// In the worker: a file the engine does not read itself, decoded by the
// browser (loaded the first time such a file comes, not with the page).

import { Still } from '../pkg/cinepal.js';

/**
 * A file the engine does not read (AVIF; HEIC or JPEG XL where the browser
 * shows them) decoded by the browser, color-managed to sRGB as it shows it;
 * `refusal` (the engine's error) stands when the browser cannot read it either.
 */
export async function decodedByBrowser(bytes, type, settings, refusal) {
  if (typeof createImageBitmap !== 'function' || typeof OffscreenCanvas !== 'function') throw refusal;
  // "AVIF images are not supported…", or a JPEG coding the engine does not decode ("this JPEG uses arithmetic coding…").
  const coding = /^this (\S+) uses /.exec(refusal.message)?.[1];
  const format = /^(.+?) images are not supported/.exec(refusal.message)?.[1] || (coding ? `such ${coding}` : 'these');
  let bitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes], { type }), {
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'default',
    });
  } catch {
    const e = new Error(`${refusal.message}; this browser cannot read the file either`);
    e.name = 'unsupported';
    throw e;
  }
  try {
    const { width, height } = bitmap;
    if (width * height > settings.maxPixels) {
      // Refused before its pixels are copied out (the engine's own words for the limit).
      return Still.fromPixels(width, height, new Uint8Array(0), format, { maxPixels: settings.maxPixels });
    }
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, width, height);
    return Still.fromPixels(width, height, data, format, { maxPixels: settings.maxPixels });
  } finally {
    bitmap.close();
  }
}
