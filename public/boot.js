// Starts the app from a file instead of Trunk's inline loader, so the page runs under a
// Content-Security-Policy without 'unsafe-inline' scripts. Trunk fills the data attributes
// (see `pattern_script` in Trunk.toml); the names carry content hashes, this file does not.
const tag = document.querySelector('script[data-eventual-boot]');
// config.json is read while the wasm downloads and compiles, not after (see `Config::load`);
// its status comes along, so a missing file (404) and a broken one can be told apart.
window.__eventualConfigText = fetch(new URL('config.json', document.baseURI))
  .then(async (r) => ({ status: r.status, text: r.ok ? await r.text() : '' }))
  .catch(() => ({ status: 0, text: '' }));
const bindings = await import(tag.dataset.js);
const wasm = await bindings.default({ module_or_path: tag.dataset.wasm });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
