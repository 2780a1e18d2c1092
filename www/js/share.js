// The share link: the palette (its colors in their order, and which are
// locked) and the settings it was made with, in the URL's fragment, which
// browsers never send to a server. One line of `key=value` pairs:
//
//   #v=1&colors=10&method=telling&sort=smooth&space=oklab&seed=0&sample=all&alpha=128&region=auto&palette=1b2a3c!,e8c547,…
//
// `!` after a hex marks a locked color. Reading is strict: every value is
// checked against the engine's own tables (`defaults()`) and patterns;
// nothing is evaluated or inserted as HTML. A fragment without `=` (the
// page's own anchors, such as the skip link's `#swatches`) is not a link.

/** The version written; a link with a higher one was made by a newer cinepal. */
export const SHARE_VERSION = 1;

const MAX_COLORS = 64;

/** The fragment (without `#`) for `settings` (the controls') and `colors` ({hex, kept}) in the order shown. */
export function encodeShare(settings, colors) {
  const region = typeof settings.region === 'object' && settings.region !== null
    ? [settings.region.x, settings.region.y, settings.region.width, settings.region.height].join(',')
    : settings.region;
  const pairs = [
    ['v', SHARE_VERSION],
    ['colors', colors.length],
    ['method', settings.method],
    ['sort', settings.sort],
    ['space', settings.space],
    ['seed', settings.seed],
    ['sample', settings.sample],
    ['alpha', settings.alphaThreshold],
    ['region', region],
    ['palette', colors.map((c) => `${c.hex.slice(1)}${c.kept ? '!' : ''}`).join(',')],
  ];
  return pairs.map(([k, v]) => `${k}=${encodeURIComponent(String(v)).replace(/%2C/g, ',')}`).join('&');
}

/**
 * Reads a fragment (with or without `#`). Returns null when it is not a
 * share link, `{error}` (one sentence) when it is one that cannot be used,
 * or `{settings, colors}`: settings over `base` (the controls' current
 * settings) and colors `{hex, kept}` in order.
 *
 * @param {string} fragment
 * @param {object} d  the engine's defaults(): its tables of methods, sorts, spaces, samplings
 * @param {object} base  the settings the link's values replace
 */
export function decodeShare(fragment, d, base) {
  const text = String(fragment || '').replace(/^#/, '');
  if (!text.includes('=')) return null;
  const broken = (why) => ({ error: `This share link cannot be read (${why}); showing the default palette instead.` });
  if (text.length > 4096) return broken('it is too long');
  const values = new Map();
  for (const part of text.split('&')) {
    const at = part.indexOf('=');
    if (at <= 0) return broken('it is not a list of key=value pairs');
    let value;
    try {
      value = decodeURIComponent(part.slice(at + 1));
    } catch {
      return broken('it has a broken character');
    }
    values.set(part.slice(0, at), value);
  }
  const v = values.get('v');
  if (v === undefined) return broken('it has no version');
  if (/^\d+$/.test(v) && Number(v) > SHARE_VERSION) {
    return { error: 'This share link was made by a newer version of cinepal; showing the default palette instead.' };
  }
  if (v !== String(SHARE_VERSION)) return broken(`its version "${clip(v)}" is unknown`);
  // Every name and alias (an older link's `kmeans` is today's `dominant`), spelled as the engine compares them.
  const spell = (s) => s.trim().toLowerCase().replace(/-/g, '_');
  const names = (list) => new Map(list.flatMap((x) => [x.name, ...(x.aliases || [])].map((n) => [spell(n), x.name])));
  const settings = { ...base };
  const pick = (key, known, to = key) => {
    const value = values.get(key);
    if (value === undefined) return true;
    const name = known.get(spell(value));
    if (name === undefined) return false;
    settings[to] = name;
    return true;
  };
  for (const [key, list] of [
    ['method', d.methods],
    ['sort', d.sorts],
    ['space', d.spaces],
    ['sample', d.samples],
  ]) {
    if (!pick(key, names(list))) return broken(`its ${key} "${clip(values.get(key))}" is not one cinepal knows`);
  }
  const seed = values.get('seed');
  if (seed !== undefined) {
    if (!/^\d{1,20}$/.test(seed) || BigInt(seed) > 18446744073709551615n) return broken('its seed is not a number');
    settings.seed = BigInt(seed) <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seed) : seed;
  }
  const alpha = values.get('alpha');
  if (alpha !== undefined) {
    if (!/^\d{1,3}$/.test(alpha) || Number(alpha) > 255) return broken('its alpha threshold is not from 0 to 255');
    settings.alphaThreshold = Number(alpha);
  }
  const region = values.get('region');
  if (region !== undefined) {
    if (region === 'auto' || region === 'full') settings.region = region;
    else if (/^\d{1,6},\d{1,6},\d{1,6},\d{1,6}$/.test(region)) {
      const [x, y, width, height] = region.split(',').map(Number);
      if (width === 0 || height === 0) return broken('its region is empty');
      settings.region = { x, y, width, height };
    } else return broken('its region is not auto, full or x,y,width,height');
  }
  const palette = values.get('palette');
  if (palette === undefined || palette === '') return broken('it has no colors');
  const items = palette.split(',');
  if (items.length > MAX_COLORS) return broken(`it has more than ${MAX_COLORS} colors`);
  const colors = [];
  for (const item of items) {
    const m = /^([0-9a-fA-F]{6})(!?)$/.exec(item);
    if (!m) return broken(`"${clip(item)}" is not a color written rrggbb`);
    const hex = `#${m[1].toLowerCase()}`;
    if (colors.some((c) => c.hex === hex)) return broken(`it lists ${hex} twice`);
    colors.push({ hex, kept: m[2] === '!' });
  }
  const count = values.get('colors');
  if (count !== undefined && count !== String(colors.length)) {
    return broken(`it says ${clip(count)} colors but lists ${colors.length}`);
  }
  settings.colors = colors.length;
  return { settings, colors };
}

/** At most 24 characters of a value from the link, for a message (shown as text, never as HTML). */
function clip(s) {
  const t = String(s);
  return t.length > 24 ? `${t.slice(0, 24)}…` : t;
}
