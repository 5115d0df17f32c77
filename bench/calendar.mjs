// Calendar measurements for `cargo xtask bench` (issue 14), run by browser.mjs against the
// slow server (PATCH held 1000 ms): drop → event painted at its new place (pointer and
// keyboard), the requests of each move, "Next week" → its prefetched events painted, and the
// first render of a month holding 1,000 events. Weeks and months are in 2031–2032, which
// the 10,000 seeded events (2027) do not touch. Locale en-US and time zone UTC, so the
// week starts on Sunday and `from`/`to` are UTC midnights.

const HOUR_PX = 48; // src/pages/calendar/shell.rs
const DRAG_WEEK = '2031-06-01'; // a Sunday
const NEXT_WEEK_FROM = '2031-07-06'; // a Sunday; the weeks after it hold the events
const MONTH = '2032-05'; // 1,000 events on days 1–28
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function plus(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export const at = (date, h, m = 0) =>
  `${date}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00Z`;

async function post(base, title, start, end) {
  const res = await fetch(`${base}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title, start, end, location: 'Calendar bench' }),
  });
  if (res.status !== 201) throw new Error(`POST /api/events: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/** Creates `inputs` ([title, start, end]) with a few requests in flight at a time. */
export async function createAll(base, inputs, concurrency = 8) {
  const out = new Array(inputs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < inputs.length) {
        const i = next++;
        out[i] = await post(base, ...inputs[i]);
      }
    }),
  );
  return out;
}

// In every calendar page before the app: the moment of each drop (pointerup, or the Enter
// that drops a keyboard pick-up) and of a click on "Next week", in the capture phase on the
// window, so before the app's own listeners.
function calendarInit() {
  window.__cal = { dropAt: 0, nextAt: 0 };
  addEventListener('pointerup', () => (window.__cal.dropAt = performance.now()), true);
  addEventListener(
    'keydown',
    (e) => {
      if (e.key === 'Enter') window.__cal.dropAt = performance.now();
    },
    true,
  );
  addEventListener(
    'click',
    (e) => {
      const a = e.target instanceof Element && e.target.closest('a');
      if (a && a.textContent.trim() === 'Next week') window.__cal.nextAt = performance.now();
    },
    true,
  );
}

/** API requests of a page; the live stream (`/events/changes`, never finishing) is left out. */
function track(page) {
  const t = { log: [], inflight: 0, last: Date.now() };
  const api = (r) => {
    const p = new URL(r.url()).pathname;
    return p.includes('/api/') && !p.endsWith('/events/changes');
  };
  page.on('request', (r) => {
    if (!api(r)) return;
    const u = new URL(r.url());
    t.log.push({ at: Date.now(), method: r.method(), path: u.pathname + u.search });
    t.inflight++;
    t.last = Date.now();
  });
  const done = (r) => {
    if (!api(r)) return;
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

export async function calPage(browser) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  await context.addInitScript(calendarInit);
  return { context, page: await context.newPage() };
}

/** `from`/`to` of a range request (`GET /api/events?from=…&to=…`), or null. */
function rangeOf(path) {
  const u = new URL(path, 'http://x');
  if (u.pathname !== '/api/events' || !u.searchParams.get('from')) return null;
  return { from: Date.parse(u.searchParams.get('from')), to: Date.parse(u.searchParams.get('to')) };
}

/**
 * The requests of one move of event `id` from `before` to `after` (`{start, end}` ISO): the
 * writes, and each GET as a refetch of a touched key (a range holding the event before or
 * after, or the event itself) or of an untouched one.
 */
export function classifyMove(requests, id, before, after) {
  const eventPath = `/api/events/${id}`;
  const holds = (r, t) => Date.parse(t.start) < r.to && Date.parse(t.end) > r.from;
  const gets = requests.filter((r) => r.method === 'GET');
  const touched = [];
  const untouched = [];
  for (const g of gets) {
    const r = rangeOf(g.path);
    const hit = g.path === eventPath || (r && (holds(r, before) || holds(r, after)));
    (hit ? touched : untouched).push(g.path);
  }
  const writes = requests.filter((r) => r.method !== 'GET');
  return {
    writes: writes.length,
    writesToEvent: writes.filter((r) => r.method === 'PATCH' && r.path === eventPath).length,
    touched,
    untouched,
  };
}

/**
 * Waits in the page for event `id` to stand, picked up no more, in the day `date` at `top` px
 * below its group's top; resolves with the times after the latest drop stamp (DOM: the
 * observer callback that first sees it; frame: the animation frame after that) and whether
 * its old place `fromDate` showed again in the 300 ms after (the server holds the write
 * 1000 ms, so all of this is the optimistic update).
 */
function armLanding(page, id, date, top, fromDate) {
  return page.evaluate(
    ([id, date, top, fromDate]) => {
      const sel = (d) => `[role="group"][data-date="${d}"] a[data-event-id="${id}"]`;
      const landed = () => {
        const el = document.querySelector(sel(date));
        if (!el || el.classList.contains('cal-picked')) return false;
        const group = el.closest('[role="group"]');
        const rel = el.getBoundingClientRect().top - group.getBoundingClientRect().top;
        return Math.abs(rel - top) < 1.5 && document.querySelectorAll(`a[data-event-id="${id}"]`).length === 1;
      };
      window.__cal.landing = new Promise((resolve) => {
        let domAt = null;
        let flicker = false;
        const check = () => {
          if (domAt !== null) {
            if (fromDate !== date && document.querySelector(sel(fromDate))) flicker = true;
            return;
          }
          if (window.__cal.dropAt && landed()) {
            domAt = performance.now();
            const dropAt = window.__cal.dropAt;
            requestAnimationFrame(() => {
              const frameAt = performance.now();
              setTimeout(() => {
                obs.disconnect();
                resolve({ dom: domAt - dropAt, frame: frameAt - dropAt, flicker, stillThere: landed() });
              }, 300);
            });
          }
        };
        const obs = new MutationObserver(check);
        obs.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
        setTimeout(() => {
          obs.disconnect();
          resolve(null);
        }, 10_000);
      });
      window.__cal.dropAt = 0;
    },
    [id, date, top, fromDate],
  );
}

/** The event's link in day `date` and its top relative to the day's group. */
async function linkIn(page, id, date) {
  const link = page.locator(`[role="group"][data-date="${date}"] a[data-event-id="${id}"]`);
  await link.waitFor({ state: 'visible', timeout: 20_000 });
  const rel = await link.evaluate((el) => el.getBoundingClientRect().top - el.closest('[role="group"]').getBoundingClientRect().top);
  return { link, rel };
}

/** Drops by pointer and keyboard, alternating one day later + 1 h and back, PATCH held 1 s. */
async function drops(browser, ctx) {
  const { slow, n, stats } = ctx;
  const mon = plus(DRAG_WEEK, 1);
  const tue = plus(DRAG_WEEK, 2);
  const [ev] = await createAll(slow, [['Calendar drop bench', at(mon, 9), at(mon, 10)]]);
  const { context, page } = await calPage(browser);
  const net = track(page);
  const samples = { pointer: [], keyboard: [] };
  const moves = [];
  try {
    await page.goto(`${slow}/calendar/week/${DRAG_WEEK}`);
    await linkIn(page, ev.id, mon);
    await net.idle(600, 30_000);
    let place = { date: mon, start: ev.start, end: ev.end };
    for (let i = 0; i < n.pointerDrops + n.keyDrops; i++) {
      const by = i < n.pointerDrops ? 'pointer' : 'keyboard';
      const forward = place.date === mon;
      const to = forward ? tue : mon;
      const hours = forward ? 1 : -1;
      const { link, rel } = await linkIn(page, ev.id, place.date);
      const shift = (iso) => new Date(Date.parse(iso) + (forward ? 1 : -1) * 86_400_000 + hours * 3600_000).toISOString().replace('.000Z', 'Z');
      const after = { date: to, start: shift(place.start), end: shift(place.end) };
      if (by === 'pointer') {
        const b = await link.boundingBox();
        const target = await page.locator(`[role="group"][data-date="${to}"]`).boundingBox();
        const x = b.x + b.width / 2;
        const y = b.y + Math.min(8, b.height / 3);
        await page.mouse.move(x, y);
        await page.mouse.down();
        await page.mouse.move(target.x + target.width / 2, y + hours * HOUR_PX, { steps: 8 });
        await armLanding(page, ev.id, to, rel + hours * HOUR_PX, place.date);
        const before = net.log.length;
        await page.mouse.up();
        samples.pointer.push(await page.evaluate(() => window.__cal.landing));
        await net.idle(600, 20_000);
        moves.push({ by, ...classifyMove(net.log.slice(before), ev.id, place, after) });
      } else {
        await link.focus();
        await page.keyboard.press('Space');
        await page.keyboard.press(forward ? 'ArrowRight' : 'ArrowLeft');
        for (let q = 0; q < 4; q++) await page.keyboard.press(forward ? 'ArrowDown' : 'ArrowUp');
        await armLanding(page, ev.id, to, rel + hours * HOUR_PX, place.date);
        const before = net.log.length;
        await page.keyboard.press('Enter');
        samples.keyboard.push(await page.evaluate(() => window.__cal.landing));
        await net.idle(600, 20_000);
        moves.push({ by, ...classifyMove(net.log.slice(before), ev.id, place, after) });
      }
      place = after;
    }
    const server = await (await fetch(`${slow}/api/events/${ev.id}`)).json();
    const pick = (xs, k) => xs.map((x) => (x ? x[k] : null));
    const all = [...samples.pointer, ...samples.keyboard];
    return {
      delayMs: 1000,
      pointer: { dom: stats(pick(samples.pointer, 'dom')), frame: stats(pick(samples.pointer, 'frame')) },
      keyboard: { dom: stats(pick(samples.keyboard, 'dom')), frame: stats(pick(samples.keyboard, 'frame')) },
      all: { dom: stats(pick(all, 'dom')), frame: stats(pick(all, 'frame')) },
      missed: all.filter((x) => x === null).length,
      flickers: all.filter((x) => x && x.flicker).length,
      movedAway: all.filter((x) => x && !x.stillThere).length,
      samples,
      moves,
      serverMatches: server.start === place.start && server.end === place.end,
    };
  } finally {
    await context.close();
  }
}

/** Steps "Next week" `n` times through weeks that hold 20 events each, prefetched. */
async function nextWeek(browser, ctx) {
  const { slow, n, stats } = ctx;
  const weeks = Array.from({ length: n.nextSteps }, (_, k) => plus(NEXT_WEEK_FROM, 7 * (k + 1)));
  const inputs = weeks.flatMap((w, k) =>
    Array.from({ length: 20 }, (_, j) => {
      const d = plus(w, j % 7);
      return [`Next week ${k} item ${j}`, at(d, 8 + (j % 9)), at(d, 8 + (j % 9), 45)];
    }),
  );
  const created = await createAll(slow, inputs);
  const { context, page } = await calPage(browser);
  const net = track(page);
  const steps = [];
  try {
    await page.goto(`${slow}/calendar/week/${NEXT_WEEK_FROM}`);
    await page.getByRole('link', { name: 'Next week', exact: true }).waitFor({ timeout: 20_000 });
    for (let k = 0; k < weeks.length; k++) {
      await net.idle(600, 20_000);
      const ids = created.slice(20 * k, 20 * (k + 1)).map((e) => String(e.id));
      await page.evaluate((ids) => {
        window.__cal.nextAt = 0;
        window.__cal.shown = new Promise((resolve) => {
          const all = () => ids.every((id) => document.querySelector(`[role="group"] a[data-event-id="${id}"]`));
          const obs = new MutationObserver(() => {
            if (!window.__cal.nextAt || !all()) return;
            obs.disconnect();
            const dom = performance.now() - window.__cal.nextAt;
            requestAnimationFrame(() => resolve({ dom, frame: performance.now() - window.__cal.nextAt }));
          });
          obs.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
          setTimeout(() => {
            obs.disconnect();
            resolve(null);
          }, 10_000);
        });
      }, ids);
      const before = net.log.length;
      await page.getByRole('link', { name: 'Next week', exact: true }).click();
      const shown = await page.evaluate(() => window.__cal.shown);
      // What was asked for the week now shown (0 when the prefetched entry painted it).
      const from = Date.parse(`${weeks[k]}T00:00:00Z`);
      const asked = net.log.slice(before).filter((r) => rangeOf(r.path)?.from === from).length;
      steps.push({ week: weeks[k], ...shown, requestsForShownWeek: asked });
    }
    return {
      steps,
      eventsPerWeek: 20,
      dom: stats(steps.map((s) => s.dom)),
      frame: stats(steps.map((s) => s.frame)),
      fetchedOnArrival: steps.filter((s) => s.requestsForShownWeek > 0).length,
    };
  } finally {
    await context.close();
  }
}

/** A month with 1,000 events: navigation → events painted, in a fresh context each time. */
async function bigMonth(browser, ctx) {
  const { slow, n, stats } = ctx;
  const inputs = Array.from({ length: 1000 }, (_, i) => {
    const d = `${MONTH}-${String(1 + (i % 28)).padStart(2, '0')}`;
    const h = 7 + (Math.floor(i / 28) % 12);
    return [`Month bench ${String(i).padStart(4, '0')}`, at(d, h, (i % 2) * 30), at(d, h + 1, (i % 2) * 30)];
  });
  await createAll(slow, inputs);
  const loads = [];
  for (let i = 0; i <= n.monthLoads; i++) {
    const { context, page } = await calPage(browser);
    try {
      await page.addInitScript(() => {
        window.__cal.month = null;
        new MutationObserver((_, obs) => {
          const links = document.querySelectorAll('[role="group"] a[data-event-id]');
          if (!links.length) return;
          obs.disconnect();
          const dom = performance.now();
          requestAnimationFrame(() => (window.__cal.month = { dom, frame: performance.now(), links: links.length }));
        }).observe(document, { subtree: true, childList: true });
      });
      await page.goto(`${slow}/calendar/month/${MONTH}-01`, { waitUntil: 'commit' });
      await page.waitForFunction(() => window.__cal.month !== null, null, { timeout: 30_000, polling: 10 });
      const t = await page.evaluate(() => {
        // The month's own range is the largest answer (its neighbours are empty).
        const own = performance
          .getEntriesByType('resource')
          .filter((r) => r.name.includes('/api/events?') && r.name.includes('from='))
          .sort((a, b) => b.encodedBodySize - a.encodedBodySize)[0];
        const m = window.__cal.month;
        return {
          frame: m.frame,
          dom: m.dom,
          rangeEnd: own ? own.responseEnd : null,
          rangeBytes: own ? own.encodedBodySize : null,
          linksAtFirstPaint: m.links,
          links: document.querySelectorAll('[role="group"] a[data-event-id]').length,
          more: [...document.querySelectorAll('button')].filter((b) => /^\+\d+ more$/.test(b.textContent.trim())).length,
          elements: document.getElementsByTagName('*').length,
        };
      });
      // The first load warms the browser's machinery; not counted, as in the cold start.
      if (i > 0) loads.push({ ...t, afterData: t.rangeEnd == null ? null : t.dom - t.rangeEnd });
    } finally {
      await context.close();
    }
  }
  return {
    events: 1000,
    month: MONTH,
    frame: stats(loads.map((l) => l.frame)),
    afterData: stats(loads.map((l) => l.afterData)),
    loads,
  };
}

/** All calendar figures; each scenario catches its own failure. */
export async function calendar(browser, { slow, quick, stats, attempt }) {
  const n = quick
    ? { pointerDrops: 6, keyDrops: 4, nextSteps: 3, monthLoads: 2 }
    : { pointerDrops: 20, keyDrops: 10, nextSteps: 8, monthLoads: 5 };
  const ctx = { slow, n, stats };
  return {
    drops: await attempt('calendar drops', () => drops(browser, ctx)),
    nextWeek: await attempt('calendar next week', () => nextWeek(browser, ctx)),
    month: await attempt('calendar month', () => bigMonth(browser, ctx)),
  };
}
