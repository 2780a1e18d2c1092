// cinepal's service worker: the page works with no network after the first
// visit (docs/DESIGN.md, "Offline and updates"). It sits next to index.html
// so that its scope is the whole site; every URL is relative to it, so the
// site works from any sub-path (GitHub Pages).
//
// One cache per version, filled when this worker installs (every file the
// app is made of, each checked against its hash) and answered from first;
// the caches of older versions are deleted when it takes over. A new version
// waits until its page asks it to take over (www/js/offline.js) and that page
// is the only cinepal window, or until every old page is closed: an open page
// keeps the version its modules came from.
//
// scripts/build.sh writes the next two lines into dist/sw.js; as they stand
// here (the repository served as it is) the worker caches nothing.
const VERSION = 'dev';
const FILES = []; // [URL relative to this file, its Subresource Integrity hash]

const PREFIX = 'cinepal-';
const CACHE = PREFIX + VERSION;
const at = (file) => new URL(file, self.location.href).href;
const PAGE = at('index.html');
const ROOT = at('./');

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        // `no-cache`: revalidated with the server, never a stale file from the HTTP
        // cache; `integrity`: a file of another deployment fails the install (tried again later).
        await cache.addAll(FILES.map(([file, integrity]) => new Request(at(file), { cache: 'no-cache', integrity })));
      } catch (e) {
        await caches.delete(CACHE);
        throw e;
      }
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      // The first visit's page is controlled at once (its later modules come from the cache).
      await self.clients.claim();
    })(),
  );
});

// A page with nothing to lose (or whose reader chose "Reload") asks the waiting
// version to take over; it does only when that page is the only cinepal window.
self.addEventListener('message', (event) => {
  if (event.data !== 'update') return;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window' });
      if (windows.length <= 1) await self.skipWaiting();
      else event.source?.postMessage('update-waits');
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || FILES.length === 0) return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return; // never: the page's CSP allows only its own origin
  let key = request;
  if (request.mode === 'navigate') {
    const page = url.origin + url.pathname;
    if (page !== ROOT && page !== PAGE) return;
    key = PAGE; // the query and the fragment are the page's business
  }
  event.respondWith(
    (async () => {
      const cached = await (await caches.open(CACHE)).match(key);
      return cached || fetch(request);
    })(),
  );
});
