// Minifies a Trunk dist directory in place: the JavaScript with terser — wasm-bindgen's glue
// (Trunk 0.21 leaves it as it is) and our own boot.js and sw.js, whose comments are for
// readers of the source — and the stylesheets with lightningcss (Trunk 0.21 copies them as
// written). index.html's SRI hashes of the glue and the stylesheets are rewritten to match.
//
//   node xtask/minify.mjs DIST
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transform } from 'lightningcss';
import { minify } from 'terser';

const sri = (bytes) => 'sha384-' + createHash('sha384').update(bytes).digest('base64');

const dist = process.argv[2];
if (!dist) throw new Error('usage: node xtask/minify.mjs DIST');

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
  console.error(`minify: ${name} ${before.length} -> ${code.length} bytes`);
  return [before, Buffer.from(code)];
}

/** Minifies one stylesheet in place (no targets: nothing is rewritten for older browsers). */
function shrinkCss(name) {
  const path = join(dist, name);
  const before = readFileSync(path);
  const { code } = transform({ filename: name, code: before, minify: true });
  writeFileSync(path, code);
  console.error(`minify: ${name} ${before.length} -> ${code.length} bytes`);
  return [before, Buffer.from(code)];
}

const htmlPath = join(dist, 'index.html');
let html = readFileSync(htmlPath, 'utf8');
/** Points index.html's integrity of `name` from its old bytes to its new ones. */
function resign(name, [before, after]) {
  const old = sri(before);
  if (!html.includes(old)) throw new Error(`index.html has no integrity ${old} for ${name}`);
  html = html.replaceAll(old, sri(after));
}

const glue = readdirSync(dist).filter((n) => /^eventual-[0-9a-f]+\.js$/.test(n));
if (glue.length !== 1) throw new Error(`expected one eventual-<hash>.js in ${dist}, found ${glue}`);
resign(glue[0], await shrink(glue[0], true));
for (const css of readdirSync(dist).filter((n) => n.endsWith('.css'))) resign(css, shrinkCss(css));
writeFileSync(htmlPath, html);

// boot.js is a module (top-level await); the service worker is a classic script.
await shrink('boot.js', true);
await shrink('sw.js', false);
