// The images the person gave, as a row of thumbnails to switch between.

let nextKey = 1;

/**
 * @param {HTMLUListElement} list
 * @param {(item: object) => void} onPick
 */
export function createQueue(list, onPick) {
  /** [{key, file, name, url, state: 'waiting'|'current'|'failed', saved}] */
  const items = [];

  list.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-key]');
    if (!button) return;
    const item = items.find((x) => x.key === Number(button.dataset.key));
    if (item) onPick(item);
  });

  function render() {
    list.hidden = items.length < 2 && !items.some((x) => x.state === 'failed');
    // One image needs no switcher (and no second decode for a thumbnail).
    if (list.hidden) {
      list.replaceChildren();
      return;
    }
    list.replaceChildren(
      ...items.map((item) => {
        const li = document.createElement('li');
        const button = document.createElement('button');
        button.type = 'button';
        button.className = `thumb is-${item.state}`;
        button.dataset.key = String(item.key);
        button.title = item.error ? `${item.name}: ${item.error}` : item.name;
        button.setAttribute(
          'aria-label',
          `${item.name}${item.state === 'current' ? ' (shown)' : item.state === 'failed' ? ' (could not be read)' : ''}`,
        );
        if (item.state === 'current') button.setAttribute('aria-current', 'true');
        const img = document.createElement('img');
        img.alt = '';
        img.decoding = 'async';
        img.loading = 'lazy';
        img.src = item.url;
        img.addEventListener('error', () => img.classList.add('broken'), { once: true });
        button.append(img);
        li.append(button);
        return li;
      }),
    );
  }

  return {
    /** Adds files; returns their items. */
    add(files) {
      const added = files.map((file) => ({
        key: nextKey++,
        file,
        name: file.name || 'image',
        url: URL.createObjectURL(file),
        state: 'waiting',
        saved: null,
        error: null,
      }));
      items.push(...added);
      render();
      return added;
    },
    setState(item, state, error = null) {
      if (state === 'current') for (const x of items) if (x.state === 'current') x.state = 'waiting';
      item.state = state;
      item.error = error;
      render();
    },
  };
}
