// Eventual's service worker: the app opens without a network.
//
// - Version: the `v` query of this script's URL (the hashed wasm name Trunk emitted), so each
//   deploy installs a new worker with its own cache and drops the old ones.
// - Install: caches the shell — index.html, config.json and every asset index.html links to.
// - Hashed assets (.wasm/.js/.css/...): cache first (their names change when they do).
// - Navigations and config.json: network first, the cached copy when offline (deep links get
//   index.html, the app routes them).
// - /api/ is never cached: the app keeps its own saved data and queued changes.
'use strict';

const VERSION = new URL(self.location.href).searchParams.get('v') || 'dev';
const PREFIX = 'eventual-shell-';
const CACHE = PREFIX + VERSION;
const SCOPE = new URL(self.registration.scope);
const INDEX = new URL('index.html', SCOPE).href;
const CONFIG = new URL('config.json', SCOPE).href;

function isApi(url) {
  return url.pathname.startsWith(SCOPE.pathname + 'api/') || url.pathname.startsWith('/api/');
}

async function precache() {
  const cache = await caches.open(CACHE);
  const response = await fetch(SCOPE.href, { cache: 'no-store' });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put(INDEX, response);
  const urls = new Set([CONFIG]);
  for (const m of html.matchAll(/(?:href|src)\s*=\s*["']([^"']+)["']/g)) {
    const url = new URL(m[1], SCOPE);
    if (url.origin === SCOPE.origin && !isApi(url)) urls.add(url.href);
  }
  // import('...js') and fetch of the wasm in Trunk's inline loader script.
  for (const m of html.matchAll(/["']([^"'\s]+\.(?:js|wasm|css))["']/g)) {
    const url = new URL(m[1], SCOPE);
    if (url.origin === SCOPE.origin && !isApi(url)) urls.add(url.href);
  }
  await Promise.all(
    [...urls].map(async (u) => {
      try {
        const r = await fetch(u, { cache: 'no-store' });
        if (r.ok) await cache.put(u, r);
      } catch (_) {
        // Best effort: a missing asset is cached on first use instead.
      }
    }),
  );
}

self.addEventListener('install', (event) => {
  // Where supported (Static Routing API), API requests bypass this worker entirely.
  if (typeof event.addRoutes === 'function' && typeof URLPattern === 'function') {
    try {
      const api = new URL('api/', SCOPE).pathname;
      event
        .addRoutes([{ condition: { urlPattern: new URLPattern({ pathname: api + '*' }) }, source: 'network' }])
        .catch(() => {});
    } catch (_) {
      // Older engines: the fetch handler below leaves API requests alone anyway.
    }
  }
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function networkFirst(request, cacheKey) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(cacheKey, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(cacheKey);
    if (cached) return cached;
    throw err;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin || isApi(url)) return;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, INDEX));
  } else if (url.href === CONFIG) {
    event.respondWith(networkFirst(request, CONFIG));
  } else if (url.pathname.startsWith(SCOPE.pathname) && url.href !== self.location.href) {
    event.respondWith(cacheFirst(request));
  }
});
