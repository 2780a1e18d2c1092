// Offline and updates (docs/DESIGN.md, "Offline and updates"): registers
// the service worker (sw.js, next to index.html) and handles a new version.
// The new version installs in the background and waits; this page then asks
// it to take over and reloads, at once when no image is open (nothing is
// lost), else when its reader chooses "Reload" in a note under the status
// line. Until then the page keeps the version its modules came from.
// Imported by www/main.js once the page is ready (nothing of it is in the
// first load); it starts after the load event.

const container = navigator.serviceWorker;
/** Whether the page has nothing to lose by reloading: no image shown yet, none being opened. */
const idle = () => document.body.classList.contains('is-empty') && document.querySelector('.stage').getAttribute('aria-busy') !== 'true';

if (container && window.isSecureContext) {
  if (document.readyState === 'complete') start();
  else addEventListener('load', start, { once: true });
}

async function start() {
  let registration;
  try {
    registration = await container.register(new URL('../../sw.js', import.meta.url));
  } catch {
    return; // service workers disabled, or the network gone before the first install: the page works as before
  }
  let asked = null; // who asked the new version to take over: 'page' (idle) or 'reader'
  let note = null;

  // The page reloads only when it asked the new version to take over; a
  // first install taking control of the page (clients.claim) changes nothing.
  // An image opened while the page's own request was answered is kept: the
  // note offers the reload instead.
  container.addEventListener('controllerchange', () => {
    if (asked === 'reader' || (asked === 'page' && idle())) location.reload();
    else if (asked) show('A new version is ready.');
  });
  container.addEventListener('message', (event) => {
    if (event.data === 'update-waits') {
      asked = null;
      show('A new version is ready: it starts when cinepal is open in one tab only.');
    }
  });

  const ask = (who) => {
    if (!registration.waiting) return;
    asked = who;
    registration.waiting.postMessage('update');
  };
  const offer = () => {
    // Without a controller this page came from the network: it is already the newest.
    if (!registration.waiting || !container.controller) return;
    if (idle()) ask('page');
    else show('A new version is ready.');
  };

  function show(text) {
    if (!note) {
      note = document.createElement('p');
      note.id = 'update-note';
      note.className = 'status color-note';
      note.setAttribute('role', 'status');
      note.append(document.createElement('span'), ' ');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'button small';
      button.textContent = 'Reload';
      button.addEventListener('click', () => (registration.waiting ? ask('reader') : location.reload()));
      note.append(button);
      document.getElementById('color-note').after(note);
    }
    note.firstChild.textContent = text;
  }

  // A page left open is checked again when it comes back into view, at most once an hour.
  let checked = Date.now();
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || Date.now() - checked < 3_600_000) return;
    checked = Date.now();
    registration.update().catch(() => {});
  });

  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed') offer();
    });
  });
  offer();
}
