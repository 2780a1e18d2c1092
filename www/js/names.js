// The nearest color name of a swatch, from color-name-list's "best of" list
// (4,961 names, MIT: www/names/LICENSE; made by scripts/color-names.mjs).
//
// The list (131 KB, 51 KB gzipped) is fetched from the page's own origin the
// first time a name is asked for, never before: importing this module loads
// nothing. Each name's color is converted to Oklab once, after loading; the
// nearest name is the one at the least Euclidean distance in Oklab from the
// swatch's exact `oklab`, so a color beyond sRGB (outside the sRGB cube in
// Oklab) gets the name nearest to its own color, not to its gamut-mapped hex.
// A search is a pass over the list: 64 swatches take about a millisecond
// in headless Chromium (median 0.5 to 1.4 ms on a busy 2-core machine,
// tests/e2e/notation.test.mjs prints it); loading, once, 30 to 120 ms, of
// which parsing and converting the list 5 to 30 ms.

/** Where the list is, beside the page's modules (www/names/). */
export const NAMES_URL = new URL('../names/colornames.json', import.meta.url);

let loading = null;

/**
 * The namer, once the list is loaded: fetched on the first call, shared by
 * the calls after it. A failed load rejects with an Error saying why, and
 * the next call tries again.
 * @returns {Promise<Namer>}
 */
export function loadNames() {
  loading ??= fetchNames(NAMES_URL).catch((error) => {
    loading = null;
    throw error;
  });
  return loading;
}

/**
 * The nearest name of the color `oklab` ([L, a, b], L 0..1), loading the
 * list first if needed.
 * @returns {Promise<{name: string, hex: string, deltaE: number}>}
 */
export async function nearestName(oklab) {
  return (await loadNames()).nearest(oklab);
}

async function fetchNames(url) {
  const failed = (why, cause) => new Error(`The color names could not be loaded: ${why}`, cause && { cause });
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw failed(`${url} could not be fetched (${error.message}).`, error);
  }
  if (!response.ok) {
    throw failed(`${url} answered ${response.status}${response.statusText ? ' ' + response.statusText : ''}.`);
  }
  let data;
  try {
    data = await response.json();
  } catch (error) {
    throw failed(`${url} is not JSON (${error.message}).`, error);
  }
  try {
    return createNamer(data);
  } catch (error) {
    throw failed(`${url}: ${error.message}`, error);
  }
}

/**
 * @typedef {object} Namer
 * @property {number} size  how many names
 * @property {string} version  the list's version (color-name-list's)
 * @property {(oklab: number[]) => {name: string, hex: string, deltaE: number}} nearest
 *   the nearest name to `oklab`, its color ("#rrggbb") and its distance
 *   (ΔE_ok: Euclidean in Oklab ×100); of names with the same color, the first
 */

/**
 * A namer for a parsed list file: `{version, colors: [[name, "rrggbb"], …]}`.
 * @returns {Namer}
 */
export function createNamer(data) {
  const colors = data?.colors;
  if (!Array.isArray(colors) || colors.length === 0) throw new Error('it has no list of colors.');
  const names = new Array(colors.length);
  const hexes = new Array(colors.length);
  const lab = new Float64Array(colors.length * 3);
  colors.forEach((entry, i) => {
    const [name, hex] = Array.isArray(entry) ? entry : [];
    if (typeof name !== 'string' || !name || typeof hex !== 'string' || !/^[0-9a-f]{6}$/i.test(hex)) {
      throw new Error(`entry ${i} is not [name, "rrggbb"]: ${JSON.stringify(entry)}.`);
    }
    names[i] = name;
    hexes[i] = '#' + hex.toLowerCase();
    const v = parseInt(hex, 16);
    const [L, a, b] = rgb8ToOklab([v >> 16, (v >> 8) & 255, v & 255]);
    lab[i * 3] = L;
    lab[i * 3 + 1] = a;
    lab[i * 3 + 2] = b;
  });

  function nearest(oklab) {
    const [L, a, b] = oklab ?? [];
    if (!Number.isFinite(L) || !Number.isFinite(a) || !Number.isFinite(b)) {
      throw new TypeError(`a color to name is [L, a, b] in Oklab, got ${JSON.stringify(oklab)}`);
    }
    let best = 0;
    let bestD = Infinity;
    for (let i = 0, o = 0; i < names.length; i++, o += 3) {
      const dL = lab[o] - L;
      const da = lab[o + 1] - a;
      const db = lab[o + 2] - b;
      const d = dL * dL + da * da + db * db;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return { name: names[best], hex: hexes[best], deltaE: Math.sqrt(bestD) * 100 };
  }

  return Object.freeze({ size: names.length, version: String(data.version ?? ''), nearest });
}

/** An 8-bit sRGB color in Oklab (Björn Ottosson's matrices, as src/color.rs). */
export function rgb8ToOklab([r8, g8, b8]) {
  const r = LINEAR[r8];
  const g = LINEAR[g8];
  const b = LINEAR[b8];
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

/** The sRGB transfer function undone, for each 8-bit level. */
const LINEAR = Float64Array.from({ length: 256 }, (_, v) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});
