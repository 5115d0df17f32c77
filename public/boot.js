// Starts the app from a file instead of Trunk's inline loader, so the page runs under a
// Content-Security-Policy without 'unsafe-inline' scripts. Trunk fills the data attributes
// (see `pattern_script` in Trunk.toml); the names carry content hashes, this file does not.
const tag = document.querySelector('script[data-eventual-boot]');
// config.json is read while the wasm downloads and compiles, not after (see `Config::load`);
// its status comes along, so a missing file (404) and a broken one can be told apart.
window.__eventualConfigText = fetch(new URL('config.json', document.baseURI))
  .then(async (r) => ({ status: r.status, text: r.ok ? await r.text() : '' }))
  .catch(() => ({ status: 0, text: '' }));

// The first screen of /events waits for the list and listens to the change stream: both start
// here, once config.json names the API, not after the wasm has started (~150 ms later). The
// app takes them over (src/api/early.rs). The list is read once the stream is open (or has
// failed, or 300 ms passed), so the stream hears any change made after the read; the answer
// is given up if one was, since the app may not have been listening yet.
window.__eventualConfigText.then(({ status, text }) => {
  const home = new URL('.', document.baseURI).pathname;
  if (![home, `${home}events`].includes(location.pathname) || location.search) return;
  // Only a config the app will accept (src/config.rs): else it shows the error and asks nothing.
  const ok = status >= 200 && status < 300;
  if (!ok && status !== 0 && status !== 404) return;
  const config = ok ? JSON.parse(text) : {};
  if (config?.constructor !== Object || Object.keys(config).some((k) => k !== 'apiBaseUrl')) return;
  const configured = config.apiBaseUrl;
  if (configured !== undefined && (typeof configured !== 'string' || !configured.trim())) return;
  const api = new URL(configured ?? '/api', document.baseURI).href.replace(/\/+$/, '');
  const source = new EventSource(`${api}/events/changes`);
  const seen = [];
  const keep = (e) => seen.push(e);
  const kinds = ['open', 'message', 'reset', 'error'];
  for (const kind of kinds) source.addEventListener(kind, keep);
  let sent = false;
  let changed = false;
  const change = () => (changed ||= sent);
  source.addEventListener('message', change);
  source.addEventListener('reset', change);
  const listUrl = `${api}/events?_page=1&_limit=1000`;
  const list = new Promise((ready) => {
    source.addEventListener('open', ready);
    source.addEventListener('error', ready);
    setTimeout(ready, 300);
  })
    .then(() => {
      sent = true;
      return fetch(listUrl, { headers: { Accept: 'application/json' } });
    })
    .then((r) => (r.ok ? r : null), () => null);
  window.__eventualEarly = {
    listUrl,
    list,
    source,
    // Whether the list's answer still holds: no change was heard since it was asked for.
    fresh: () => !changed,
    // Hands the stream over: what it saw so far, in order, for the app to replay.
    take() {
      for (const kind of kinds) source.removeEventListener(kind, keep);
      return seen;
    },
  };
}).catch(() => {});

// A split build (`cargo xtask dist`, see xtask/wasm-split/README.md) ships the functions the
// first screen of /events runs in the main wasm and the rest in a deferred module. Until that
// module is attached, each of its functions is a placeholder in the shared function table;
// attaching it writes the real functions into their slots. A placeholder called before then
// loads it on the spot (synchronously: the wasm that called it waits).
const deferred = tag.dataset.wasmDeferred ? new URL(tag.dataset.wasmDeferred, document.baseURI) : null;
let primary = null;
let attached = false;

/** Fetches and compiles the deferred module off the main thread, at low priority. */
function compileDeferred() {
  return fetch(deferred, { priority: 'low' })
    .then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((bytes) => WebAssembly.compile(bytes));
}

// A page the service worker controls has the deferred module in its cache: no network to
// wait for, so it is attached before the app starts and nothing ever loads on the spot (a
// synchronous request is not answered by the worker everywhere, and offline there is no other).
const early = deferred && navigator.serviceWorker?.controller ? compileDeferred().catch(() => null) : null;

function attach(module) {
  if (attached) return;
  new WebAssembly.Instance(module, { primary });
  attached = true;
}

/** Synchronous, because the wasm that called the placeholder waits for its answer. */
function loadNow() {
  const xhr = new XMLHttpRequest();
  xhr.open('GET', deferred, false);
  // A page may not ask a synchronous request for an ArrayBuffer: take bytes as a binary string.
  xhr.overrideMimeType('text/plain; charset=x-user-defined');
  xhr.send();
  if (xhr.status !== 200) throw new Error(`cannot load ${deferred}: HTTP ${xhr.status}`);
  const text = xhr.responseText;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  attach(new WebAssembly.Module(bytes));
}

// Import names are slots of the function table the deferred module fills.
const placeholder = new Proxy(
  {},
  {
    get: (_, slot) => (...args) => {
      if (!attached) loadNow();
      return primary[tag.dataset.wasmTable].get(Number(slot))(...args);
    },
  },
);

// wasm-bindgen's loader builds the import object itself: add the placeholders to it, and keep
// the instance's exports, which the placeholders need even before the loader returns. The
// app starts when this returns: an early deferred module is attached by then.
function withPlaceholders(instantiate) {
  return async (source, imports) => {
    const result = await instantiate(source, { ...imports, placeholder });
    primary = (result.instance ?? result).exports;
    const module = await early;
    if (module) attach(module);
    return result;
  };
}

const bindings = await import(tag.dataset.js);
let wasm;
if (deferred) {
  const { instantiate, instantiateStreaming } = WebAssembly;
  WebAssembly.instantiate = withPlaceholders(instantiate);
  WebAssembly.instantiateStreaming = withPlaceholders(instantiateStreaming);
  try {
    wasm = await bindings.default({ module_or_path: tag.dataset.wasm });
  } finally {
    Object.assign(WebAssembly, { instantiate, instantiateStreaming });
  }
  // A first visit fetches it at the first idle moment, after the first screen's work: fetched
  // as the app starts it cost that screen ~15 ms here (bench/README.md). A failure is retried
  // by loadNow when a placeholder is called.
  if (!attached) {
    const prefetch = () =>
      compileDeferred()
        .then(attach)
        .catch((e) => console.warn(`deferred wasm not prefetched (${e}); it loads on first use`));
    if (window.requestIdleCallback) requestIdleCallback(prefetch, { timeout: 1000 });
    else setTimeout(prefetch, 0);
  }
} else {
  wasm = await bindings.default({ module_or_path: tag.dataset.wasm });
}
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
