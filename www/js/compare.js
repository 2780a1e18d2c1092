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

  /** `results`: [{method, colors, ms}]; `hints`: the engine's method list; `chosen`: the method in use. */
  function show(results, hints, chosen) {
    list.replaceChildren(
      ...results.map(({ method, colors, ms }) => {
        const li = document.createElement('li');
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'compare-item';
        button.dataset.method = method;
        button.setAttribute('aria-pressed', String(method === chosen));
        const name = document.createElement('span');
        name.className = 'compare-name';
        name.textContent = method;
        const hint = document.createElement('span');
        hint.className = 'compare-hint';
        const h = hints.find((x) => x.name === method);
        hint.textContent = `${h ? h.hint : ''} · ${Math.round(ms)} ms`;
        const strip = document.createElement('span');
        strip.className = 'compare-strip';
        strip.setAttribute('aria-hidden', 'true');
        for (const c of colors) {
          const cell = document.createElement('span');
          cell.style.backgroundColor = c.hex;
          strip.append(cell);
        }
        button.setAttribute('aria-label', `Use ${method}: ${colors.map((c) => c.hex).join(', ')}`);
        button.append(name, strip, hint);
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
