// Minifies the JavaScript of a Trunk dist directory with terser: wasm-bindgen's glue (Trunk
// 0.21 leaves it as it is; its SRI hash in index.html is rewritten so the modulepreload still
// matches) and our own boot.js and sw.js, whose comments are for readers of the source.
//
//   node xtask/minify-js.mjs DIST
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minify } from 'terser';

const sri = (bytes) => 'sha384-' + createHash('sha384').update(bytes).digest('base64');

const dist = process.argv[2];
if (!dist) throw new Error('usage: node xtask/minify-js.mjs DIST');

/** Minifies one file in place; returns its bytes before and after. */
async function shrink(name, module) {
  const path = join(dist, name);
  const before = readFileSync(path);
  const { code } = await minify(before.toString('utf8'), {
    module,
    ecma: 2020,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: false },
  });
  writeFileSync(path, code);
  console.error(`minify-js: ${name} ${before.length} -> ${code.length} bytes`);
  return [before, Buffer.from(code)];
}

const glue = readdirSync(dist).filter((n) => /^eventual-[0-9a-f]+\.js$/.test(n));
if (glue.length !== 1) throw new Error(`expected one eventual-<hash>.js in ${dist}, found ${glue}`);
const [before, after] = await shrink(glue[0], true);
const htmlPath = join(dist, 'index.html');
const html = readFileSync(htmlPath, 'utf8');
const old = sri(before);
if (!html.includes(old)) throw new Error(`index.html has no integrity ${old} for ${glue[0]}`);
writeFileSync(htmlPath, html.replaceAll(old, sri(after)));

// boot.js is a module (top-level await); the service worker is a classic script.
await shrink('boot.js', true);
await shrink('sw.js', false);
