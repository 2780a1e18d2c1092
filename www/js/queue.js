// The images the person gave, as a list to switch between: each entry a
// thumbnail, the file's name and its state (shown, working, not read and
// why), with a button that removes it; above them a count, "Clear failed"
// and "Download all" (a ZIP: www/js/zip.js, loaded when first used). Loaded
// with the first image, not with the page; its styles (www/css/queue.css)
// with it.

let nextKey = 1;

const STATES = { current: 'shown', working: 'working…', failed: 'could not be read' };

/**
 * @param {HTMLUListElement} list  ul#queue
 * @param {object} host
 * @param {(item: object) => void} host.open  show this image
 * @param {(item: object, next: object | null) => void} host.removed  an image was removed; `next`: the one to show if it was on screen
 * @param {(item: object) => Promise<{png: Blob, json: string}>} host.bundle  an image's composite and palette, for the ZIP
 * @param {object} host.status  the page's status line (www/js/status.js)
 */
export function createQueue(list, host) {
  /** [{key, file, name, url, state: 'waiting'|'working'|'current'|'failed', error, history}] */
  const items = [];
  /** key → its <li> */
  const entries = new Map();

  const style = document.createElement('link');
  style.rel = 'stylesheet';
  style.href = new URL('../css/queue.css', import.meta.url).href;
  document.head.append(style);

  const head = document.createElement('div');
  head.className = 'queue-head';
  const count = document.createElement('p');
  count.className = 'queue-count';
  count.id = 'queue-count';
  count.setAttribute('aria-live', 'polite');
  const clear = button('Clear failed', 'queue-clear');
  clear.addEventListener('click', () => {
    for (const item of items.filter((x) => x.state === 'failed')) remove(item);
    host.status.announce('The images that could not be read are removed');
  });
  const zip = button('Download all (ZIP)', 'queue-zip');
  zip.dataset.download = 'zip';
  zip.setAttribute('aria-describedby', 'queue-count');
  zip.addEventListener('click', async () => {
    zip.disabled = true;
    zip.classList.add('is-working');
    try {
      const { downloadAll } = await import('./zip.js');
      await downloadAll(items.slice(), host);
    } finally {
      zip.classList.remove('is-working');
      render();
    }
  });
  head.append(count, clear, zip);
  list.before(head);
  list.setAttribute('aria-describedby', 'queue-count');

  list.addEventListener('click', (event) => {
    const b = event.target.closest('button[data-key]');
    const item = b && items.find((x) => x.key === Number(b.dataset.key));
    if (!item) return;
    if (b.dataset.remove !== undefined) remove(item, true);
    else if (item.state !== 'current') host.open(item);
  });

  function button(text, className) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = `button small ${className}`;
    b.textContent = text;
    return b;
  }

  /** Takes `item` out (its thumbnail's URL let go); `focus`: the focus goes to the entry that takes its place. */
  function remove(item, focus = false) {
    const at = items.indexOf(item);
    if (at < 0) return;
    items.splice(at, 1);
    URL.revokeObjectURL(item.url);
    entries.get(item.key).remove();
    entries.delete(item.key);
    item.removed = true;
    const next = items[at] || items[at - 1] || null;
    host.removed(item, item.state === 'current' || item.state === 'working' ? next : null);
    render();
    if (focus) (next ? entries.get(next.key).querySelector('button') : document.getElementById('file')).focus();
    host.status.announce(`Removed ${item.name}`);
  }

  function entry(item) {
    const li = document.createElement('li');
    li.className = 'queue-item';
    const open = document.createElement('button');
    open.type = 'button';
    open.dataset.key = String(item.key);
    const img = document.createElement('img');
    img.alt = '';
    img.decoding = 'async';
    img.loading = 'lazy';
    img.src = item.url;
    img.addEventListener('error', () => img.classList.add('broken'), { once: true });
    const name = document.createElement('span');
    name.className = 'queue-name';
    name.textContent = item.name;
    const state = document.createElement('span');
    state.className = 'queue-state';
    open.append(img, name, state);
    const rm = document.createElement('button');
    rm.type = 'button';
    rm.className = 'queue-remove';
    rm.dataset.key = String(item.key);
    rm.dataset.remove = '';
    rm.setAttribute('aria-label', `Remove ${item.name}`);
    rm.title = `Remove ${item.name}`;
    rm.textContent = '×';
    li.append(open, rm);
    entries.set(item.key, li);
    return li;
  }

  /** Brings every entry, the count and the buttons up to date (entries are kept: the focus stays). */
  function render() {
    const failed = items.filter((x) => x.state === 'failed').length;
    list.hidden = head.hidden = items.length === 0;
    const n = items.length;
    count.textContent = `${n} ${n === 1 ? 'image' : 'images'}${failed ? `, ${failed} could not be read` : ''}`;
    clear.hidden = failed === 0;
    zip.disabled = zip.classList.contains('is-working') || !items.some((x) => x.history || x.state === 'current');
    for (const item of items) {
      const li = entries.get(item.key) || entry(item);
      const open = li.firstChild;
      const said = STATES[item.state];
      open.className = `thumb queue-open is-${item.state}`;
      open.title = item.error ? `${item.name}: ${item.error}` : item.name;
      open.setAttribute('aria-label', `${item.name}${said ? ` (${said}${item.error ? `: ${item.error}` : ''})` : ''}`);
      open.lastChild.textContent = said || '';
      if (item.state === 'current') open.setAttribute('aria-current', 'true');
      else open.removeAttribute('aria-current');
      if (li.parentNode !== list) list.append(li);
    }
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
        error: null,
      }));
      items.push(...added);
      render();
      return added;
    },
    setState(item, state, error = null) {
      if (item.removed) return;
      if (state === 'current') for (const x of items) if (x.state === 'current' || x.state === 'working') x.state = 'waiting';
      item.state = state;
      item.error = error;
      render();
    },
    /** The items, in order. */
    items: () => items.slice(),
  };
}
