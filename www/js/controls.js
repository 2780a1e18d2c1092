// The palette settings: built from the engine's defaults() (the page never
// repeats them), read as one settings object, and reported on every change.

const MANUAL = 'manual';

/**
 * @param {object} d  the engine's defaults()
 * @param {(what: string) => void} onChange  called with 'count', 'method', 'sort', 'space' or 'seed'
 */
export function createControls(d, onChange) {
  const $ = (id) => document.getElementById(id);
  const count = $('count');
  const range = $('count-range');
  const method = $('method');
  const sort = $('sort');
  const space = $('space');
  const seedButton = $('new-palette');
  const seedHint = $('seed-hint');

  const state = { count: d.colors, method: d.method, sort: d.sort, space: d.space, seed: String(d.seed) };

  for (const input of [count, range]) {
    input.min = '1';
    input.max = String(d.maxColors);
    input.value = String(d.colors);
  }
  fill(method, d.methods, d.method);
  fill(sort, d.sorts, d.sort);
  const manual = new Option('manual (your order)', MANUAL);
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
    if (!Number.isFinite(n) || n < 1 || n > d.maxColors) return false;
    if (from !== count) count.value = String(n);
    if (from !== range) range.value = String(n);
    if (n === state.count) return false;
    state.count = n;
    return true;
  };
  range.addEventListener('input', () => setCount(range.value, range) && onChange('count'));
  count.addEventListener('input', () => setCount(count.value, count) && onChange('count'));
  count.addEventListener('change', () => {
    // Out-of-range typing snaps back to the nearest allowed value.
    const n = Math.min(d.maxColors, Math.max(1, Math.round(Number(count.value)) || state.count));
    count.value = String(n);
    if (setCount(n, count)) onChange('count');
  });

  for (const [name, select] of [['method', method], ['sort', sort], ['space', space]]) {
    select.addEventListener('change', () => {
      if (select.value === MANUAL) return;
      state[name] = select.value;
      showHint(name);
      if (name === 'sort') setManual(false);
      onChange(name);
    });
  }

  seedButton.addEventListener('click', () => {
    state.seed = freshSeed();
    seedHint.textContent = `Seed ${state.seed}. Press again for another.`;
    onChange('seed');
  });

  document.getElementById('controls').addEventListener('submit', (event) => event.preventDefault());

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
  }

  return {
    settings: () => ({ ...state }),
    setManual,
    setMethod,
  };
}

function fill(select, list, chosen) {
  select.replaceChildren(...list.map(({ name }) => new Option(label(name), name, false, name === chosen)));
}

/** `along_color` → `along color`. */
function label(name) {
  return name.replace(/_/g, ' ');
}

/** A random 64-bit seed as a string of digits (the engine accepts either). */
function freshSeed() {
  const [hi, lo] = crypto.getRandomValues(new Uint32Array(2));
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}
