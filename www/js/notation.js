// The notations a swatch's value is shown and copied in, as CSS text:
//
//   hex    #1b2a3c
//   rgb    rgb(27 42 60)              the 8-bit color
//   hsl    hsl(213 38% 17.3%)         the 8-bit color; see hslText for the precision
//   oklch  oklch(27.05% 0.0512 281.3) the engine's exact color
//
// hex, rgb and hsl write the swatch's 8-bit color (`rgb`, `hex`): for a color
// beyond sRGB (`mapped`) that is its gamut-mapped stand-in. oklch writes the
// exact `oklch`, so such a color keeps its own value: L as a percentage with
// 2 decimals, C with 4, h in degrees with 1 (each at most 0.0001 in Oklab
// from the exact value, ΔE_ok 0.01); trailing zeros are dropped. When C
// prints as 0 the hue is written 0 (CSS Color 4: it is powerless then; 0
// rather than `none`, which fewer readers of a pasted value accept).

/** The notations, in the order a menu shows them. */
export const NOTATIONS = Object.freeze([
  Object.freeze({ name: 'hex', label: 'Hex' }),
  Object.freeze({ name: 'rgb', label: 'RGB' }),
  Object.freeze({ name: 'hsl', label: 'HSL' }),
  Object.freeze({ name: 'oklch', label: 'OKLCH' }),
]);

const WRITERS = {
  hex: (c) => hexOf(rgbOf(c)),
  rgb: (c) => `rgb(${rgbOf(c).join(' ')})`,
  hsl: (c) => hslText(rgbOf(c)),
  oklch: (c) => oklchText(c),
};

/**
 * A swatch's color as CSS text in `notation` (one of NOTATIONS' names).
 * `color` is an engine color: {hex, rgb, oklch, …}.
 */
export function formatColor(color, notation) {
  const write = Object.hasOwn(WRITERS, notation) ? WRITERS[notation] : null;
  if (!write) {
    throw new RangeError(`unknown notation ${JSON.stringify(notation)}; allowed: ${NOTATIONS.map((n) => n.name).join(', ')}`);
  }
  return write(color);
}

/**
 * The "copy all" text: one line a swatch in the order given, its value in
 * `notation`, then two spaces and its name when `names[i]` is a non-empty
 * string; every line ends with a newline. No value contains two spaces in a
 * row, so the first double space separates the value from the name.
 */
export function paletteText(colors, notation, names = []) {
  return colors
    .map((c, i) => {
      const value = formatColor(c, notation);
      const name = typeof names?.[i] === 'string' ? names[i].trim() : '';
      return (name ? `${value}  ${name}` : value) + '\n';
    })
    .join('');
}

function rgbOf(c) {
  if (Array.isArray(c.rgb) && c.rgb.length === 3) return c.rgb;
  if (typeof c.hex === 'string' && /^#[0-9a-f]{6}$/i.test(c.hex)) {
    return [1, 3, 5].map((i) => parseInt(c.hex.slice(i, i + 2), 16));
  }
  throw new TypeError('a color needs its 8-bit `rgb` or its `hex`');
}

function hexOf(rgb) {
  return '#' + rgb.map((v) => v.toString(16).padStart(2, '0')).join('');
}

/** `x` with at most `decimals` decimals, trailing zeros (and a minus on zero) dropped. */
function num(x, decimals) {
  let s = x.toFixed(decimals);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

// ---- hsl ----

// How far (in 8-bit levels) the value a reader computes may lie from the
// color's level: under half a level, so that rounding gives the color back,
// with room for a reader's float32 arithmetic or another formula.
const HSL_MARGIN = 0.45;

// Decimals of (h, s, l) to try, fewest first: every component whole where
// possible, else one decimal where it is needed (hue whole by preference),
// two only if one is not enough. Checked on all 16,777,216 8-bit colors
// (and read back by CSS 3's other hsl formula): whole numbers give 8.4 % of
// them back within the margin, one decimal where needed all but 30, which
// need two decimals on the lightness. (One decimal on every component gives
// every color back within half a level, but not within HSL_MARGIN.)
const HSL_PRECISIONS = (() => {
  const all = [];
  for (let h = 0; h <= 2; h++) for (let s = 0; s <= 2; s++) for (let l = 0; l <= 2; l++) all.push([h, s, l]);
  const key = (p) => [Math.max(...p), p[0] + p[1] + p[2], ...p];
  return all.sort((p, q) => {
    const [a, b] = [key(p), key(q)];
    const i = a.findIndex((v, j) => v !== b[j]);
    return i < 0 ? 0 : a[i] - b[i];
  });
})();

/**
 * `hsl(h s% l%)` for an 8-bit color, with the fewest decimals (0, 1, or
 * rarely 2, per component) whose value, converted back by CSS Color 4's
 * hsl-to-rgb, lies within HSL_MARGIN of each of the color's levels. A grey
 * has hue 0 and saturation 0.
 */
export function hslText(rgb) {
  const [h, s, l] = rgbToHsl(rgb);
  for (const [dh, ds, dl] of HSL_PRECISIONS) {
    let hue = roundTo(h, dh);
    if (hue >= 360) hue -= 360;
    const sat = roundTo(s, ds);
    const light = roundTo(l, dl);
    const back = hslToRgb(hue, sat, light);
    if (back.every((v, i) => Math.abs(v * 255 - rgb[i]) < HSL_MARGIN)) {
      return `hsl(${num(hue, dh)} ${num(sat, ds)}% ${num(light, dl)}%)`;
    }
  }
  // Not reached for an 8-bit color (checked for all of them); the closest text.
  return `hsl(${num(h % 360, 2)} ${num(s, 2)}% ${num(l, 2)}%)`;
}

const roundTo = (x, d) => Math.round(x * 10 ** d) / 10 ** d;

/** 8-bit [r, g, b] → [h in degrees 0..360, s %, l %], CSS Color 4's rgbToHsl. */
function rgbToHsl(rgb) {
  const [r, g, b] = rgb.map((v) => v / 255);
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  const l = (max + min) / 2;
  let h = 0;
  let s = 0;
  if (d > 0) {
    s = l === 0 || l === 1 ? 0 : (max - l) / Math.min(l, 1 - l);
    if (max === r) h = (g - b) / d + (g < b ? 6 : 0);
    else if (max === g) h = (b - r) / d + 2;
    else h = (r - g) / d + 4;
    h *= 60;
  }
  return [h, s * 100, l * 100];
}

/** CSS Color 4's hslToRgb: h in degrees, s and l in %, → sRGB 0..1. */
function hslToRgb(h, s, l) {
  s /= 100;
  l /= 100;
  const a = s * Math.min(l, 1 - l);
  const f = (n) => {
    const k = (n + h / 30) % 12;
    return l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
  };
  return [f(0), f(8), f(4)];
}

// ---- oklch ----

function oklchText(c) {
  if (!Array.isArray(c.oklch) || c.oklch.length !== 3 || !c.oklch.every(Number.isFinite)) {
    throw new TypeError('a color needs its exact `oklch` [L, C, h]');
  }
  const [L, C, h] = c.oklch;
  const chroma = num(Math.max(0, C), 4);
  let hue = chroma === '0' ? '0' : num(((h % 360) + 360) % 360, 1);
  if (hue === '360') hue = '0';
  return `oklch(${num(L * 100, 2)}% ${chroma} ${hue})`;
}
