// Sizes of the release build for `cargo xtask bench`: every .wasm, .js and .css file in a dist
// directory, raw, gzip (level 9) and brotli (quality 11). Prints JSON on stdout. The split
// build's deferred module (`*.deferred.wasm`, fetched after the app has started; e2e's
// split.spec.ts shows the first screen needs none of it) is counted apart from the first load.
//
//   node bench/sizes.mjs DIST
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export function compressed(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length,
  };
}

const KINDS = { '.wasm': 'wasm', '.js': 'js', '.css': 'css' };

function main() {
  const dist = process.argv[2];
  if (!dist) throw new Error('usage: node bench/sizes.mjs DIST');
  const files = [];
  for (const name of readdirSync(dist).sort()) {
    const path = join(dist, name);
    const ext = Object.keys(KINDS).find((e) => name.endsWith(e));
    if (!ext || !statSync(path).isFile()) continue;
    const kind = name.endsWith('.deferred.wasm') ? 'deferred' : KINDS[ext];
    files.push({ name, kind, ...compressed(readFileSync(path)) });
  }
  const total = (pred) =>
    files.filter(pred).reduce(
      (a, f) => ({ raw: a.raw + f.raw, gzip: a.gzip + f.gzip, brotli: a.brotli + f.brotli }),
      { raw: 0, gzip: 0, brotli: 0 },
    );
  const totals = {
    wasm: total((f) => f.kind === 'wasm'),
    js: total((f) => f.kind === 'js'),
    css: total((f) => f.kind === 'css'),
    deferred: total((f) => f.kind === 'deferred'),
    firstLoad: total((f) => f.kind !== 'deferred'),
    all: total(() => true),
  };
  process.stdout.write(JSON.stringify({ files, totals }, null, 2) + '\n');
}

main();
