// The current image's palette from every method, side by side; choosing one
// makes it the method in use.

/**
 * @param {HTMLUListElement} list
 * @param {(method: string) => void} onPick
 */
export function createCompare(list, onPick) {
  list.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-method]');
    if (button) onPick(button.dataset.method);
  });

  /**
   * `results`: [{method, colors, ms}]; `methods`: the engine's method list
   * (defaults().methods), whose hints say in plain words what each does;
   * `chosen`: the method in use.
   */
  function show(results, methods, chosen) {
    list.replaceChildren(
      ...results.map(({ method, colors, ms }) => {
        const li = document.createElement('li');
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'compare-item';
        button.dataset.method = method;
        button.setAttribute('aria-pressed', String(method === chosen));
        const m = methods.find((x) => x.name === method);
        const name = document.createElement('span');
        name.className = 'compare-name';
        name.textContent = m ? m.label : method;
        // The name a screen reader hears is the text shown (then the colors), not a label of its own.
        const hexes = document.createElement('span');
        hexes.className = 'visually-hidden';
        hexes.textContent = `: ${colors.map((c) => c.hex).join(', ')}.`;
        const hint = document.createElement('span');
        hint.className = 'compare-hint';
        hint.textContent = m ? m.hint : '';
        const strip = document.createElement('span');
        strip.className = 'compare-strip';
        strip.setAttribute('aria-hidden', 'true');
        for (const c of colors) {
          const cell = document.createElement('span');
          cell.style.backgroundColor = c.hex;
          strip.append(cell);
        }
        const time = document.createElement('span');
        time.className = 'compare-time';
        time.textContent = `${Math.round(ms)} ms`;
        button.append(name, hexes, hint, strip, time);
        li.append(button);
        return li;
      }),
    );
  }

  function markChosen(method) {
    for (const b of list.querySelectorAll('button[data-method]')) {
      b.setAttribute('aria-pressed', String(b.dataset.method === method));
    }
  }

  function clear(message) {
    const li = document.createElement('li');
    li.className = 'hint';
    li.textContent = message;
    list.replaceChildren(li);
  }

  return { show, markChosen, clear };
}
