// In the worker: an image's files for "download all" (www/js/zip.js), loaded
// the first time they are asked for, not with the page.

/**
 * For "download all": image `key`'s composite (a PNG of `type`) and its
 * palette as JSON, made from its still when held (its palette as shown),
 * else from its File, decoded for this and let go again (`settings`, `last`
 * as for open; `frame`: a film's frame, its time in the JSON). Nothing on screen changes. The worker's own functions come
 * with the request (`decoded`, `edit`, `sameColors`, `composite`).
 */
export async function bundle({ key, file, settings, last, type, name, frame }, { stills, decoded, edit, sameColors, composite }) {
  const held = stills.get(key);
  const s = held ? held.still : await decoded(file, settings);
  try {
    if (!held) {
      const p = s.extract(settings);
      if (last && !sameColors(p.colors, last)) edit(s, last, settings);
    }
    const json = s.export('json', frame ? { name, frame } : { name });
    const [png, transfer] = await composite(s, type);
    return [{ png, json }, transfer];
  } finally {
    if (!held) s.free();
  }
}
