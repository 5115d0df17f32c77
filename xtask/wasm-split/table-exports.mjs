// Points each table export of a module written by wasm-split back at the table the input
// module exported under that name. Binaryen 108 (Debian's, the only wasm-split these machines
// can install) writes every table export as table 0; wasm-bindgen's module has two tables
// (functions, and `externref`s), so its `__wbindgen_externrefs` export comes out wrong.
//
//   node xtask/wasm-split/table-exports.mjs INPUT.wasm OUTPUT.wasm [OUTPUT.wasm ...]
import { readFileSync, writeFileSync } from 'node:fs';

function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

function encodeLeb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
}

/** The export section: where its body starts and ends, and its entries. */
function exportSection(bytes) {
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, body] = leb(bytes, at + 1);
    if (id === 7) {
      const entries = [];
      let [count, p] = leb(bytes, body);
      for (; count > 0; count--) {
        const [len, nameAt] = leb(bytes, p);
        const name = Buffer.from(bytes.subarray(nameAt, nameAt + len)).toString('utf8');
        const kind = bytes[nameAt + len];
        const [index, next] = leb(bytes, nameAt + len + 1);
        entries.push({ name, kind, index, start: p, end: next });
        p = next;
      }
      return { headerAt: at, body, end: body + size, entries };
    }
    at = body + size;
  }
  return null;
}

const TABLE = 1;
const [input, ...outputs] = process.argv.slice(2);
if (!outputs.length) throw new Error('usage: node table-exports.mjs INPUT.wasm OUTPUT.wasm...');
const want = new Map(
  exportSection(readFileSync(input))
    .entries.filter((e) => e.kind === TABLE)
    .map((e) => [e.name, e.index]),
);
for (const path of outputs) {
  const bytes = readFileSync(path);
  const section = exportSection(bytes);
  if (!section) continue;
  let fixed = 0;
  const body = [...encodeLeb(section.entries.length)];
  for (const e of section.entries) {
    const index = e.kind === TABLE && want.has(e.name) ? want.get(e.name) : e.index;
    if (index !== e.index) fixed += 1;
    const name = Buffer.from(e.name, 'utf8');
    body.push(...encodeLeb(name.length), ...name, e.kind, ...encodeLeb(index));
  }
  const out = Buffer.concat([
    bytes.subarray(0, section.headerAt),
    Buffer.from([7, ...encodeLeb(body.length), ...body]),
    bytes.subarray(section.end),
  ]);
  writeFileSync(path, out);
  console.error(`table-exports: ${path}: ${fixed} table export(s) repointed`);
}
