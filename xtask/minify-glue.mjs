// Minifies wasm-bindgen's JS glue in a Trunk dist directory (Trunk 0.21 leaves it as it is) and
// rewrites its SRI hash in index.html so the modulepreload still matches.
//
//   node xtask/minify-glue.mjs DIST
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minify } from 'terser';

const sri = (bytes) => 'sha384-' + createHash('sha384').update(bytes).digest('base64');

const dist = process.argv[2];
if (!dist) throw new Error('usage: node xtask/minify-glue.mjs DIST');
const glue = readdirSync(dist).filter((n) => /^eventual-[0-9a-f]+\.js$/.test(n));
if (glue.length !== 1) throw new Error(`expected one eventual-<hash>.js in ${dist}, found ${glue}`);
const path = join(dist, glue[0]);
const before = readFileSync(path);
const { code } = await minify(before.toString('utf8'), {
  module: true,
  ecma: 2020,
  compress: { passes: 2 },
  mangle: true,
  format: { comments: false },
});
writeFileSync(path, code);
const htmlPath = join(dist, 'index.html');
const html = readFileSync(htmlPath, 'utf8');
const old = sri(before);
if (!html.includes(old)) throw new Error(`index.html has no integrity ${old} for ${glue[0]}`);
writeFileSync(htmlPath, html.replaceAll(old, sri(Buffer.from(code))));
console.error(`minify-glue: ${glue[0]} ${before.length} -> ${code.length} bytes`);
