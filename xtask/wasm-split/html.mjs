// Points a split build's index.html at its two modules: the primary keeps the wasm's name,
// so only the integrity of its preload changes; the boot script tag learns where the deferred
// module is and which export is the function table its placeholders index.
//
//   node xtask/wasm-split/html.mjs DIST UNSPLIT.wasm WASM_NAME DEFERRED_NAME TABLE_EXPORT
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const sri = (bytes) => 'sha384-' + createHash('sha384').update(bytes).digest('base64');

const [dist, unsplit, name, deferred, table] = process.argv.slice(2);
if (!table) throw new Error('usage: node html.mjs DIST UNSPLIT.wasm WASM_NAME DEFERRED_NAME TABLE_EXPORT');
const path = join(dist, 'index.html');
let html = readFileSync(path, 'utf8');

const old = sri(readFileSync(unsplit));
if (!html.includes(old)) throw new Error(`index.html has no integrity ${old} for ${name}`);
html = html.replaceAll(old, sri(readFileSync(join(dist, name))));

const wasmAttr = /(<script [^>]*data-eventual-boot[^>]*data-wasm="([^"]*)")/;
const m = html.match(wasmAttr);
if (!m || !m[2].endsWith(name)) throw new Error(`index.html's boot script does not load ${name}`);
const url = m[2].slice(0, -name.length) + deferred;
html = html.replace(wasmAttr, `$1 data-wasm-deferred="${url}" data-wasm-table="${table}"`);
writeFileSync(path, html);
console.error(`wasm-split html: ${name} + ${deferred} (table ${table})`);
