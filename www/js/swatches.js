// The list of swatches: hex, share, click to copy, and reordering by pointer
// (mouse, touch, pen) or keyboard. A new order is reported as indices into
// the colors as they were shown before it (`[2, 0, 1]`: the third moved to
// the front), as the engine's still.reorder takes it; the list then counts
// from its new order.

import { copyText } from './clipboard.js';

const DRAG_THRESHOLD = 5; // px a pointer must travel before a press becomes a drag
// A finger elsewhere than on the chip scrolls; held this long without moving, it drags instead.
const LONG_PRESS_MS = 450;
const GAP = 8; // px between swatches (style.css: .swatches gap)
// A screen that shows Display P3: swatches beyond sRGB are drawn in their own color there.
const wideScreen = globalThis.matchMedia?.('(color-gamut: p3)') ?? { matches: false };

/**
 * @param {HTMLOListElement} list
 * @param {object} o
 * @param {(keys: number[]) => void} o.onReorder
 * @param {(message: string) => void} o.announce  for screen readers (aria-live)
 * @param {(action: 'lock'|'remove'|'pick', index: number) => void} o.onAction  a swatch's own button, by position shown
 */
export function createSwatchList(list, { onReorder, announce, onAction = () => {} }) {
  let notation = 'hex';
  // notation.js's formatColor, once another notation than hex is chosen.
  let format = (c) => c.hex;
  let names = null; // the colors' names, in the order shown, once known
  let shown = [];
  let focusPos = 0; // position of the swatch that is in the tab order
  let grabbed = null; // keyboard grab: {li, from: order before the grab}
  let drag = null; // pointer drag state
  let suppressClick = false;

  const items = () => [...list.children];

  /** The columns: as many swatches a row as fit, the rows as even as they can be (10: one row, or 5 + 5; never 8 + 2). */
  function fit() {
    const n = list.children.length;
    if (!n || !list.clientWidth) return;
    const min = parseFloat(getComputedStyle(list).getPropertyValue('--card-min')) * 16 || 70;
    const perRow = Math.max(1, Math.floor((list.clientWidth + GAP) / (min + GAP)));
    const rows = Math.ceil(n / perRow);
    list.style.setProperty('--cols', String(Math.ceil(n / rows)));
  }
  if (globalThis.ResizeObserver) new ResizeObserver(fit).observe(list);
  const orderNow = () => items().map((li) => Number(li.dataset.key));

  /** Shows `colors` ({hex, share}) in this order. */
  function show(colors) {
    const hadFocus = list.contains(document.activeElement);
    grabbed = null;
    drag = null;
    shown = colors;
    names = null;
    list.replaceChildren(...colors.map((c, i) => item(c, i, colors.length)));
    fit();
    focusPos = Math.min(focusPos, colors.length - 1);
    setTabStop(focusPos, hadFocus);
  }

  /** Whether the list shows exactly `colors`, in this order (as after the person's own move). */
  function shows(colors) {
    const all = items();
    return (
      all.length === colors.length &&
      colors.every(
        (c, i) =>
          all[i].dataset.hex === c.hex &&
          all[i].dataset.share === String(c.share) &&
          (all[i].dataset.kept === 'true') === Boolean(c.kept),
      )
    );
  }

  function item(c, i, n) {
    const li = document.createElement('li');
    li.className = 'swatch';
    li.dataset.hex = c.hex;
    li.dataset.share = String(c.share);
    // Its position when last shown or reordered.
    li.dataset.key = String(i);
    li.dataset.kept = String(Boolean(c.kept));
    li.classList.toggle('is-kept', Boolean(c.kept));
    li.tabIndex = -1;
    const chip = document.createElement('span');
    chip.className = 'chip';
    chip.style.backgroundColor = c.hex;
    const hex = document.createElement('code');
    hex.className = 'hex';
    hex.textContent = format(c, notation);
    hex.dataset.value = c.hex;
    const share = document.createElement('span');
    share.className = 'share';
    share.textContent = c.share == null ? '' : percent(c.share);
    const badge = document.createElement('span');
    badge.className = 'copied-badge';
    badge.textContent = 'copied';
    badge.setAttribute('aria-hidden', 'true');
    chip.append(badge);
    const name = document.createElement('span');
    name.className = 'name';
    const tools = document.createElement('span');
    tools.className = 'tools';
    tools.append(
      tool('lock', c.kept ? `Unlock ${c.hex}` : `Lock ${c.hex}`, c.kept),
      tool('pick', `Pick ${c.hex} again from the image`),
      tool('remove', `Remove ${c.hex}`),
    );
    li.append(chip, hex, share, name, tools);
    if (c.mapped && c.oklch) {
      // A color beyond sRGB: its hex is the gamut-mapped stand-in; a wide-gamut screen shows the color itself.
      const [L, C, h] = c.oklch;
      const exact = `oklch(${(L * 100).toFixed(2)}% ${C.toFixed(4)} ${h.toFixed(2)})`;
      li.dataset.mapped = 'true';
      li.dataset.oklch = exact;
      if (wideScreen.matches) chip.style.backgroundColor = exact;
      const mark = document.createElement('span');
      mark.className = 'beyond';
      mark.textContent = 'beyond sRGB';
      mark.title = `${exact}: beyond sRGB; ${c.hex} is its nearest sRGB color`;
      li.append(mark);
    }
    label(li, i, n);
    return li;
  }

  function label(li, i, n) {
    const hex = li.dataset.hex;
    const share = li.querySelector('.share').textContent;
    const beyond = li.dataset.mapped ? ' (beyond sRGB; the hex is its nearest sRGB color)' : '';
    const name = li.querySelector('.name').textContent;
    const kept = li.dataset.kept === 'true' ? ', locked' : '';
    const of = share ? `, ${share} of the image` : '';
    li.setAttribute('aria-label', `${hex}${name ? ` ${name}` : ''}${beyond}${of}${kept}, color ${i + 1} of ${n}`);
  }

  /** A swatch's own button: `action` is its data-action. */
  function tool(action, text, pressed) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = `tool tool-${action}`;
    b.dataset.action = action;
    b.tabIndex = -1;
    b.setAttribute('aria-label', text);
    b.title = text;
    if (pressed !== undefined) b.setAttribute('aria-pressed', String(Boolean(pressed)));
    b.append(icon(action, pressed));
    return b;
  }

  /** Shows every value in `n`, a notation of notation.js, written by its `formatColor`. */
  function setNotation(n, formatColor) {
    notation = n;
    format = formatColor;
    items().forEach((li, i) => {
      const c = shown.find((x) => x.hex === li.dataset.hex) || shown[i];
      if (c) li.querySelector('.hex').textContent = format(c, notation);
    });
  }

  /** Shows each color's name (`byHex`: a Map from hex to name). */
  function setNames(byHex) {
    names = byHex;
    for (const li of items()) li.querySelector('.name').textContent = byHex.get(li.dataset.hex) || '';
    relabel();
  }

  function relabel() {
    const all = items();
    all.forEach((li, i) => label(li, i, all.length));
  }

  function setTabStop(pos, focus) {
    const all = items();
    if (!all.length) return;
    focusPos = Math.max(0, Math.min(pos, all.length - 1));
    all.forEach((li, i) => {
      li.tabIndex = i === focusPos ? 0 : -1;
      // The buttons of the swatch in the tab order are in it too.
      for (const b of li.querySelectorAll('button')) b.tabIndex = i === focusPos ? 0 : -1;
    });
    if (focus) all[focusPos].focus();
  }

  function commit(from) {
    const order = orderNow();
    relabel();
    if (order.every((p, i) => p === from[i])) return;
    // The next move counts from this order.
    items().forEach((li, i) => (li.dataset.key = String(i)));
    onReorder(order);
  }

  // ---- copy ----
  async function copy(li) {
    const hex = li.dataset.hex;
    const how = await copyText(hex, li.querySelector('.hex'));
    li.classList.remove('copied');
    // Restart the feedback animation.
    void li.offsetWidth;
    li.classList.add('copied');
    li.querySelector('.copied-badge').textContent = how === 'selected' ? 'press Ctrl+C' : 'copied';
    announce(how === 'selected' ? `${hex} is selected: press Ctrl+C to copy it` : `Copied ${hex}`);
    clearTimeout(li.copiedTimer);
    li.copiedTimer = setTimeout(() => li.classList.remove('copied'), 1400);
  }

  list.addEventListener('click', (event) => {
    const li = event.target.closest('.swatch');
    if (!li) return;
    const button = event.target.closest('button[data-action]');
    if (button) {
      onAction(button.dataset.action, items().indexOf(li));
      return;
    }
    if (suppressClick) {
      suppressClick = false;
      return;
    }
    setTabStop(items().indexOf(li), true);
    copy(li);
  });

  // ---- keyboard ----
  list.addEventListener('focusin', (event) => {
    const li = event.target.closest('.swatch');
    if (li) setTabStop(items().indexOf(li), false);
  });
  list.addEventListener('focusout', (event) => {
    if (grabbed && !list.contains(event.relatedTarget)) drop(false);
  });

  list.addEventListener('keydown', (event) => {
    const li = event.target.closest('.swatch');
    // A swatch's button does what buttons do (Enter and Space press it).
    if (!li || event.target.closest('button')) return;
    const all = items();
    const pos = all.indexOf(li);
    const step = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1 }[event.key];
    const move = step !== undefined && (grabbed || event.altKey || event.shiftKey);
    if (move) {
      event.preventDefault();
      const to = pos + step;
      if (to < 0 || to >= all.length) return;
      const from = orderNow();
      // Move the neighbour, not the focused swatch, so focus stays put.
      const neighbour = all[to];
      list.insertBefore(neighbour, step > 0 ? li : li.nextElementSibling);
      setTabStop(to, true);
      if (grabbed) {
        announce(`${li.dataset.hex}: position ${to + 1} of ${all.length}`);
      } else {
        commit(from);
        announce(`Moved ${li.dataset.hex} to position ${to + 1} of ${all.length}`);
      }
    } else if (step !== undefined || event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      const to = event.key === 'Home' ? 0 : event.key === 'End' ? all.length - 1 : pos + step;
      setTabStop(to, true);
    } else if (event.key === ' ' || event.key === 'Spacebar') {
      event.preventDefault();
      if (grabbed) drop(true);
      else grab(li);
    } else if (event.key === 'Escape' && grabbed) {
      event.preventDefault();
      drop(false);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (grabbed) drop(true);
      else copy(li);
    }
  });

  function grab(li) {
    grabbed = { li, from: orderNow() };
    li.classList.add('grabbed');
    const all = items();
    announce(
      `Grabbed ${li.dataset.hex}, position ${all.indexOf(li) + 1} of ${all.length}. ` +
        'Arrow keys move it, Space drops it, Escape cancels.',
    );
  }

  function drop(keep) {
    const { li, from } = grabbed;
    grabbed = null;
    li.classList.remove('grabbed');
    if (!keep) {
      // Put everything back where it was.
      const byKey = new Map(items().map((x) => [Number(x.dataset.key), x]));
      list.replaceChildren(...from.map((k) => byKey.get(k)));
      relabel();
      setTabStop(items().indexOf(li), list.contains(document.activeElement));
      announce(`Move cancelled; ${li.dataset.hex} is back at position ${items().indexOf(li) + 1}`);
      return;
    }
    const at = items().indexOf(li) + 1;
    commit(from);
    announce(`Dropped ${li.dataset.hex} at position ${at} of ${items().length}`);
  }

  function moveTo(li, to) {
    const others = items().filter((x) => x !== li);
    list.insertBefore(li, others[to] || null);
  }

  // ---- pointer (mouse, touch, pen) ----
  list.addEventListener('pointerdown', (event) => {
    const li = event.target.closest('.swatch');
    if (!li || !event.isPrimary || event.button !== 0 || grabbed || event.target.closest('button')) return;
    // A finger on the chip (touch-action: none) drags at once; elsewhere it scrolls, unless held still.
    const held = event.pointerType === 'touch' && !event.target.closest('.chip');
    drag = { li, id: event.pointerId, x: event.clientX, y: event.clientY, active: false, from: orderNow(), held };
    if (held) {
      const mine = drag;
      mine.timer = setTimeout(() => drag === mine && !mine.active && start(), LONG_PRESS_MS);
    } else {
      li.setPointerCapture(event.pointerId);
    }
  });

  /** The press becomes a drag. */
  function start() {
    const { li } = drag;
    drag.active = true;
    const r = li.getBoundingClientRect();
    drag.grabX = drag.x - r.left;
    drag.grabY = drag.y - r.top;
    li.classList.add('dragging');
    list.classList.add('is-dragging');
    if (drag.held) {
      li.setPointerCapture(drag.id);
      announce(`Dragging ${li.dataset.hex}`);
    }
  }

  // Once a long press has become a drag, the finger moves the swatch, not the page.
  list.addEventListener('touchmove', (event) => drag && drag.active && event.cancelable && event.preventDefault(), {
    passive: false,
  });
  list.addEventListener('contextmenu', (event) => drag && event.preventDefault());

  list.addEventListener('pointermove', (event) => {
    if (!drag || event.pointerId !== drag.id) return;
    const { li } = drag;
    if (!drag.active) {
      if (Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < DRAG_THRESHOLD) return;
      if (drag.held) {
        // The finger moved before the long press: a scroll, not a drag.
        clearTimeout(drag.timer);
        drag = null;
        return;
      }
      start();
    }
    event.preventDefault();
    const over = items().find((x) => {
      if (x === li) return false;
      const r = x.getBoundingClientRect();
      return event.clientX >= r.left && event.clientX < r.right && event.clientY >= r.top && event.clientY < r.bottom;
    });
    if (over) moveTo(li, items().indexOf(over));
    follow(event);
  });

  /** Keeps the dragged swatch under the pointer wherever its slot now is. */
  function follow(event) {
    const { li } = drag;
    li.style.transform = '';
    const r = li.getBoundingClientRect();
    li.style.transform = `translate(${event.clientX - drag.grabX - r.left}px, ${event.clientY - drag.grabY - r.top}px)`;
  }

  const endDrag = (event, keep) => {
    if (!drag || event.pointerId !== drag.id) return;
    const { li, active, from } = drag;
    clearTimeout(drag.timer);
    drag = null;
    if (li.hasPointerCapture(event.pointerId)) li.releasePointerCapture(event.pointerId);
    if (!active) return; // a plain click: copies (the click handler)
    suppressClick = true;
    setTimeout(() => (suppressClick = false), 0);
    li.classList.remove('dragging');
    list.classList.remove('is-dragging');
    li.style.transform = '';
    if (keep) {
      setTabStop(items().indexOf(li), false);
      commit(from);
      announce(`Moved ${li.dataset.hex} to position ${items().indexOf(li) + 1} of ${items().length}`);
    } else {
      const byKey = new Map(items().map((x) => [Number(x.dataset.key), x]));
      list.replaceChildren(...from.map((k) => byKey.get(k)));
    }
  };
  list.addEventListener('pointerup', (event) => endDrag(event, true));
  list.addEventListener('pointercancel', (event) => endDrag(event, false));

  return { show, shows, setNotation, setNames, names: () => names };
}

const SVG = 'http://www.w3.org/2000/svg';

/** A small line icon for a swatch's button (SVG built as elements: no markup is parsed). */
function icon(action, pressed) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const paths = {
    // A padlock, shut when pressed.
    lock: pressed ? ['M4 7h8v7H4z', 'M5.5 7V5a2.5 2.5 0 0 1 5 0v2'] : ['M4 7h8v7H4z', 'M5.5 7V5a2.5 2.5 0 0 1 5 -0.5'],
    // An eyedropper.
    pick: ['M10 2.5l3.5 3.5', 'M11.5 4.5L4 12l-1.5 1.5 1 1L5 13l7.5-7.5', 'M9 3.5l3.5 3.5'],
    remove: ['M4 4l8 8', 'M12 4l-8 8'],
  }[action];
  for (const d of paths) {
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

function percent(share) {
  const p = share * 100;
  return `${p < 0.1 && p > 0 ? '<0.1' : p.toFixed(p < 10 ? 1 : 0)} %`;
}
