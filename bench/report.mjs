// Composes the bench report from the raw results of one `cargo xtask bench` run.
//
//   node bench/report.mjs WORK_DIR OUT_DIR
//
// WORK_DIR holds facts.json, sizes.json, browser.json, seed-slow.json, load.json and the twiggy
// outputs; OUT_DIR gets report.md and report.json. Every figure stands beside its target with
// PASS, FAIL, or NOT MEASURED (with the reason), and beside the React 19 + TanStack Query v5
// reference where one exists.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CALENDAR_METHOD, calendarRows } from './report-calendar.mjs';

const KB = 1000; // sizes in kB of 1000 bytes (the stricter reading of "KB")

/** The React 19 + TanStack Query v5 reference figures. */
export const REFERENCE = { brotliKB: 84, paintP95Ms: 16, coldStartMs: 170 };

function readJson(dir, name) {
  const path = join(dir, name);
  if (!existsSync(path)) return { error: `${name} missing` };
  const text = readFileSync(path, 'utf8').trim();
  if (!text) return { error: `${name} is empty (the step failed)` };
  try {
    return JSON.parse(text);
  } catch (e) {
    return { error: `${name}: ${e.message}` };
  }
}

function readText(dir, name) {
  const path = join(dir, name);
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

const ms = (x) => (x == null || !Number.isFinite(x) ? 'n/a' : `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`);
const kb = (b) => (b == null ? 'n/a' : `${(b / KB).toFixed(1)} kB`);
const mb = (b) => (b == null ? 'n/a' : `${(b / 1e6).toFixed(3)} MB`);

/** One figure: value text, target text, status and the reference column. */
function row(figure, value, target, status, reference = '', note = '') {
  return { figure, value, target, status, reference, note };
}

const verdict = (ok) => (ok ? 'PASS' : 'FAIL');

/** The crate an item of twiggy's output belongs to (first `name::` path segment). */
export function crateOf(name) {
  if (/^data\[\d+\]$|^data segment/.test(name)) return '(data segments)';
  if (/subsection|custom section|^"/i.test(name)) return '(wasm sections)';
  if (/^(import|export) /.test(name) || /^__wbg|^__wbindgen/.test(name)) return '(wasm-bindgen glue)';
  const m = name.match(/([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::/);
  if (!m) return '(unnamed / other)';
  const c = m[1];
  return ['core', 'alloc', 'std'].includes(c) ? 'std (core, alloc, std)' : c;
}

/** Parses twiggy's `top --format csv`: [{name, shallow}]. */
export function parseTwiggyCsv(text) {
  const lines = text.split('\n').filter(Boolean);
  const out = [];
  for (const line of lines.slice(1)) {
    // Name may be quoted and contain commas: the numbers are the last four fields.
    const parts = line.split(',');
    if (parts.length < 5) continue;
    const nums = parts.slice(-4);
    let name = parts.slice(0, -4).join(',');
    if (name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1).replace(/""/g, '"');
    out.push({ name, shallow: Number(nums[0]) });
  }
  return out;
}

function crateBreakdown(items) {
  // Names and debug info exist only in the named copy; the shipped wasm has neither.
  const extra = (i) => /function names|names" subsection|^custom section/i.test(i.name);
  const code = items.filter((i) => !extra(i));
  const total = code.reduce((a, i) => a + i.shallow, 0);
  const by = new Map();
  for (const i of code) by.set(crateOf(i.name), (by.get(crateOf(i.name)) || 0) + i.shallow);
  const crates = [...by.entries()]
    .map(([crate, bytes]) => ({ crate, bytes, share: bytes / total }))
    .sort((a, b) => b.bytes - a.bytes);
  const names = items.filter(extra).reduce((a, i) => a + i.shallow, 0);
  // Upper bound for JSON's cost: every item whose name mentions serde (impls for app types too).
  const serdeAny = code.filter((i) => /serde/.test(i.name)).reduce((a, i) => a + i.shallow, 0);
  return { total, namesSection: names, crates, serdeAny };
}

function evaluate(work) {
  const facts = readJson(work, 'facts.json');
  const sizes = readJson(work, 'sizes.json');
  const b = readJson(work, 'browser.json');
  const load = readJson(work, 'load.json');
  const seed = readJson(work, 'seed-slow.json');
  const scale = readJson(work, 'scale.json');
  const csv = readText(work, 'twiggy-top.csv');
  const twiggy = csv ? crateBreakdown(parseTwiggyCsv(csv)) : null;
  const rows = [];
  const notes = [];

  // Paint latency.
  const p = b.paint;
  if (p && !p.error) {
    const o = p.optimistic.stats;
    const base = p.baseline.stats;
    rows.push(
      row(
        `Optimistic paint: click Save → new title (PATCH held ${p.delayMs} ms, ${p.edits} edits)`,
        `median ${ms(o.median)}, p95 ${ms(o.p95)}`,
        'p95 ≤ 8 ms',
        o.n ? verdict(o.p95 <= 8) : 'NOT MEASURED',
        `p95 ${REFERENCE.paintP95Ms} ms`,
      ),
    );
    if (p.baseline.switchHonoured) {
      const ratio = o.p95 / base.median;
      rows.push(
        row(
          'Optimistic paint vs baseline (`?optimistic=off`, waits for the server)',
          `baseline median ${ms(base.median)}, p95 ${ms(base.p95)}; ratio p95/baseline median ${ratio.toFixed(4)}`,
          '≤ 0.01 × baseline',
          verdict(ratio <= 0.01),
        ),
      );
    } else {
      rows.push(
        row(
          'Optimistic paint vs baseline (`?optimistic=off`)',
          base.n ? `with ?optimistic=off the title still painted in median ${ms(base.median)}` : 'n/a',
          '≤ 0.01 × baseline',
          'NOT MEASURED',
          '',
          'the app does not honour ?optimistic=off yet (paint came before the 1000 ms server delay)',
        ),
      );
    }
    const net = p.optimistic.network || [];
    const exact = net.filter((n) => n.writes === 1 && n.writesToEvent === 1 && n.refetchEdited === 1 && n.otherKeys === 0);
    const sample = net[0] || {};
    rows.push(
      row(
        'Requests per edit (event page)',
        `${exact.length}/${net.length} edits exactly 1 write + 1 refetch; typical: ${sample.writes ?? '?'} write, ${sample.refetchEdited ?? '?'} refetch of the event, ${sample.otherKeys ?? '?'} other`,
        '1 write, 1 refetch of the edited event, 0 others',
        net.length ? verdict(exact.length === net.length) : 'NOT MEASURED',
      ),
    );
    const others = [...new Set(net.flatMap((n) => n.other || []))];
    if (others.length) notes.push(`Other requests seen during edits: ${others.join(', ')}.`);
    if (!p.optimistic.allShownAfterSettle) notes.push('After settling, some edits did not show the saved title.');
  } else {
    rows.push(row('Optimistic paint', 'n/a', 'p95 ≤ 8 ms', 'NOT MEASURED', '', p?.error || 'no data'));
  }

  // Readers of one key.
  const r = b.readers;
  if (r && !r.error) {
    for (const [name, x] of Object.entries(r)) {
      const five = x.readers >= 5;
      rows.push(
        row(
          `Requests for one key read by ${x.readers ?? '?'} component(s) (${name}, \`${x.key}\`)`,
          `${x.requestsForKey} request(s)`,
          '1 request (5 readers)',
          five ? verdict(x.requestsForKey === 1) : x.requestsForKey === 1 ? 'PASS (fewer readers)' : 'FAIL',
          '',
          five ? '' : `no page has five readers of one key; measured the ${x.readers ?? '?'} that exist`,
        ),
      );
    }
  } else {
    rows.push(row('Requests for one key', 'n/a', '1', 'NOT MEASURED', '', r?.error || 'no data'));
  }

  // Large list.
  const l = b.largeList;
  if (l && !l.error) {
    rows.push(
      row(
        `Large list: first render (${seed.created ?? '?'} events in the database)`,
        `${ms(l.render.firstItemFrame)} to the first row's frame; ${l.render.rows} rows rendered, ${l.render.domNodes} elements`,
        '(no target)',
        'INFO',
        '',
        l.render.rows < (seed.created ?? 0) ? `the list shows its first page (${l.render.rows} rows); "Show more" and scrolling load the rest` : '',
      ),
    );
    rows.push(
      row(
        'Large list: apply one optimistic status edit',
        `median ${ms(l.applyMs.median)}, p95 ${ms(l.applyMs.p95)} (${l.applyMs.n} edits)`,
        'p95 ≤ 16 ms',
        l.applyMs.n ? verdict(l.applyMs.p95 <= 16) : 'NOT MEASURED',
      ),
    );
    const outside = l.recordsOutsideRow;
    rows.push(
      row(
        'Large list: DOM touched by that edit',
        `median ${l.records.median} mutation records, ${outside.median} outside the edited row (max ${outside.max}); nodes added/removed in first edit ${l.edits[0]?.nodesAdded}/${l.edits[0]?.nodesRemoved}`,
        'only the changed row',
        l.records.n ? verdict(outside.max === 0) : 'NOT MEASURED',
      ),
    );
    const listNet = l.edits.map((e) => e.network);
    const listOther = [...new Set(listNet.flatMap((n) => n.other || []))];
    rows.push(
      row(
        'Large list: requests per status edit',
        `writes ${listNet.map((n) => n.writes).join('/')}; refetches of the edited event ${listNet.map((n) => n.refetchEdited).join('/')}; other GETs ${listNet.map((n) => n.otherKeys).join('/')}${listOther.length ? ` (${listOther.join(', ')})` : ''}`,
        '(informational)',
        'INFO',
      ),
    );
  } else {
    rows.push(row('Large list', 'n/a', 'p95 ≤ 16 ms', 'NOT MEASURED', '', l?.error || 'no data'));
  }

  rows.push(...calendarRows(b.calendar, { row, verdict, ms }));

  // Size.
  if (sizes.totals) {
    const t = sizes.totals;
    // The first load is what /events needs before its first item; a split build fetches its
    // deferred module after the app has started (bench/sizes.mjs, e2e/tests/split.spec.ts).
    const first = t.firstLoad ?? t.all;
    const deferred = t.deferred?.brotli ? `; deferred module ${kb(t.deferred.brotli)} after start` : '';
    rows.push(
      row(
        'Size: first load of /events (wasm + js + css), brotli (q11)',
        `${kb(first.brotli)} (wasm ${kb(t.wasm.brotli)}, js ${kb(t.js.brotli)}, css ${kb(t.css.brotli)}); gzip ${kb(first.gzip)}; raw ${kb(first.raw)}${deferred}`,
        '≤ 150 kB (aim < 84 kB)',
        verdict(first.brotli <= 150 * KB) + (first.brotli <= 84 * KB ? ' (aim met)' : ' (aim missed)'),
        `${REFERENCE.brotliKB} kB`,
      ),
    );
  }

  // Cold start.
  const c = b.coldStart;
  if (c && !c.error) {
    rows.push(
      row(
        `Cold start: navigation → first list item visible (${c.visible.n} loads, cache off)`,
        `median ${ms(c.visible.median)} (DOM insert ${ms(c.domInserted.median)}), p95 ${ms(c.visible.p95)}`,
        '≤ 170 ms (aim ≤ 120 ms)',
        verdict(c.visible.median <= 170) + (c.visible.median <= 120 ? ' (aim met)' : ' (aim missed)'),
        `${REFERENCE.coldStartMs} ms`,
      ),
    );
  } else {
    rows.push(row('Cold start', 'n/a', '≤ 170 ms', 'NOT MEASURED', '', c?.error || 'no data'));
  }

  // Memory.
  const m = b.memory;
  if (m && !m.error) {
    rows.push(
      row(
        `Memory: JS heap + wasm memory after ${m.edits} edits vs after 10`,
        `growth ${mb(m.growthBytes)} (JS ${mb(m.jsGrowthBytes)}, wasm ${mb(m.wasmGrowthBytes)}); after 10: ${mb(m.after10.total)}, after ${m.edits}: ${mb(m.afterN.total)}`,
        '≤ 1 MB',
        verdict(m.growthBytes <= 1e6),
      ),
    );
  } else {
    rows.push(row('Memory growth', 'n/a', '≤ 1 MB', 'NOT MEASURED', '', m?.error || 'no data'));
  }
  const g = b.gc;
  if (g && !g.error) {
    rows.push(
      row(
        `Cache entries without readers after the gc time (${g.visited.length} events visited, gc ${g.gcMs / 1000} s)`,
        `${g.readerlessBefore} readerless entries on leaving, ${g.readerlessAfter} after ${(g.waitedMs / 1000).toFixed(0)} s`,
        '0 after gc time',
        g.reached ? verdict(g.readerlessAfter === 0) : 'NOT MEASURED',
        '',
        g.reached ? '' : `the run lasted ${(g.waitedMs / 1000).toFixed(0)} s of the ${g.gcMs / 1000} s gc time (a full run waits up to 4 min)`,
      ),
    );
  } else {
    rows.push(row('Cache gc', 'n/a', '0 after gc time', 'NOT MEASURED', '', g?.error || 'no data'));
  }

  // Server.
  if (load.scenarios) {
    const get = (name) => load.scenarios.find((s) => s.name === name);
    const patch = get('PATCH /api/events/{id}');
    rows.push(
      row(
        `Server: PATCH at ${load.concurrency} clients (SQLite file)`,
        `${patch.throughput.toFixed(0)} req/s, p50 ${ms(patch.p50_ms)}, p99 ${ms(patch.p99_ms)}, ${patch.errors} errors`,
        'p99 ≤ 5 ms',
        verdict(patch.p99_ms <= 5 && patch.errors === 0),
      ),
    );
    for (const name of ['PATCH /api/events/{id} with Idempotency-Key', 'GET /api/events/{id}', 'GET /api/health']) {
      const s = get(name);
      if (!s) continue; // a report rebuilt from an older load.json
      rows.push(
        row(
          `Server: ${name} at ${load.concurrency} clients${name.includes('health') ? ' (baseline)' : ''}`,
          `${s.throughput.toFixed(0)} req/s, p50 ${ms(s.p50_ms)}, p99 ${ms(s.p99_ms)}, ${s.errors} errors`,
          name.includes('Idempotency') ? '(what the app sends; key check, write and record in one transaction)' : '(baseline)',
          'INFO',
        ),
      );
    }
  } else {
    rows.push(row('Server load', 'n/a', 'p99 ≤ 5 ms', 'NOT MEASURED', '', load.error || 'no data'));
  }

  // Backends and instances (scale.json from the bench's scale step).
  if (scale.rows) {
    const name = (r) => (r.backend === 'postgres' ? 'PostgreSQL' : 'SQLite file');
    for (const r of scale.rows.filter((r) => r.patch)) {
      const p = r.patch;
      rows.push(
        row(
          `Server: PATCH at ${p.concurrency} clients, ${name(r)}, ${r.instances} instance${r.instances > 1 ? 's' : ''}`,
          `${p.throughput.toFixed(0)} req/s, p50 ${ms(p.p50_ms)}, p99 ${ms(p.p99_ms)}, ${p.errors} errors`,
          '(informational; 2 s, each client its own event, clients round-robin over the instances)',
          'INFO',
        ),
      );
    }
    for (const r of scale.rows.filter((r) => r.feed)) {
      const f = r.feed;
      rows.push(
        row(
          `Change feed: write sent → event received, ${name(r)}, ${r.across ? 'subscriber on another instance (LISTEN/NOTIFY)' : 'subscriber on the same instance'}`,
          `p50 ${ms(f.p50_ms)}, p99 ${ms(f.p99_ms)}, max ${ms(f.max_ms)} (${f.writes} PATCHes one at a time)`,
          '(informational; an upper bound of commit → event)',
          'INFO',
        ),
      );
    }
  } else {
    rows.push(row('Server: instances and PostgreSQL', 'n/a', '', 'NOT MEASURED', '', scale.error || 'no data'));
  }

  return { facts, sizes, browser: b, load, seed, twiggy, rows, notes };
}

function markdown(r, work) {
  const f = r.facts;
  const out = [];
  out.push('# Eventual benchmark report');
  out.push('');
  out.push(
    `Produced by \`cargo xtask bench${f.quick ? ' --quick' : ''}\` in one run (${Math.round(f.seconds ?? 0)} s). ` +
      'Timings are taken inside Chromium (performance.now(), MutationObserver) or by a Rust client on loopback; ' +
      'the machine is shared, so ratios against baselines measured in the same run carry more weight than absolute figures.' +
      (f.quick ? ' **Quick mode: fewer iterations; not a reportable run.**' : ''),
  );
  out.push('');
  out.push('## Machine');
  out.push('');
  out.push(`- date: ${f.date}`);
  out.push(`- CPU: ${f.cpu}; nproc ${f.nproc}; memory ${(f.memoryBytes / 2 ** 30).toFixed(1)} GiB`);
  out.push(`- load average at start: ${f.loadavgAtStart}; at end: ${f.loadavgAtEnd}`);
  out.push(`- ${f.rustc}; node ${f.node}; ${f.chromium}`);
  out.push('');
  out.push('## Figures');
  out.push('');
  out.push('| figure | measured | target | result | React 19 + TanStack Query v5 |');
  out.push('|---|---|---|---|---|');
  for (const x of r.rows) {
    const status = x.note ? `${x.status} — ${x.note}` : x.status;
    out.push(`| ${x.figure} | ${x.value} | ${x.target} | ${status} | ${x.reference} |`);
  }
  out.push('');
  if (r.notes.length) {
    for (const n of r.notes) out.push(`- ${n}`);
    out.push('');
  }

  out.push('## Sizes of the release build');
  out.push('');
  out.push('`trunk build --release --offline` through the same code as `cargo xtask dist`; gzip level 9, brotli quality 11 (node zlib).');
  out.push('');
  out.push('| file | raw | gzip | brotli |');
  out.push('|---|---|---|---|');
  for (const file of r.sizes.files || []) {
    out.push(`| ${file.name} | ${kb(file.raw)} | ${kb(file.gzip)} | ${kb(file.brotli)} |`);
  }
  const t = r.sizes.totals;
  if (t?.firstLoad && t.deferred?.raw) {
    out.push(`| **first load** (all but the deferred module) | ${kb(t.firstLoad.raw)} | ${kb(t.firstLoad.gzip)} | ${kb(t.firstLoad.brotli)} |`);
  }
  if (t) out.push(`| **total** | ${kb(t.all.raw)} | ${kb(t.all.gzip)} | ${kb(t.all.brotli)} |`);
  out.push('');

  out.push('## Where the wasm size goes');
  out.push('');
  out.push(
    'The shipped wasm carries no names (wasm-opt drops the name section), so twiggy would see only numbered functions. The bench links a copy with ' +
      '`cargo rustc --release … -- -C strip=none` (same dependencies, only the final link differs), runs it through the same `wasm-bindgen` ' +
      'and `wasm-opt -Os` as Trunk, with `wasm-opt -g` keeping the name section: the same code with names added. Sizes below are ' +
      'uncompressed bytes of that wasm (name and debug sections excluded). Items are grouped by the first `crate::` path in their ' +
      'name, so generic code instantiated for the app counts under the crate that defines it.',
  );
  out.push('');
  if (r.twiggy) {
    const shipped = (r.sizes.totals?.wasm.raw ?? 0) + (r.sizes.totals?.deferred?.raw ?? 0);
    out.push(
      `Code and data of the named copy: ${kb(r.twiggy.total)} (shipped wasm, both modules of the split: ${kb(shipped)}); names and debug sections of the copy, left out: ${kb(r.twiggy.namesSection)}.`,
    );
    out.push('');
    out.push('| crate | bytes | share |');
    out.push('|---|---|---|');
    for (const c of r.twiggy.crates.slice(0, 20)) {
      out.push(`| ${c.crate} | ${kb(c.bytes)} | ${(c.share * 100).toFixed(1)}% |`);
    }
    out.push('');
    const top = readText(work, 'twiggy-top.txt');
    if (top) {
      out.push('`twiggy top -n 30`:');
      out.push('');
      out.push('```');
      out.push(top.trimEnd());
      out.push('```');
      out.push('');
    }
    const dom = readText(work, 'twiggy-dominators.txt');
    if (dom) {
      out.push('<details><summary><code>twiggy dominators -d 3 -r 40</code></summary>');
      out.push('');
      out.push('```');
      out.push(dom.trimEnd());
      out.push('```');
      out.push('');
      out.push('</details>');
      out.push('');
    }
  } else {
    out.push('Not available in this run (twiggy or the named build failed; see the bench output).');
    out.push('');
  }

  out.push('## Size levers');
  out.push('');
  const serde = r.twiggy?.crates.filter((c) => /^serde/.test(c.crate)) || [];
  const serdeBytes = serde.reduce((a, c) => a + c.bytes, 0);
  out.push(
    'What each lever bought, measured alone, is in `bench/README.md` ("Size levers"); the shipped build has them all:',
  );
  out.push('');
  out.push(
    '- **std built for size**: `-Zbuild-std=std,panic_abort`, `-Cpanic=immediate-abort`, `-Zlocation-detail=none`, ' +
      '`-Zfmt-debug=none` on the pinned stable rustc with `RUSTC_BOOTSTRAP=1`, for the wasm release build only ' +
      '(`xtask/src/cmd/dist.rs`), plus Leptos `--cfg erase_components`.',
  );
  out.push(
    `- **No serde_json in the wasm**: the browser's \`JSON.parse\`/\`JSON.stringify\` with serde-wasm-bindgen (\`src/json.rs\`). ` +
      `What is left under ${serde.map((c) => c.crate).join(', ') || 'serde crates'} is ${kb(serdeBytes)} raw; every item whose name ` +
      `mentions serde (the derived \`Deserialize\`/\`Serialize\` impls included) adds up to ${kb(r.twiggy?.serdeAny)}.`,
  );
  const jsFile = (r.sizes.files || []).find((x) => x.kind === 'js' && x.name.startsWith('eventual'));
  if (jsFile) {
    out.push(
      `- **JS glue** minified with terser (\`xtask/minify.mjs\`): ${kb(jsFile.raw)} raw, ${kb(jsFile.brotli)} brotli.`,
    );
  }
  out.push('- **wasm-opt** `-Os` (smaller in brotli than `-Oz` here), Rust `opt-level = "z"` (`"s"` is far larger).');
  out.push('');

  if (r.load.scenarios) {
    out.push('## Server load');
    out.push('');
    out.push(
      `Release eventual-server on a fresh SQLite file, ${r.load.concurrency} concurrent keep-alive clients (reqwest, tokio) on loopback, ` +
        `${r.load.millis / 1000} s per scenario after 5 warm-up requests per client; each client PATCHes its own event (a real write every time). ` +
        'Client and server share the same two cores.',
    );
    out.push('');
    out.push('| scenario | requests | errors | req/s | p50 | p90 | p99 | max |');
    out.push('|---|---|---|---|---|---|---|---|');
    for (const s of r.load.scenarios) {
      out.push(
        `| ${s.name} | ${s.requests} | ${s.errors} | ${s.throughput.toFixed(0)} | ${ms(s.p50_ms)} | ${ms(s.p90_ms)} | ${ms(s.p99_ms)} | ${ms(s.max_ms)} |`,
      );
    }
    out.push('');
  }

  out.push('## How each figure is measured');
  out.push('');
  out.push(
    [
      '- **Paint**: a server with `--latency-ms 1000 --fault-methods PATCH,PUT`; Playwright fills Title and clicks Save; a capture-phase click listener stamps `performance.now()`, a MutationObserver stamps the moment the `h1` holds the new title. Each edit settles (form `aria-busy="false"`, no API request for 400 ms) before the next. Baseline: the same on `/events/{id}?optimistic=off`.',
      '- **Requests**: `page.on(\'request\')` for `/api/` during each edit, from the click until the network is quiet.',
      '- **Readers**: the devtools panel (`?devtools`) lists cache entries with their reader count; requests for that key are counted while the page loads.',
      '- **Large list**: 10,000 events created by bulk POSTs (`load seed`); time from navigation to the frame after the first row is inserted. Edits change a row\'s status select; a MutationObserver on the list records every mutation in the 400 ms after the change event (the PATCH is held 1000 ms, so only the optimistic update is seen); "apply" is the first observer callback after the change event.',
      '- **Cold start**: a new browser context per load with the HTTP cache disabled (CDP `Network.setCacheDisabled`); `performance.now()` (from navigation start) at the animation frame after the first list item is inserted; one warm-up load first, not counted.',
      '- **Memory**: CDP `HeapProfiler.collectGarbage`, then `Runtime.getHeapUsage().usedSize` plus the wasm `memory.buffer.byteLength` (from Trunk\'s `TrunkApplicationStarted` event), after 10 edits and after all edits (driven in the page: set Title, click Save, wait for settle). Wasm memory never shrinks, so its growth is the peak need.',
      '- **Gc**: a page visits five events and returns to the list; the devtools table is read on leaving and again after the gc time.',
      CALENDAR_METHOD,
    ].join('\n'),
  );
  out.push('');
  return out.join('\n');
}

function main() {
  const [work, outDir] = process.argv.slice(2);
  if (!work || !outDir) throw new Error('usage: node bench/report.mjs WORK_DIR OUT_DIR');
  const r = evaluate(work);
  const json = {
    facts: r.facts,
    figures: r.rows,
    notes: r.notes,
    reference: REFERENCE,
    sizes: r.sizes,
    wasmBreakdown: r.twiggy,
    browser: r.browser,
    load: r.load,
    seed: r.seed,
  };
  writeFileSync(join(outDir, 'report.json'), JSON.stringify(json, null, 2) + '\n');
  writeFileSync(join(outDir, 'report.md'), markdown(r, work));
  const counts = {};
  for (const x of r.rows) counts[x.status.split(' ')[0]] = (counts[x.status.split(' ')[0]] || 0) + 1;
  process.stderr.write(`[report] ${JSON.stringify(counts)} → ${outDir}/report.md\n`);
}

main();
