// Eventual's service worker: the app opens without a network.
//
// - Version: the `v` query of this script's URL (the hashed wasm name Trunk emitted), so each
//   deploy installs a new worker with its own cache and drops the old ones.
// - Cache names carry the worker's scope (the app's base URL): deployments that share an
//   origin (/eventual/, /eventual-staging/) never read or delete each other's caches.
// - Install: fetches the whole shell — index.html, config.json and every asset index.html
//   links to — before writing any of it; if one file fails the install fails, and the last
//   complete version stays in charge.
// - Only the exact files of the shell are answered from the cache (cache first; config.json
//   network first), plus navigations (network first, index.html when offline). Every other
//   request — the API under any base, absolute or relative — goes to the network untouched:
//   the worker does not need to know where the API lives, and a config.json pointing
//   elsewhere can never be served stale data from here.
'use strict';

const VERSION = new URL(self.location.href).searchParams.get('v') || 'dev';
const SCOPE = new URL(self.registration.scope);
const PREFIX = `eventual-shell|${SCOPE.href}|`;
const CACHE = PREFIX + VERSION;
/** Caches of workers from before names carried the scope. */
const LEGACY_PREFIX = 'eventual-shell-';
const INDEX = new URL('index.html', SCOPE).href;
const CONFIG = new URL('config.json', SCOPE).href;

/** The URLs this version's cache holds; `null` until read back after the worker restarts. */
let shell = null;
const shellKnown = (async () => {
  try {
    const urls = (await caches.has(CACHE)) ? (await (await caches.open(CACHE)).keys()).map((r) => r.url) : [];
    if (shell === null) shell = new Set(urls);
  } catch (_) {
    if (shell === null) shell = new Set();
  }
})();

function isHtml(response) {
  return (response.headers.get('content-type') || '').toLowerCase().startsWith('text/html');
}

/** Same-origin files a page of the app loads: links, scripts, and Trunk's loader attributes. */
function assetsOf(html) {
  const urls = new Set();
  const add = (raw) => {
    const url = new URL(raw, SCOPE);
    url.hash = '';
    if (url.origin === SCOPE.origin && url.href !== SCOPE.href) urls.add(url.href);
  };
  for (const m of html.matchAll(/(?:href|src)\s*=\s*["']([^"']+)["']/g)) add(m[1]);
  for (const m of html.matchAll(/["']([^"'\s]+\.(?:js|wasm|css))["']/g)) add(m[1]);
  return urls;
}

/** A shell file, or an error: a failed status, or HTML for an asset (a host's SPA fallback). */
async function fetchOk(url, html = false) {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`shell file ${url} answered ${response.status}`);
  if (isHtml(response) !== html) throw new Error(`shell file ${url} answered ${response.headers.get('content-type')}`);
  return response;
}

/** Fetches the whole shell, then writes it; throws (writing nothing) if any file fails. */
async function precache() {
  const index = await fetchOk(SCOPE.href, true);
  const html = await index.clone().text();
  const files = await Promise.all([...assetsOf(html)].map(async (u) => [u, await fetchOk(u)]));
  // A deployment may leave config.json out (the app has defaults): optional, unlike the rest.
  const config = await fetch(CONFIG, { cache: 'no-store' }).catch(() => null);
  if (config && config.ok && !isHtml(config)) files.push([CONFIG, config]);
  const cache = await caches.open(CACHE);
  try {
    await cache.put(INDEX, index);
    for (const [url, response] of files) await cache.put(url, response);
  } catch (err) {
    await caches.delete(CACHE);
    throw err;
  }
  shell = new Set([INDEX, ...files.map(([url]) => url)]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if ((name.startsWith(PREFIX) && name !== CACHE) || name.startsWith(LEGACY_PREFIX)) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
    })(),
  );
});

/** Network first; keeps the answer as the offline page only if it is this version's HTML. */
async function navigation(request) {
  try {
    const response = await fetch(request);
    if (response.ok && isHtml(response)) {
      const html = await response.clone().text();
      await shellKnown;
      if ([...assetsOf(html)].every((u) => shell.has(u))) {
        await (await caches.open(CACHE)).put(INDEX, response.clone());
      }
    }
    return response;
  } catch (err) {
    const cached = await caches.match(INDEX, { cacheName: CACHE });
    if (cached) return cached;
    throw err;
  }
}

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok) await (await caches.open(CACHE)).put(request.url, response.clone());
    return response;
  } catch (err) {
    const cached = await caches.match(request.url, { cacheName: CACHE });
    if (cached) return cached;
    throw err;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request.url, { cacheName: CACHE });
  return cached || fetch(request);
}

/** Right after a restart, before the shell's list is read back: a hit is a shell file. */
async function fromShellOrNetwork(request) {
  await shellKnown;
  if (!shell.has(request.url)) return fetch(request);
  return request.url === CONFIG ? networkFirst(request) : cacheFirst(request);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin) return;
  if (request.mode === 'navigate') {
    if (url.pathname.startsWith(SCOPE.pathname)) event.respondWith(navigation(request));
    return;
  }
  if (shell === null) {
    if (url.pathname.startsWith(SCOPE.pathname)) event.respondWith(fromShellOrNetwork(request));
  } else if (shell.has(url.href)) {
    event.respondWith(url.href === CONFIG ? networkFirst(request) : cacheFirst(request));
  }
});
