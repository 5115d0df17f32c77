// Browser measurements for `cargo xtask bench`: runs the release build in the system Chromium
// through Playwright and prints one JSON object on stdout (progress goes to stderr).
//
// Environment (set by `cargo xtask bench`):
//   BENCH_PLAIN_URL  server with ~20 seeded events, no faults, serving dist/
//   BENCH_SLOW_URL   server with --latency-ms 1000 --fault-methods PATCH,PUT and 10,000 events
//   BENCH_SMALL_URL  server whose database holds 100 events (2027), serving dist/
//   BENCH_BIG_URL    the same with 100,000 events
//   BENCH_QUICK=1    fewer iterations (development)
//   BENCH_GC_MS      the app's cache gc time (default 300000)
//   CHROMIUM_PATH    browser executable (default /usr/bin/chromium)
//
// Timing is taken inside the page (performance.now(), MutationObserver), never from Playwright
// round trips. Every scenario is bounded and catches its own errors so one failure still
// leaves a report.
import { chromium } from '@playwright/test';
import { calendar } from './calendar.mjs';
import { scale } from './calendar-scale.mjs';

const PLAIN = required('BENCH_PLAIN_URL');
const SLOW = required('BENCH_SLOW_URL');
const SMALL = required('BENCH_SMALL_URL');
const BIG = required('BENCH_BIG_URL');
const QUICK = process.env.BENCH_QUICK === '1';
const GC_MS = Number(process.env.BENCH_GC_MS || 300_000);
const N = {
  paintEdits: QUICK ? 5 : 30,
  coldLoads: QUICK ? 3 : 10,
  listEdits: QUICK ? 3 : 10,
  memoryEdits: QUICK ? 100 : 1000,
  gcVisits: 5,
};
// Longest we wait at the end for the gc time to pass (a full run stays under ~10 minutes).
const GC_WAIT_CAP_MS = QUICK ? 0 : 240_000;

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set; run this through \`cargo xtask bench\``);
  return v.replace(/\/$/, '');
}

function log(msg) {
  process.stderr.write(`[bench] ${msg}\n`);
}

/** n, min, median, p95, max, mean of the finite numbers in `xs` (nearest-rank percentiles). */
export function stats(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return { n: 0 };
  const pct = (p) => v[Math.min(v.length, Math.max(1, Math.ceil((p / 100) * v.length))) - 1];
  const round = (x) => Math.round(x * 1000) / 1000;
  return {
    n: v.length,
    min: round(v[0]),
    median: round(pct(50)),
    p95: round(pct(95)),
    max: round(v[v.length - 1]),
    mean: round(v.reduce((a, b) => a + b, 0) / v.length),
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function api(base, method, path, body) {
  const res = await fetch(`${base}/api${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

function eventInput(title) {
  const start = new Date();
  start.setUTCHours(9, 0, 0, 0);
  start.setUTCDate(start.getUTCDate() + 2);
  const end = new Date(start.getTime() + 3600_000);
  const iso = (d) => d.toISOString().replace('.000Z', 'Z');
  return { title, start: iso(start), end: iso(end), location: 'Bench room' };
}

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

// Runs in every page before the app: first list item time, wasm exports, click/change times.
function pageInit() {
  window.__bench = { firstItem: null, firstItemFrame: null, clickAt: 0, changeAt: 0, wasm: null };
  addEventListener('TrunkApplicationStarted', (e) => {
    window.__bench.wasm = e.detail && e.detail.wasm;
    window.__bench.started = performance.now();
  });
  new MutationObserver((_, obs) => {
    if (document.querySelector('ul[aria-label="Events"] > li')) {
      window.__bench.firstItem = performance.now();
      requestAnimationFrame(() => {
        window.__bench.firstItemFrame = performance.now();
      });
      obs.disconnect();
    }
  }).observe(document, { subtree: true, childList: true });
  document.addEventListener(
    'click',
    (e) => {
      const b = e.target instanceof Element && e.target.closest('button');
      if (b && b.textContent.trim() === 'Save') window.__bench.clickAt = performance.now();
    },
    true,
  );
  document.addEventListener('change', () => (window.__bench.changeAt = performance.now()), true);
}

/** Tracks /api/ requests of a page: in-flight count, last activity, and a log. */
function trackApi(page) {
  const t = { log: [], inflight: 0, last: Date.now() };
  // The live stream (`/api/events/changes`) never finishes: it is not traffic that settles.
  const isApi = (r) => {
    const path = new URL(r.url()).pathname;
    return path.includes('/api/') && !path.endsWith('/events/changes');
  };
  page.on('request', (r) => {
    if (!isApi(r)) return;
    const u = new URL(r.url());
    t.log.push({ at: Date.now(), method: r.method(), path: u.pathname + u.search });
    t.inflight++;
    t.last = Date.now();
  });
  const done = (r) => {
    if (!isApi(r)) return;
    t.inflight = Math.max(0, t.inflight - 1);
    t.last = Date.now();
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  t.idle = async (quietMs = 400, timeoutMs = 15_000) => {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (t.inflight === 0 && Date.now() - t.last >= quietMs) return true;
      await sleep(25);
    }
    return false;
  };
  return t;
}

/** Classifies the API requests of one edit of event `id`. */
function classify(requests, id) {
  const eventPath = `/api/events/${id}`;
  const writes = requests.filter((r) => r.method !== 'GET');
  const refetch = requests.filter((r) => r.method === 'GET' && r.path === eventPath);
  const other = requests.filter((r) => r.method === 'GET' && r.path !== eventPath);
  return {
    writes: writes.length,
    writesToEvent: writes.filter((r) => r.path === eventPath).length,
    refetchEdited: refetch.length,
    otherKeys: other.length,
    other: other.map((r) => r.path),
  };
}

async function newPage(browser, { cacheDisabled = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.addInitScript(pageInit);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  if (cacheDisabled) {
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  }
  return { context, page, cdp };
}

async function titleInput(page) {
  const input = page.getByRole('textbox', { name: 'Title', exact: true });
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  return input;
}

async function formSettled(page, timeout = 20_000) {
  await page.waitForFunction(
    () => document.querySelector('form[aria-label="Event"]')?.getAttribute('aria-busy') === 'false',
    null,
    { timeout, polling: 20 },
  );
}

/** Paint latency: click Save → new h1 text, `edits` times, on `url`. */
async function paintRun(browser, url, id, edits, label) {
  const { context, page } = await newPage(browser);
  const net = trackApi(page);
  try {
    await page.goto(url);
    const input = await titleInput(page);
    await net.idle();
    const samples = [];
    const network = [];
    const correct = [];
    for (let i = 0; i < edits; i++) {
      const title = `Paint ${label} ${i} ${Date.now().toString(36)}`;
      await input.fill(title);
      await page.evaluate((expected) => {
        const h1 = () => document.querySelector('h1')?.textContent.trim();
        window.__bench.pending = new Promise((resolve) => {
          const obs = new MutationObserver(() => {
            if (h1() === expected) {
              const at = performance.now();
              obs.disconnect();
              resolve(at - window.__bench.clickAt);
            }
          });
          obs.observe(document.body, { subtree: true, childList: true, characterData: true });
          setTimeout(() => {
            obs.disconnect();
            resolve(null);
          }, 10_000);
        });
      }, title);
      const before = net.log.length;
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      samples.push(await page.evaluate(() => window.__bench.pending));
      await formSettled(page);
      await net.idle();
      network.push(classify(net.log.slice(before), id));
      correct.push((await page.locator('h1').first().textContent()).trim() === title);
    }
    return { samples, stats: stats(samples), network, allShownAfterSettle: correct.every(Boolean) };
  } finally {
    await context.close();
  }
}

async function paint(browser) {
  const ev = await api(SLOW, 'POST', '/events', eventInput('Paint latency bench'));
  log(`paint: optimistic, ${N.paintEdits} edits, PATCH delayed 1000 ms`);
  const optimistic = await paintRun(browser, `${SLOW}/events/${ev.id}`, ev.id, N.paintEdits, 'on');
  log(`paint: baseline ?optimistic=off, ${N.paintEdits} edits`);
  const baseline = await paintRun(
    browser,
    `${SLOW}/events/${ev.id}?optimistic=off`,
    ev.id,
    N.paintEdits,
    'off',
  );
  // With the switch honoured, nothing can paint before the 1000 ms server delay.
  const honoured = baseline.stats.n > 0 && baseline.stats.min >= 900;
  return { delayMs: 1000, edits: N.paintEdits, eventId: ev.id, optimistic, baseline: { ...baseline, switchHonoured: honoured } };
}

/** Reads the devtools panel's cache table: [{key, status, readers}]. */
async function devtoolsEntries(page) {
  return page.evaluate(() => {
    const table = document.querySelector('aside.devtools table, [aria-labelledby="devtools-heading"] table');
    if (!table) return null;
    return [...table.querySelectorAll('tbody tr')].map((tr) => {
      const td = [...tr.querySelectorAll('td')].map((c) => c.textContent.trim());
      return { key: td[0], status: td[1], age: td[2], readers: Number(td[3]) };
    });
  });
}

/** Requests when components read one key, with the number of readers the cache reports. */
async function readers(browser) {
  const ev = await api(PLAIN, 'POST', '/events', eventInput('Readers bench'));
  const out = {};
  for (const [name, path, key, apiPath] of [
    ['event page', `/events/${ev.id}?devtools`, `events/${ev.id}`, (p) => p === `/api/events/${ev.id}`],
    // The list loads in pages (`/api/events?_page=1&_limit=…`): any GET of the list counts.
    ['list page', `/events?devtools`, 'events/list', (p) => p.split('?')[0] === '/api/events'],
  ]) {
    const { context, page } = await newPage(browser);
    const net = trackApi(page);
    try {
      await page.goto(`${PLAIN}${path}`);
      await page.waitForSelector('[aria-labelledby="devtools-heading"]', { timeout: 20_000 });
      await net.idle(600);
      const entries = (await devtoolsEntries(page)) || [];
      const entry = entries.find((e) => e.key === key);
      out[name] = {
        key,
        readers: entry ? entry.readers : null,
        requestsForKey: net.log.filter((r) => r.method === 'GET' && apiPath(r.path)).length,
        allRequests: net.log.map((r) => `${r.method} ${r.path}`),
      };
    } finally {
      await context.close();
    }
  }
  return out;
}

/** Cold start: new context, cache disabled, navigation → first list item. */
async function coldStart(browser) {
  const samples = [];
  const dom = [];
  const detail = [];
  for (let i = 0; i <= N.coldLoads; i++) {
    const { context, page } = await newPage(browser, { cacheDisabled: true });
    try {
      await page.goto(`${PLAIN}/events`, { waitUntil: 'commit' });
      await page.waitForFunction(() => window.__bench.firstItemFrame !== null, null, {
        timeout: 20_000,
        polling: 10,
      });
      const t = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        return {
          firstItemFrame: window.__bench.firstItemFrame,
          firstItem: window.__bench.firstItem,
          wasmStarted: window.__bench.started ?? null,
          responseEnd: nav?.responseEnd ?? null,
          domContentLoaded: nav?.domContentLoadedEventEnd ?? null,
        };
      });
      // The first load also starts the browser's renderer machinery: a warm-up, not counted.
      if (i > 0) {
        samples.push(t.firstItemFrame);
        dom.push(t.firstItem);
        detail.push(t);
      }
    } finally {
      await context.close();
    }
  }
  return { loads: N.coldLoads, visible: stats(samples), domInserted: stats(dom), samples, detail };
}

/** 10,000 events: first render, then optimistic status edits in the list. */
async function largeList(browser) {
  const { context, page, cdp } = await newPage(browser);
  const net = trackApi(page);
  try {
    await page.goto(`${SLOW}/events`);
    await page.waitForFunction(() => window.__bench.firstItemFrame !== null, null, { timeout: 60_000, polling: 10 });
    await net.idle(600, 60_000);
    const render = await page.evaluate(() => ({
      firstItem: window.__bench.firstItem,
      firstItemFrame: window.__bench.firstItemFrame,
      rows: document.querySelectorAll('ul[aria-label="Events"] > li').length,
      domNodes: document.getElementsByTagName('*').length,
    }));
    const edits = [];
    for (let i = 0; i < N.listEdits; i++) {
      const row = (7 + i * 97) % Math.max(1, render.rows);
      const li = page.locator('ul[aria-label="Events"] > li').nth(row);
      const select = li.locator('select');
      await select.scrollIntoViewIfNeeded();
      const current = await select.inputValue();
      const next = ['confirmed', 'tentative', 'cancelled'].find((s) => s !== current);
      const href = await li.locator('a').first().getAttribute('href');
      const id = href.split('/').pop();
      await page.evaluate((rowIndex) => {
        const ul = document.querySelector('ul[aria-label="Events"]');
        const rowEl = ul.children[rowIndex];
        const b = window.__bench;
        b.records = [];
        b.callbacks = [];
        b.obs?.disconnect();
        b.obs = new MutationObserver((recs) => {
          b.callbacks.push(performance.now());
          for (const r of recs) {
            const t = r.target;
            const inRow = rowEl.isConnected && (t === rowEl || rowEl.contains(t));
            b.records.push({ type: r.type, inRow, added: r.addedNodes.length, removed: r.removedNodes.length });
          }
        });
        b.obs.observe(ul.parentElement, { subtree: true, childList: true, attributes: true, characterData: true });
        b.targets = new Set();
        b.targetObs = new MutationObserver((recs) => recs.forEach((r) => b.targets.add(r.target)));
        b.targetObs.observe(ul.parentElement, { subtree: true, childList: true, attributes: true, characterData: true });
      }, row);
      const before = net.log.length;
      await select.selectOption(next);
      // The server holds the PATCH for 1000 ms: what changes in the next 400 ms is the
      // optimistic update alone.
      await sleep(400);
      const m = await page.evaluate(() => {
        const b = window.__bench;
        b.obs.disconnect();
        b.targetObs.disconnect();
        const targets = b.targets.size;
        b.targets = null;
        return {
          applyMs: b.callbacks.length ? b.callbacks[0] - b.changeAt : null,
          lastMutationMs: b.callbacks.length ? b.callbacks[b.callbacks.length - 1] - b.changeAt : null,
          records: b.records.length,
          recordsOutsideRow: b.records.filter((r) => !r.inRow).length,
          nodesAdded: b.records.reduce((a, r) => a + r.added, 0),
          nodesRemoved: b.records.reduce((a, r) => a + r.removed, 0),
          targets,
        };
      });
      await net.idle(600, 30_000);
      edits.push({ row, id, ...m, network: classify(net.log.slice(before), id) });
    }
    const metrics = await cdp.send('Performance.enable').then(() => cdp.send('Performance.getMetrics'));
    const nodes = metrics.metrics.find((x) => x.name === 'Nodes')?.value ?? null;
    return {
      render,
      edits,
      applyMs: stats(edits.map((e) => e.applyMs)),
      records: stats(edits.map((e) => e.records)),
      recordsOutsideRow: stats(edits.map((e) => e.recordsOutsideRow)),
      domNodesAfter: nodes,
    };
  } finally {
    await context.close();
  }
}

async function heapAndWasm(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await sleep(100);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const wasm = await page.evaluate(() => window.__bench.wasm?.memory?.buffer?.byteLength ?? null);
  const m = await cdp.send('Performance.getMetrics');
  const metric = (n) => m.metrics.find((x) => x.name === n)?.value ?? null;
  return {
    jsHeapUsed: heap.usedSize,
    wasmMemory: wasm,
    total: heap.usedSize + (wasm ?? 0),
    domNodes: metric('Nodes'),
    listeners: metric('JSEventListeners'),
  };
}

/** Edits through the form, driven inside the page (no round trips per edit). */
async function editInPage(page, from, count) {
  return page.evaluate(
    async ([from, count]) => {
      const input = document.getElementById('event-title');
      const form = document.querySelector('form[aria-label="Event"]');
      const save = [...form.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Save');
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
      const wait = (cond) =>
        new Promise((resolve, reject) => {
          const until = performance.now() + 20_000;
          const tick = () => {
            if (cond()) resolve();
            else if (performance.now() > until) reject(new Error('edit did not settle'));
            else setTimeout(tick, 2);
          };
          tick();
        });
      for (let i = from; i < from + count; i++) {
        const title = `Memory edit ${i}`;
        setValue.call(input, title);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        save.click();
        await wait(() => document.querySelector('h1')?.textContent.trim() === title);
        await wait(() => form.getAttribute('aria-busy') === 'false');
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    [from, count],
  );
}

async function memory(browser) {
  const ev = await api(PLAIN, 'POST', '/events', eventInput('Memory bench'));
  const { context, page, cdp } = await newPage(browser);
  const net = trackApi(page);
  try {
    await cdp.send('Performance.enable');
    await page.goto(`${PLAIN}/events/${ev.id}`);
    await titleInput(page);
    await net.idle();
    await editInPage(page, 0, 10);
    await net.idle();
    const after10 = await heapAndWasm(page, cdp);
    const started = Date.now();
    await editInPage(page, 10, N.memoryEdits - 10);
    await net.idle();
    const afterN = await heapAndWasm(page, cdp);
    return {
      edits: N.memoryEdits,
      seconds: (Date.now() - started) / 1000,
      after10,
      afterN,
      growthBytes: afterN.total - after10.total,
      jsGrowthBytes: afterN.jsHeapUsed - after10.jsHeapUsed,
      wasmGrowthBytes: (afterN.wasmMemory ?? 0) - (after10.wasmMemory ?? 0),
      requests: net.log.length,
    };
  } finally {
    await context.close();
  }
}

/** Leaves `gcVisits` event pages for the list; returns the page to check later. */
async function gcStart(browser) {
  const { context, page } = await newPage(browser);
  await page.goto(`${PLAIN}/events`);
  await page.waitForFunction(() => window.__bench.firstItem !== null, null, { timeout: 20_000 });
  const links = page.locator('ul[aria-label="Events"] > li a');
  const visited = [];
  for (let i = 0; i < N.gcVisits; i++) {
    const link = links.nth(i);
    const href = await link.getAttribute('href');
    visited.push(`events/${href.split('/').pop()}`);
    await link.click();
    await titleInput(page);
    await page.getByRole('link', { name: 'Back to events', exact: true }).click();
    await page.waitForSelector('ul[aria-label="Events"] > li', { timeout: 20_000 });
  }
  await page.keyboard.press('Control+Shift+D');
  await page.waitForSelector('[aria-labelledby="devtools-heading"]', { timeout: 10_000 });
  const before = await devtoolsEntries(page);
  await page.keyboard.press('Control+Shift+D');
  return { context, page, visited, before, leftAt: Date.now() };
}

async function gcCheck(state) {
  const { context, page, visited, before, leftAt } = state;
  try {
    const need = GC_MS + 5_000 - (Date.now() - leftAt);
    if (need > 0 && need <= GC_WAIT_CAP_MS) {
      log(`gc: waiting ${Math.round(need / 1000)} s more for the ${GC_MS / 1000} s gc time`);
      await sleep(need);
    }
    const waited = Date.now() - leftAt;
    await page.keyboard.press('Control+Shift+D');
    await page.waitForSelector('[aria-labelledby="devtools-heading"]', { timeout: 10_000 });
    const after = await devtoolsEntries(page);
    const readerless = (rows) => (rows || []).filter((r) => visited.includes(r.key) && r.readers === 0);
    return {
      gcMs: GC_MS,
      waitedMs: waited,
      reached: waited >= GC_MS,
      visited,
      readerlessBefore: readerless(before).length,
      readerlessAfter: readerless(after).length,
      entriesBefore: before,
      entriesAfter: after,
    };
  } finally {
    await context.close();
  }
}

async function attempt(name, f) {
  const t = Date.now();
  try {
    const r = await f();
    log(`${name}: done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    return r;
  } catch (e) {
    log(`${name}: FAILED ${e.stack || e}`);
    return { error: String(e.message || e) };
  }
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: LAUNCH_ARGS,
    headless: true,
  });
  const out = { quick: QUICK, chromium: browser.version() };
  try {
    const gc = await attempt('gc setup', () => gcStart(browser));
    out.paint = await attempt('paint', () => paint(browser));
    out.readers = await attempt('readers', () => readers(browser));
    out.coldStart = await attempt('cold start', () => coldStart(browser));
    out.largeList = await attempt('large list', () => largeList(browser));
    out.calendar = await calendar(browser, { slow: SLOW, quick: QUICK, stats, attempt });
    out.calendar.scale = await attempt('calendar scale', () =>
      scale(browser, { small: SMALL, big: BIG, quick: QUICK, stats }),
    );
    out.memory = await attempt('memory', () => memory(browser));
    out.gc = gc.error ? gc : await attempt('gc check', () => gcCheck(gc));
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

main().catch((e) => {
  log(e.stack || String(e));
  process.exit(1);
});
