// "Download all": one ZIP with each image's composite (its PNG download,
// named after the image) and palettes.json (every image's palette, as its
// JSON download, with its file name; an image that failed with its error).
// Loaded the first time it is used, with client-zip (vendored, MIT).
//
// Streamed: the PNGs are made one at a time, in the worker, as the ZIP
// stream asks for them (an async generator feeding client-zip's makeZip),
// so only one is in this thread at a time. The stream goes straight to a
// file where the File System Access API lets it (showSaveFilePicker, during
// the click's user activation); elsewhere into a Blob (Chromium keeps large
// blobs on disk, not in memory), saved as a download.

import { makeZip } from '../vendor/client-zip/index.js';
import { baseName, saveBlob } from './downloads.js';

export const ZIP_NAME = 'cinepal-palettes.zip';

/** `stem + suffix` made unique among `taken` (in lower case): `still-palette.png`, `still-2-palette.png`… */
function unique(stem, suffix, taken) {
  let name = `${stem}${suffix}`;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${stem}-${i}${suffix}`;
  taken.add(name.toLowerCase());
  return name;
}

/**
 * Makes and saves the ZIP of `items` (the queue's, in order). `host.bundle(item)`
 * gives an image's `{png, json}`; `host.status` says how far it got.
 */
export async function downloadAll(items, host) {
  const { status } = host;
  const n = items.length;
  let target = null;
  if (typeof self.showSaveFilePicker === 'function' && navigator.userActivation?.isActive) {
    try {
      target = await self.showSaveFilePicker({
        suggestedName: ZIP_NAME,
        types: [{ description: 'ZIP archive', accept: { 'application/zip': ['.zip'] } }],
      });
    } catch (e) {
      // Cancelled: nothing to do. Refused (no user activation left, a sandbox): a download instead.
      if (e.name === 'AbortError') return;
    }
  }
  const palettes = [];
  const skipped = [];
  const taken = new Set(['palettes.json']);
  async function* files() {
    for (const [i, item] of items.entries()) {
      status.line(`Zipping ${i + 1} of ${n}…`);
      if (item.state === 'failed') {
        palettes.push({ file: item.name, error: item.error });
        skipped.push(item.name);
        continue;
      }
      let made = null;
      for (let attempt = 0; !made; attempt++) {
        try {
          made = await host.bundle(item);
        } catch (e) {
          // The engine was restarted under it (another image opened meanwhile): once more.
          if ((e.name === 'cancelled' || e.name === 'crash') && attempt === 0) continue;
          palettes.push({ file: item.name, error: e.message });
          skipped.push(item.name);
          break;
        }
      }
      if (!made) continue;
      palettes.push({ file: item.name, ...JSON.parse(made.json) });
      yield { name: unique(baseName(item.name), '-palette.png', taken), input: made.png };
    }
    yield { name: 'palettes.json', input: `${JSON.stringify(palettes, null, 2)}\n` };
  }
  const stream = makeZip(files());
  try {
    if (target) {
      await stream.pipeTo(await target.createWritable());
    } else {
      const blob = await new Response(stream, { headers: { 'Content-Type': 'application/zip' } }).blob();
      saveBlob(blob, ZIP_NAME);
    }
  } catch (e) {
    status.error(`The ZIP could not be made: ${e.message}.`);
    return;
  }
  const made = n - skipped.length;
  status.line(`Saved ${ZIP_NAME}: ${made} ${made === 1 ? 'composite' : 'composites'} and palettes.json`);
  if (skipped.length) {
    status.error(`Left out of the ZIP (listed in palettes.json with the reason): ${skipped.map((s) => `“${s}”`).join(', ')}.`);
  } else {
    status.announce(`Saved ${ZIP_NAME}`);
  }
}
