// The palette settings: built from the engine's defaults() (the page never
// repeats them), read as one settings object whose keys are the engine's
// option keys, and reported on every change.
//
// The region is `"auto"` (the checkbox checked), `"full"` (unchecked), or a
// rectangle chosen by hand on the still (unchecked, with "Reset region").

const MANUAL = 'manual';

const SEED_HINT = 'Another palette of the same image, from a fresh start.';

/**
 * @param {object} d  the engine's defaults()
 * @param {object} o
 * @param {(what: string) => void} o.onChange  called with 'colors', 'method', 'sort', 'space', 'seed' or 'region'
 * @param {() => Promise<number|string>} o.newSeed  a fresh seed from the engine
 */
export function createControls(d, { onChange, newSeed }) {
  const $ = (id) => document.getElementById(id);
  const count = $('count');
  const range = $('count-range');
  const method = $('method');
  const sort = $('sort');
  const space = $('space');
  const seedButton = $('new-palette');
  const seedHint = $('seed-hint');
  const regionAuto = $('region-auto');
  const regionFound = $('region-found');
  const regionReset = $('region-reset');

  // Every option of the engine (defaults().options: its keys are the only ones it takes);
  // the controls set colors, method, sort, space, seed and region, the others keep their defaults.
  const state = { ...d.options };

  for (const input of [count, range]) {
    input.min = String(d.minColors);
    input.max = String(d.maxColors);
    input.value = String(d.colors);
  }
  fill(method, d.methods, d.method);
  fill(sort, d.sorts, d.sort);
  const manual = new Option('Your order', MANUAL);
  manual.disabled = true;
  manual.hidden = true;
  sort.add(manual);
  fill(space, d.spaces, d.space);

  const hints = {
    method: [method, $('method-hint'), d.methods],
    sort: [sort, $('sort-hint'), d.sorts],
    space: [space, $('space-hint'), d.spaces],
  };
  const showHint = (which) => {
    const [select, out, list] = hints[which];
    const item = list.find((x) => x.name === select.value);
    out.textContent = item ? item.hint : select.value === MANUAL ? 'your own order; Reset order returns to the chosen one' : '';
  };
  Object.keys(hints).forEach(showHint);

  const setCount = (value, from) => {
    const n = Math.round(Number(value));
    if (!Number.isFinite(n) || n < d.minColors || n > d.maxColors) return false;
    if (from !== count) count.value = String(n);
    if (from !== range) range.value = String(n);
    if (n === state.colors) return false;
    state.colors = n;
    return true;
  };
  range.addEventListener('input', () => setCount(range.value, range) && onChange('colors'));
  count.addEventListener('input', () => setCount(count.value, count) && onChange('colors'));
  count.addEventListener('change', () => {
    // Out-of-range typing snaps back to the nearest allowed value.
    const n = Math.min(d.maxColors, Math.max(d.minColors, Math.round(Number(count.value)) || state.colors));
    count.value = String(n);
    if (setCount(n, count)) onChange('colors');
  });

  for (const [name, select] of [['method', method], ['sort', sort], ['space', space]]) {
    select.addEventListener('change', () => {
      if (select.value === MANUAL) return;
      state[name] = select.value;
      showHint(name);
      if (name === 'sort') setManual(false);
      if (name === 'method') showSeed();
      onChange(name);
    });
  }

  /** The seed button and its hint: only a seeded method can use a new seed. */
  const seededNames = new Intl.ListFormat('en', { type: 'conjunction' }).format(
    d.methods.filter((x) => x.seeded).map((x) => x.label),
  );
  const labelOf = (name) => (d.methods.find((x) => x.name === name) || { label: name }).label;
  function showSeed() {
    const m = d.methods.find((x) => x.name === state.method);
    const seeded = !m || m.seeded;
    seedButton.disabled = !seeded;
    const seed = String(state.seed);
    seedHint.dataset.seed = seed;
    // The seed itself only under "Advanced" (and in the palette's files).
    $('seed-value').textContent = seed;
    if (!seeded) {
      seedHint.textContent = `${seededNames} only: ${labelOf(state.method)} always gives the same palette.`;
    } else if (state.seed === d.seed) {
      seedHint.textContent = SEED_HINT;
    } else {
      seedHint.textContent = 'A fresh start. Press again for another.';
    }
  }
  showSeed();

  let asking = false;
  seedButton.addEventListener('click', async () => {
    if (asking) return;
    asking = true;
    try {
      state.seed = await newSeed();
    } catch {
      // The engine says why elsewhere (it stopped); the seed stays.
      return;
    } finally {
      asking = false;
    }
    showSeed();
    onChange('seed');
  });

  regionAuto.checked = state.region === 'auto';
  regionAuto.addEventListener('change', () => {
    setRegion(regionAuto.checked ? 'auto' : 'full');
    onChange('region');
  });
  regionReset.addEventListener('click', () => {
    setRegion('auto');
    // The button goes away: the focus moves to the checkbox beside it, not to the page's start.
    regionAuto.focus();
    onChange('region');
  });

  $('controls').addEventListener('submit', (event) => event.preventDefault());

  /** Sets the region: `"auto"`, `"full"` or `{x, y, width, height}` (chosen by hand); no onChange. */
  function setRegion(region) {
    state.region = region;
    const byHand = isRect(region);
    regionAuto.checked = region === 'auto';
    regionReset.hidden = !byHand;
    // What the bars found are is known once the palette is; the other two are said at once.
    if (region !== 'auto') regionFound.textContent = describeRegion(null, region);
  }

  /** Says what palette `p` counted (its region, in a sentence) under the checkbox. */
  function showRegion(p, region) {
    regionFound.textContent = describeRegion(p, region);
  }

  /** Shows "manual" in the order control while the user's own order is in use. */
  function setManual(on) {
    manual.hidden = !on;
    manual.disabled = !on;
    sort.value = on ? MANUAL : state.sort;
    showHint('sort');
  }

  /** Sets the method (for the compare view) as if chosen. */
  function setMethod(name) {
    method.value = name;
    state.method = name;
    showHint('method');
    showSeed();
  }

  /**
   * Shows `settings` (as settings() gives them: from the history or a share
   * link) in every control, without onChange; `manual`: the order shown is the person's own.
   */
  function apply(settings, manual = false) {
    Object.assign(state, settings);
    setCount(settings.colors, null);
    state.colors = settings.colors;
    method.value = state.method;
    space.value = state.space;
    setManual(manual);
    for (const name of Object.keys(hints)) showHint(name);
    showSeed();
    setRegion(state.region);
  }

  /** Sets the number of colors (the palette has this many now, by hand), without onChange. */
  function setColors(n) {
    setCount(n, null);
    state.colors = n;
  }

  return {
    /** The options for the engine: exactly the keys of defaults()'s options. */
    settings: () => ({ ...state }),
    apply,
    setColors,
    setManual,
    setMethod,
    setRegion,
    showRegion,
  };
}

/** Whether a region setting is a rectangle chosen by hand (not `"auto"` or `"full"`). */
export function isRect(region) {
  return typeof region === 'object' && region !== null;
}

/**
 * What palette `p` counted, for the region setting it was made with:
 * "Found bars: 45 px above and below.", "No bars found.", "Your region: …"
 * (`p` is needed for `"auto"` only).
 */
export function describeRegion(p, region) {
  if (isRect(region)) return `Your region: ${region.width}×${region.height} at ${region.x},${region.y}.`;
  if (region !== 'auto') return 'Every pixel counts, bars and borders too.';
  const r = p.region;
  const [above, below, left, right] = [r.y, p.height - r.y - r.height, r.x, p.width - r.x - r.width];
  if (above + below + left + right === 0) return 'No bars found.';
  if (left + right === 0 && above === below) return `Found bars: ${above} px above and below.`;
  if (above + below === 0 && left === right) return `Found bars: ${left} px left and right.`;
  const sides = [
    [above, 'above'],
    [below, 'below'],
    [left, 'on the left'],
    [right, 'on the right'],
  ].filter(([n]) => n > 0);
  return `Found borders: ${sides.map(([n, side]) => `${n} px ${side}`).join(', ')}.`;
}

/** The options of `select`: each choice's label (its words for people), its name as the value. */
function fill(select, list, chosen) {
  select.replaceChildren(...list.map(({ name, label }) => new Option(label, name, false, name === chosen)));
}
