// "With 100,000 events in the database a week or month opens as fast as with 100" (issue 14):
// two servers that differ only in how many events their database holds (`cargo xtask bench`
// seeds them, all in 2027), the same 20 events created in a week of 2033 on both, and cold
// loads of that week and its month, interleaved so load swings hit both alike.
import { at, calPage, createAll, plus } from './calendar.mjs';

const WEEK = '2033-03-06'; // a Sunday (en-US week start)
const MONTH = '2033-03-01';

/** One cold load of `path`: navigation → the frame after all `ids` are painted. */
async function coldLoad(browser, base, path, ids) {
  const { context, page } = await calPage(browser);
  try {
    await page.addInitScript((ids) => {
      window.__scale = null;
      new MutationObserver((_, obs) => {
        if (!ids.every((id) => document.querySelector(`[role="group"] a[data-event-id="${id}"]`))) return;
        obs.disconnect();
        const dom = performance.now();
        requestAnimationFrame(() => (window.__scale = { dom, frame: performance.now() }));
      }).observe(document, { subtree: true, childList: true });
    }, ids);
    await page.goto(`${base}${path}`, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__scale !== null, null, { timeout: 30_000, polling: 10 });
    return await page.evaluate(() => {
      // The shown range is the request holding the events (the neighbours come back empty).
      const own = performance
        .getEntriesByType('resource')
        .filter((r) => r.name.includes('/api/events?') && r.name.includes('from='))
        .sort((a, b) => b.encodedBodySize - a.encodedBodySize)[0];
      return {
        frame: window.__scale.frame,
        // Request sent → first byte of the answer: the server's query, on loopback.
        server: own ? own.responseStart - own.requestStart : null,
      };
    });
  } finally {
    await context.close();
  }
}

/** Week and month cold loads on the 100-event and the 100,000-event server. */
export async function scale(browser, { small, big, quick, stats }) {
  const loads = quick ? 6 : 12;
  const inputs = Array.from({ length: 20 }, (_, j) => {
    const d = plus(WEEK, j % 7);
    return [`Scale bench ${j}`, at(d, 8 + (j % 9)), at(d, 8 + (j % 9), 45)];
  });
  const ids = {};
  for (const [name, base] of [['small', small], ['big', big]]) {
    ids[name] = (await createAll(base, inputs)).map((e) => String(e.id));
  }
  const views = { week: `/calendar/week/${WEEK}`, month: `/calendar/month/${MONTH}` };
  const raw = { week: { small: [], big: [] }, month: { small: [], big: [] } };
  for (let i = 0; i <= loads; i++) {
    for (const view of ['week', 'month']) {
      // Alternate which server goes first, so neither always gets the warmer turn.
      const order = i % 2 ? ['big', 'small'] : ['small', 'big'];
      for (const name of order) {
        const t = await coldLoad(browser, name === 'big' ? big : small, views[view], ids[name]);
        // The first round warms the browser's machinery; not counted, as in the cold start.
        if (i > 0) raw[view][name].push(t);
      }
    }
  }
  const sum = (xs) => ({ frame: stats(xs.map((x) => x.frame)), server: stats(xs.map((x) => x.server)) });
  const out = { events: { small: 100, big: 100_000 }, shown: inputs.length, week: WEEK, month: MONTH };
  for (const view of ['week', 'month']) {
    out[view] = { small: sum(raw[view].small), big: sum(raw[view].big), raw: raw[view] };
  }
  return out;
}
