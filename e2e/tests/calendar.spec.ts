// Issue 14, the calendar: week and month views, moves by pointer and keyboard, resize, slot
// creates, all optimistic; found by role and name as the contract says (ui-contract.md).
import { test, expect, type Locator, type Page } from '@playwright/test';
import {
  ApiTraffic,
  alertWith,
  createEvent,
  escapeRegExp,
  eventPath,
  fault,
  getEvent,
  intercept,
  networkDown,
  networkUp,
  patchEvent,
  statusWith,
  uniqueTitle,
  unheard,
  watchText,
  API,
  type ApiEvent,
} from './support';

/** A link of the calendar's toolbar ("Next week", "Today", "Month", …) by its exact name. */
function toolbarLink(page: Page, name: string): Locator {
  return page.getByRole('link', { name, exact: true });
}

interface Held {
  /** The bodies of the PATCHes seen, in order. */
  bodies: unknown[];
  /** Lets the held PATCHes (and every later one) through. */
  release(): void;
}

/** Holds every PATCH of event `id` (the server has not answered) until released. */
async function hold(page: Page, id: ApiEvent['id']): Promise<Held> {
  const waiting: (() => void)[] = [];
  let open = false;
  const bodies: unknown[] = [];
  await intercept(page, { method: 'PATCH', path: eventPath(id) }, async (route, request) => {
    bodies.push(request.postDataJSON());
    if (!open) await new Promise<void>((r) => waiting.push(r));
    await route.fallback();
  });
  return {
    bodies,
    release: () => {
      open = true;
      waiting.splice(0).forEach((r) => r());
    },
  };
}

test.use({ locale: 'en-US', timezoneId: 'UTC' });

/** The Sunday starting week `n` of this spec's own weeks (in 2031, which no other spec uses). */
function week(n: number): string {
  return new Date(Date.UTC(2031, 0, 5 + 7 * n)).toISOString().slice(0, 10);
}

/** The date `n` days after `date` (`YYYY-MM-DD`). */
function plus(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** An instant on `date` at `hm` UTC, as the API writes it. */
function at(date: string, hm: string): string {
  return `${date}T${hm}:00Z`;
}

async function timed(request: Parameters<typeof createEvent>[0], prefix: string, date: string, from: string, to: string) {
  return createEvent(request, { title: uniqueTitle(prefix), start: at(date, from), end: at(date, to) });
}

/** The name of a day's group, as the contract defines it (Intl in the page's locale). */
function dayName(page: Page, date: string): Promise<string> {
  return page.evaluate(
    (d) =>
      new Intl.DateTimeFormat(navigator.language, {
        weekday: 'long',
        year: 'numeric',
        month: 'long',
        day: 'numeric',
        timeZone: 'UTC',
      }).format(new Date(`${d}T12:00:00Z`)),
    date,
  );
}

async function day(page: Page, date: string): Promise<Locator> {
  return page.getByRole('group', { name: await dayName(page, date), exact: true });
}

/** The link of an event inside `scope`: its name begins with the title. */
function link(scope: Locator | Page, title: string): Locator {
  return scope.getByRole('link', { name: new RegExp(`^${escapeRegExp(title)}`) });
}

async function box(l: Locator) {
  const b = await l.boundingBox();
  if (!b) throw new Error('not on screen');
  return b;
}

/** Presses near the top of `from` and moves by (dx, dy) in steps, then releases. */
async function drag(page: Page, from: Locator, dx: number, dy: number, release = true) {
  const b = await box(from);
  const x = b.x + b.width / 2;
  const y = b.y + Math.min(8, b.height / 3);
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps: 8 });
  if (release) await page.mouse.up();
}

/** Horizontal distance from the centre of `from` to the centre of the group `to`. */
async function columnsAway(from: Locator, to: Locator): Promise<number> {
  const [a, b] = [await box(from), await box(to)];
  return b.x + b.width / 2 - (a.x + a.width / 2);
}

const HOUR = 48;

test.describe('routes and navigation', () => {
  test('/calendar shows the week of today; Main navigation marks the section', async ({ page }) => {
    await page.goto('/calendar');
    const today = await page.evaluate(() => {
      const d = new Date();
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
    });
    await expect(page).toHaveURL(new RegExp(`/calendar/week/${today}$`));
    await expect(await day(page, today)).toBeVisible();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Calendar' })).toHaveAttribute('aria-current', 'page');
    await expect(nav.getByRole('link', { name: 'Events' })).not.toHaveAttribute('aria-current', 'page');
    await nav.getByRole('link', { name: 'Events' }).click();
    await expect(page).toHaveURL(/\/events$/);
    await expect(nav.getByRole('link', { name: 'Events' })).toHaveAttribute('aria-current', 'page');
    await expect(nav.getByRole('link', { name: 'Calendar' })).not.toHaveAttribute('aria-current', 'page');
  });

  test('headings, Previous / Next / Today, Week / Month, deep links that survive a reload', async ({ page }) => {
    await page.goto('/calendar/week/2026-12-09');
    const h1 = page.getByRole('heading', { level: 1 });
    await expect(h1).toHaveText('December 6 – 12, 2026');
    await expect(toolbarLink(page, 'Week')).toHaveAttribute('aria-current', 'page');
    await expect(toolbarLink(page, 'Month')).not.toHaveAttribute('aria-current', 'page');
    await toolbarLink(page, 'Next week').click();
    await expect(page).toHaveURL(/\/calendar\/week\/2026-12-16$/);
    await expect(h1).toHaveText('December 13 – 19, 2026');
    await page.reload();
    await expect(h1).toHaveText('December 13 – 19, 2026');
    await toolbarLink(page, 'Previous week').click();
    await toolbarLink(page, 'Previous week').click();
    await expect(h1).toHaveText('November 29 – December 5, 2026');
    await toolbarLink(page, 'Month').click();
    await expect(page).toHaveURL(/\/calendar\/month\/2026-12-02$/);
    await expect(h1).toHaveText('December 2026');
    await expect(toolbarLink(page, 'Month')).toHaveAttribute('aria-current', 'page');
    await toolbarLink(page, 'Next month').click();
    await expect(h1).toHaveText('January 2027');
    await page.reload();
    await expect(h1).toHaveText('January 2027');
    await toolbarLink(page, 'Today').click();
    await expect(h1).toHaveText('December 2026');
  });

  test('a date that is not a real date is the not-found page', async ({ page }) => {
    for (const path of ['/calendar/week/2026-02-30', '/calendar/month/2026-13-01', '/calendar/week/soon']) {
      await page.goto(path);
      await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
      await expect(page.getByRole('link', { name: 'Back to events' })).toBeVisible();
    }
  });

  test('the week starts on the locale’s first day: Sunday in en-US', async ({ page }) => {
    await page.goto('/calendar/week/2026-12-09');
    const groups = page.getByRole('group');
    await expect(groups).toHaveCount(7);
    await expect(groups.first()).toHaveAccessibleName('Sunday, December 6, 2026');
    await expect(groups.last()).toHaveAccessibleName('Saturday, December 12, 2026');
  });
});

test.describe('en-GB', () => {
  test.use({ locale: 'en-GB' });
  test('the week starts on Monday, and names follow the locale', async ({ page }) => {
    await page.goto('/calendar/week/2026-12-09');
    const groups = page.getByRole('group');
    await expect(groups).toHaveCount(7);
    await expect(groups.first()).toHaveAccessibleName(await dayName(page, '2026-12-07'));
    await expect(groups.first()).toHaveAccessibleName(/^Monday/);
    await expect(groups.last()).toHaveAccessibleName(await dayName(page, '2026-12-13'));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/7.?–.?13 December 2026/);
  });
});

test.describe('the week grid', () => {
  test('top and height follow start and duration on one scale; overlaps stand side by side', async ({
    page,
    request,
  }) => {
    const sun = week(0);
    const a = await timed(request, 'Scale A', plus(sun, 1), '09:00', '10:00');
    const b = await timed(request, 'Scale B', plus(sun, 2), '11:00', '13:00');
    const c = await timed(request, 'Scale C', plus(sun, 1), '09:30', '10:30');
    const night = await timed(request, 'Scale night', plus(sun, 3), '01:00', '02:00');
    const allDay = await createEvent(request, {
      title: uniqueTitle('Scale all-day'),
      start: at(plus(sun, 4), '00:00'),
      end: at(plus(sun, 5), '00:00'),
      allDay: true,
    });
    const late = await createEvent(request, {
      title: uniqueTitle('Scale midnight'),
      start: at(plus(sun, 5), '23:00'),
      end: at(plus(sun, 6), '01:00'),
    });
    await page.goto(`/calendar/week/${sun}`);
    const mon = await day(page, plus(sun, 1));
    const [la, lb, lc] = [link(mon, a.title), link(await day(page, plus(sun, 2)), b.title), link(mon, c.title)];
    await expect(la).toBeVisible();
    const [ba, bb, bc] = [await box(la), await box(lb), await box(lc)];
    // One hour is one height of A, everywhere in the grid.
    expect(bb.height).toBeCloseTo(2 * ba.height, 0);
    expect(bb.y - ba.y).toBeCloseTo(2 * ba.height, 0);
    expect(bc.y - ba.y).toBeCloseTo(ba.height / 2, 0);
    expect(ba.height).toBeCloseTo(HOUR, 0);
    // Side by side, neither covering the other.
    expect(ba.x + ba.width <= bc.x + 1 || bc.x + bc.width <= ba.x + 1).toBe(true);
    // All-day events sit in the strip above the hours; early hours are scrolled away.
    const strip = link(await day(page, plus(sun, 4)), allDay.title);
    await expect(strip).toBeVisible();
    expect((await box(strip)).y + (await box(strip)).height).toBeLessThanOrEqual(ba.y);
    await expect(la).toBeInViewport();
    await expect(link(await day(page, plus(sun, 3)), night.title)).not.toBeInViewport();
    // An event crossing midnight shows on both days.
    await expect(link(await day(page, plus(sun, 5)), late.title)).toHaveCount(1);
    await expect(link(await day(page, plus(sun, 6)), late.title)).toHaveCount(1);
  });

  test('only the range shown is loaded, the neighbours ahead; Next week paints without loading', async ({
    page,
    request,
  }) => {
    const sun = week(1);
    const next = await timed(request, 'Next week', plus(sun, 9), '09:00', '10:00');
    const ranges: { from: string | null; to: string | null }[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (r.method() === 'GET' && url.pathname === `${API}/events`) {
        ranges.push({ from: url.searchParams.get('from'), to: url.searchParams.get('to') });
      }
    });
    await page.goto(`/calendar/week/${plus(sun, 3)}`);
    const want = (s: string) => ({ from: at(s, '00:00'), to: at(plus(s, 7), '00:00') });
    await expect.poll(() => ranges).toEqual(
      expect.arrayContaining([want(sun), want(plus(sun, -7)), want(plus(sun, 7))]),
    );
    expect(ranges.every((r) => r.from && r.to), JSON.stringify(ranges)).toBe(true);
    const traffic = new ApiTraffic(page);
    await traffic.settled(500);
    const loading = await watchText(page, 'Loading events…');
    await toolbarLink(page, 'Next week').click();
    await expect(link(await day(page, plus(sun, 9)), next.title)).toBeVisible({ timeout: 1000 });
    expect(await loading()).toBe(false);
    await expect.poll(() => ranges).toEqual(expect.arrayContaining([want(plus(sun, 14))]));
  });
});

test('a move sends one write, then refetches only the range that shows it', async ({ page, request }) => {
  const sun = week(17);
  const e = await timed(request, 'One write', plus(sun, 1), '09:00', '10:00');
  await unheard(page);
  await page.goto(`/calendar/week/${sun}`);
  const mon = await day(page, plus(sun, 1));
  await expect(link(mon, e.title)).toBeVisible();
  const traffic = new ApiTraffic(page);
  await traffic.settled(500);
  const sent: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (!url.pathname.startsWith(API)) return;
    const range = url.searchParams.has('from') ? ` ${url.searchParams.get('from')}..${url.searchParams.get('to')}` : '';
    sent.push(`${r.method()} ${url.pathname}${range}`);
  });
  await drag(page, link(mon, e.title), 0, 4 * 12 + 4);
  await expect.poll(async () => (await getEvent(request, e.id)).start).toBe(at(plus(sun, 1), '10:00'));
  await traffic.settled(500);
  // The neighbouring weeks are cached and read too, but the event is in neither.
  expect(sent).toEqual([`PATCH ${eventPath(e.id)}`, `GET ${API}/events ${at(sun, '00:00')}..${at(plus(sun, 7), '00:00')}`]);
});

test.describe('moving by pointer', () => {
  test('a drag moves by 15-minute steps and whole days, shown before the server answers', async ({
    page,
    request,
  }) => {
    const sun = week(2);
    const e = await timed(request, 'Drag', plus(sun, 1), '09:00', '10:00');
    await page.goto(`/calendar/week/${sun}`);
    const mon = await day(page, plus(sun, 1));
    const tue = await day(page, plus(sun, 2));
    await expect(link(mon, e.title)).toBeVisible();
    const held = await hold(page, e.id);
    const dx = await columnsAway(link(mon, e.title), tue);
    // 2 h 15 min down (9 quarters of 12 px, plus 4 px that snap away).
    await drag(page, link(mon, e.title), dx, 9 * 12 + 4);
    await expect(link(tue, e.title)).toBeVisible();
    await expect(link(mon, e.title)).toHaveCount(0);
    await expect.poll(() => held.bodies.length).toBe(1);
    expect(held.bodies[0]).toEqual({ start: at(plus(sun, 2), '11:15'), end: at(plus(sun, 2), '12:15') });
    expect((await getEvent(request, e.id)).start).toBe(e.start);
    held.release();
    await expect.poll(async () => (await getEvent(request, e.id)).start).toBe(at(plus(sun, 2), '11:15'));
    await expect(link(tue, e.title)).toBeVisible();
  });

  test('held near the bottom edge, a drag scrolls the grid to hours not in view', async ({ page, request }) => {
    const sun = week(19);
    const e = await timed(request, 'Edge', plus(sun, 1), '09:00', '10:00');
    await page.goto(`/calendar/week/${sun}`);
    const mon = await day(page, plus(sun, 1));
    await expect(link(mon, e.title)).toBeVisible();
    const scroller = page.locator('.cal-scroll');
    const top0 = await scroller.evaluate((el) => el.scrollTop);
    const grid = await box(scroller);
    const b = await box(link(mon, e.title));
    const [x, y] = [b.x + b.width / 2, b.y + 6];
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x, grid.y + grid.height - 2, { steps: 8 });
    // Held still at the edge: the grid keeps scrolling on its own.
    await expect.poll(() => scroller.evaluate((el) => el.scrollTop)).toBeGreaterThan(top0 + 200);
    await page.mouse.up();
    await expect
      .poll(async () => (await getEvent(request, e.id)).start)
      .toMatch(new RegExp(`^${plus(sun, 1)}T(1[89]|2[0-3]):[0-5][05]:00Z$`));
    const saved = await getEvent(request, e.id);
    expect(saved.end, 'a move keeps the hour it lasts').toBe(
      new Date(Date.parse(saved.start) + 3_600_000).toISOString().replace('.000', ''),
    );
  });

  test('held just below the day heads, a drag scrolls the grid up to earlier hours', async ({ page, request }) => {
    const sun = week(20);
    const e = await timed(request, 'Top edge', plus(sun, 1), '10:00', '11:00');
    await page.goto(`/calendar/week/${sun}`);
    const mon = await day(page, plus(sun, 1));
    await expect(link(mon, e.title)).toBeVisible();
    const scroller = page.locator('.cal-scroll');
    const top0 = await scroller.evaluate((el) => el.scrollTop);
    expect(top0, 'the week opens scrolled past the early hours').toBeGreaterThan(100);
    // The sticky heads cover the grid's top: the pointer stays on the hours, just below them.
    const heads = await box(page.locator('.cal-corner'));
    const b = await box(link(mon, e.title));
    const [x, y] = [b.x + b.width / 2, b.y + 6];
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x, heads.y + heads.height + 4, { steps: 8 });
    await expect.poll(() => scroller.evaluate((el) => el.scrollTop)).toBeLessThan(top0 - 100);
    await page.mouse.up();
    await expect
      .poll(async () => (await getEvent(request, e.id)).start)
      .toMatch(new RegExp(`^${plus(sun, 1)}T0[0-6]:[0-5][05]:00Z$`));
  });

  test('a press that moves less than 5 px is a click that opens the event', async ({ page, request }) => {
    const sun = week(3);
    const e = await timed(request, 'Click', plus(sun, 1), '09:00', '10:00');
    await page.goto(`/calendar/week/${sun}`);
    const l = link(await day(page, plus(sun, 1)), e.title);
    await expect(l).toBeVisible();
    const patches = await intercept(page, { method: 'PATCH', path: eventPath(e.id) }, (r) => r.fallback());
    await drag(page, l, 3, 2);
    await expect(page).toHaveURL(new RegExp(`/events/${e.id}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(e.title);
    expect(patches.count()).toBe(0);
  });

  test('Escape during a drag puts it back and sends nothing', async ({ page, request }) => {
    const sun = week(4);
    const e = await timed(request, 'Escape drag', plus(sun, 1), '09:00', '10:00');
    await page.goto(`/calendar/week/${sun}`);
    const mon = await day(page, plus(sun, 1));
    const before = await box(link(mon, e.title));
    const patches = await intercept(page, { method: 'PATCH', path: eventPath(e.id) }, (r) => r.fallback());
    await drag(page, link(mon, e.title), 0, 5 * 12, false);
    await expect.poll(async () => (await box(link(mon, e.title))).y).toBeGreaterThan(before.y + 50);
    await page.keyboard.press('Escape');
    await page.mouse.up();
    await expect.poll(async () => (await box(link(mon, e.title))).y).toBeCloseTo(before.y, 0);
    await expect(page).toHaveURL(new RegExp(`/calendar/week/${sun}$`));
    await page.waitForTimeout(700);
    expect(patches.count()).toBe(0);
    expect((await getEvent(request, e.id)).start).toBe(e.start);
  });

  test('the bottom 8 px resize the end only, in 15-minute steps, never below 15 minutes', async ({
    page,
    request,
  }) => {
    const sun = week(5);
    const e = await timed(request, 'Resize', plus(sun, 1), '09:00', '10:00');
    await page.goto(`/calendar/week/${sun}`);
    const l = link(await day(page, plus(sun, 1)), e.title);
    await expect(l).toBeVisible();
    const traffic = new ApiTraffic(page);
    let b = await box(l);
    await page.mouse.move(b.x + b.width / 2, b.y + b.height - 3);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2, b.y + b.height - 3 + 4 * 12 + 5, { steps: 6 });
    await page.mouse.up();
    await expect.poll(async () => (await box(l)).height).toBeCloseTo(2 * HOUR, 0);
    await traffic.settled();
    let stored = await getEvent(request, e.id);
    expect([stored.start, stored.end]).toEqual([e.start, at(plus(sun, 1), '11:00')]);
    b = await box(l);
    await page.mouse.move(b.x + b.width / 2, b.y + b.height - 3);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2, b.y - 200, { steps: 6 });
    await page.mouse.up();
    await traffic.settled();
    stored = await getEvent(request, e.id);
    expect([stored.start, stored.end]).toEqual([e.start, at(plus(sun, 1), '09:15')]);
  });
});

test.describe('moving by touch', () => {
  test.use({ hasTouch: true });

  test('a finger drags an event as the mouse does, selecting no text', async ({ page, request }) => {
    const sun = week(18);
    const e = await timed(request, 'Touch', plus(sun, 1), '09:00', '10:00');
    await page.goto(`/calendar/week/${sun}`);
    const mon = await day(page, plus(sun, 1));
    const tue = await day(page, plus(sun, 2));
    await expect(link(mon, e.title)).toBeVisible();
    const b = await box(link(mon, e.title));
    const dx = await columnsAway(link(mon, e.title), tue);
    const [x, y] = [b.x + b.width / 2, b.y + Math.min(8, b.height / 3)];
    // Real touch input: Chromium turns it into pointer events with pointerType "touch".
    const cdp = await page.context().newCDPSession(page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', px = 0, py = 0) =>
      cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x: px, y: py }] });
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { pointers: string[] }).pointers = seen;
      addEventListener('pointerdown', (ev) => seen.push(ev.pointerType), { once: true, capture: true });
      // Where the browser takes the gesture (panning), the pointer is cancelled, not released.
      for (const type of ['pointerup', 'pointercancel']) {
        addEventListener(type, () => seen.push(type), { once: true, capture: true });
      }
    });
    await touch('touchStart', x, y);
    for (let i = 1; i <= 8; i++) await touch('touchMove', x + (dx * i) / 8, y + ((4 * 12 + 4) * i) / 8);
    await touch('touchEnd');
    const pointers = () => page.evaluate(() => (window as unknown as { pointers: string[] }).pointers);
    await expect.poll(pointers, 'a touch pointer, released, not cancelled').toEqual(['touch', 'pointerup']);
    await expect(link(tue, e.title)).toBeVisible();
    await expect(link(mon, e.title)).toHaveCount(0);
    expect(await page.evaluate(() => getSelection()?.toString() ?? '')).toBe('');
    await expect.poll(async () => (await getEvent(request, e.id)).start).toBe(at(plus(sun, 2), '10:00'));
  });
});

test.describe('moving by keyboard', () => {
  test('Space picks up, arrows move, Enter drops; the status region says each step', async ({
    page,
    request,
  }) => {
    const sun = week(6);
    const e = await timed(request, 'Keys', plus(sun, 1), '09:00', '10:00');
    await page.goto(`/calendar/week/${sun}`);
    const l = link(await day(page, plus(sun, 1)), e.title);
    await l.focus();
    await page.keyboard.press(' ');
    await expect(statusWith(page, `Picked up ${e.title}`)).toHaveCount(1);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    const tue = await day(page, plus(sun, 2));
    await expect(link(tue, e.title)).toBeVisible();
    await expect(statusWith(page, await dayName(page, plus(sun, 2)))).toHaveCount(1);
    expect((await getEvent(request, e.id)).start).toBe(e.start);
    const traffic = new ApiTraffic(page);
    await page.keyboard.press('Enter');
    await expect(statusWith(page, 'Dropped')).toHaveCount(1);
    await expect(page).toHaveURL(new RegExp(`/calendar/week/${sun}$`));
    await traffic.settled();
    const stored = await getEvent(request, e.id);
    expect([stored.start, stored.end]).toEqual([at(plus(sun, 2), '09:30'), at(plus(sun, 2), '10:30')]);
    await expect(link(tue, e.title)).toBeFocused();
  });

  test('Escape puts it back and sends nothing', async ({ page, request }) => {
    const sun = week(7);
    const e = await timed(request, 'Keys escape', plus(sun, 1), '09:00', '10:00');
    await page.goto(`/calendar/week/${sun}`);
    const mon = await day(page, plus(sun, 1));
    const patches = await intercept(page, { method: 'PATCH', path: eventPath(e.id) }, (r) => r.fallback());
    await link(mon, e.title).focus();
    await page.keyboard.press(' ');
    await page.keyboard.press('ArrowRight');
    await expect(link(await day(page, plus(sun, 2)), e.title)).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(link(mon, e.title)).toBeVisible();
    await expect(statusWith(page, 'cancelled')).toHaveCount(1);
    await page.waitForTimeout(700);
    expect(patches.count()).toBe(0);
  });
});

/** Drags `e` from its Monday to Tuesday (same time) in the week of `sun`. */
async function moveToTuesday(page: Page, sun: string, e: ApiEvent) {
  const mon = await day(page, plus(sun, 1));
  const tue = await day(page, plus(sun, 2));
  await drag(page, link(mon, e.title), await columnsAway(link(mon, e.title), tue), 0);
  return { mon, tue };
}

test.describe('failures', () => {
  test('a failed move goes back with "changes reverted", and Retry sends it again', async ({ page, request }) => {
    const sun = week(8);
    const e = await timed(request, 'Fail', plus(sun, 1), '09:00', '10:00');
    await page.goto(`/calendar/week/${sun}`);
    await expect(link(await day(page, plus(sun, 1)), e.title)).toBeVisible();
    const failing = await fault(page, { method: 'PATCH', path: eventPath(e.id) }, 'status=500');
    const { mon, tue } = await moveToTuesday(page, sun, e);
    await expect(link(tue, e.title)).toBeVisible();
    const toast = alertWith(page, 'changes reverted');
    await expect(toast).toBeVisible();
    await expect(link(mon, e.title)).toBeVisible();
    await expect(link(tue, e.title)).toHaveCount(0);
    await failing.stop();
    const traffic = new ApiTraffic(page);
    await toast.getByRole('button', { name: 'Retry' }).click();
    await expect(link(tue, e.title)).toBeVisible();
    await traffic.settled();
    expect((await getEvent(request, e.id)).start).toBe(at(plus(sun, 2), '09:00'));
  });

  test('a move on stale data (412) gives "changed elsewhere" and "Apply my changes"', async ({ page, request }) => {
    const sun = week(9);
    const e = await timed(request, 'Stale', plus(sun, 1), '09:00', '10:00');
    // This page has not heard of their change yet (it would refetch before the move otherwise).
    await unheard(page);
    await page.goto(`/calendar/week/${sun}`);
    await expect(link(await day(page, plus(sun, 1)), e.title)).toBeVisible();
    const theirs = await patchEvent(request, e.id, { location: 'Their room' });
    await moveToTuesday(page, sun, e);
    const toast = alertWith(page, 'changed elsewhere');
    await expect(toast).toBeVisible();
    const traffic = new ApiTraffic(page);
    await toast.getByRole('button', { name: 'Apply my changes' }).click();
    await traffic.settled();
    const stored = await getEvent(request, e.id);
    expect(stored).toMatchObject({ location: theirs.location, start: at(plus(sun, 2), '09:00') });
    await expect(link(await day(page, plus(sun, 2)), e.title)).toBeVisible();
  });

  test('two quick moves go in order, and the first one’s place never shows again', async ({ page, request }) => {
    const sun = week(10);
    const e = await timed(request, 'Twice', plus(sun, 1), '09:00', '10:00');
    await page.goto(`/calendar/week/${sun}`);
    await expect(link(await day(page, plus(sun, 1)), e.title)).toBeVisible();
    const held = await hold(page, e.id);
    const { tue } = await moveToTuesday(page, sun, e);
    await expect(link(tue, e.title)).toBeVisible();
    const wed = await day(page, plus(sun, 3));
    await drag(page, link(tue, e.title), await columnsAway(link(tue, e.title), wed), 0);
    await expect(link(wed, e.title)).toBeVisible();
    const backOnTuesday = await watchIn(page, await dayName(page, plus(sun, 2)), e.title);
    held.release();
    const traffic = new ApiTraffic(page);
    await traffic.settled();
    expect(held.bodies.map((b) => (b as { start: string }).start)).toEqual([
      at(plus(sun, 2), '09:00'),
      at(plus(sun, 3), '09:00'),
    ]);
    expect((await getEvent(request, e.id)).start).toBe(at(plus(sun, 3), '09:00'));
    await expect(link(wed, e.title)).toBeVisible();
    expect(await backOnTuesday()).toBe(false);
  });

  test('a move made offline waits for the connection, then is saved', async ({ page, context, request }) => {
    const sun = week(11);
    const e = await timed(request, 'Offline move', plus(sun, 1), '09:00', '10:00');
    await page.goto(`/calendar/week/${sun}`);
    await expect(link(await day(page, plus(sun, 1)), e.title)).toBeVisible();
    await networkDown(context);
    const { tue } = await moveToTuesday(page, sun, e);
    await expect(link(tue, e.title)).toBeVisible();
    await expect(page.getByText(`Waiting for connection: Move event: “${e.title}”`)).toBeVisible();
    await page.waitForTimeout(500);
    expect((await getEvent(request, e.id)).start).toBe(e.start);
    await expect(link(tue, e.title)).toBeVisible();
    await networkUp(context);
    await expect.poll(async () => (await getEvent(request, e.id)).start).toBe(at(plus(sun, 2), '09:00'));
    await expect(link(tue, e.title)).toBeVisible();
  });
});

test.describe('Undo', () => {
  test('the toast after a saved move offers Undo, which puts it back', async ({ page, request }) => {
    const sun = week(12);
    const e = await timed(request, 'Undo', plus(sun, 1), '09:00', '10:00');
    await page.goto(`/calendar/week/${sun}`);
    await expect(link(await day(page, plus(sun, 1)), e.title)).toBeVisible();
    const { mon } = await moveToTuesday(page, sun, e);
    const toast = statusWith(page, `Moved “${e.title}”`);
    await expect(toast.getByRole('button', { name: 'Undo' })).toBeVisible();
    expect((await getEvent(request, e.id)).start).toBe(at(plus(sun, 2), '09:00'));
    const traffic = new ApiTraffic(page);
    await toast.getByRole('button', { name: 'Undo' }).click();
    await expect(link(mon, e.title)).toBeVisible();
    await traffic.settled();
    expect((await getEvent(request, e.id)).start).toBe(e.start);
  });

  test('Ctrl+Z puts back the latest move', async ({ page, request }) => {
    const sun = week(13);
    const e = await timed(request, 'Ctrl Z', plus(sun, 1), '09:00', '10:00');
    await page.goto(`/calendar/week/${sun}`);
    await expect(link(await day(page, plus(sun, 1)), e.title)).toBeVisible();
    const { mon, tue } = await moveToTuesday(page, sun, e);
    await expect(statusWith(page, `Moved “${e.title}”`)).toBeVisible();
    await expect(link(tue, e.title)).toBeVisible();
    const traffic = new ApiTraffic(page);
    await page.keyboard.press('Control+z');
    await expect(link(mon, e.title)).toBeVisible();
    await traffic.settled();
    expect((await getEvent(request, e.id)).start).toBe(e.start);
  });

  test('Ctrl+Z also takes back the latest edit made in the form', async ({ page, request }) => {
    // The calendar opens on the week of today, so the event is today.
    const today = new Date().toISOString().slice(0, 10);
    const e = await timed(request, 'Form edit', today, '09:00', '10:00');
    await page.goto(`/events/${e.id}`);
    await expect(page.getByRole('textbox', { name: 'Title', exact: true })).toHaveValue(e.title);
    const renamed = uniqueTitle('Renamed in the form');
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill(renamed);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(async () => (await getEvent(request, e.id)).title).toBe(renamed);
    // In-app navigation: a reload would start a new page with nothing to undo.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calendar' }).click();
    const shown = link(await day(page, today), renamed);
    await expect(shown).toBeVisible();
    await page.keyboard.press('Control+z');
    await expect(link(await day(page, today), e.title)).toBeVisible();
    await expect.poll(async () => (await getEvent(request, e.id)).title).toBe(e.title);
    await expect(statusWith(page, `Put “${e.title}” back.`)).toBeVisible();
  });
});

test.describe('new events from empty time', () => {
  test('a click opens "New event" with 30 minutes there; Create shows it at once', async ({ page, request }) => {
    const sun = week(14);
    const anchor = await timed(request, 'Anchor', plus(sun, 1), '09:00', '10:00');
    await page.goto(`/calendar/week/${sun}`);
    const a = await box(link(await day(page, plus(sun, 1)), anchor.title));
    const wed = await day(page, plus(sun, 3));
    const w = await box(wed);
    // 14:07 in Wednesday's column: the quarter it is in.
    await page.mouse.click(w.x + w.width / 2, a.y + 5 * HOUR + 7 * (HOUR / 60));
    const dialog = page.getByRole('dialog', { name: 'New event' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel('Start', { exact: true })).toHaveValue(`${plus(sun, 3)}T14:00`);
    await expect(dialog.getByLabel('End', { exact: true })).toHaveValue(`${plus(sun, 3)}T14:30`);
    const title = uniqueTitle('From a slot');
    await dialog.getByRole('textbox', { name: 'Title' }).fill(title);
    const held = await intercept(page, { method: 'POST', path: `${API}/events` }, async (route) => {
      await new Promise((r) => setTimeout(r, 800));
      await route.fallback();
    });
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect(dialog).toBeHidden();
    await expect(link(wed, title)).toBeVisible({ timeout: 500 });
    await expect.poll(() => held.count()).toBe(1);
    const traffic = new ApiTraffic(page);
    await traffic.settled();
    const list = await (await request.get(`${API}/events?q=${encodeURIComponent(title)}`)).json();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ start: at(plus(sun, 3), '14:00'), end: at(plus(sun, 3), '14:30') });
  });

  test('a drag across empty time fills its span; Escape and Cancel close without creating', async ({
    page,
    request,
  }) => {
    const sun = week(15);
    const anchor = await timed(request, 'Anchor drag', plus(sun, 1), '09:00', '10:00');
    await page.goto(`/calendar/week/${sun}`);
    const a = await box(link(await day(page, plus(sun, 1)), anchor.title));
    const t = await box(await day(page, plus(sun, 4)));
    const posts = await intercept(page, { method: 'POST', path: `${API}/events` }, (r) => r.fallback());
    const x = t.x + t.width / 2;
    await page.mouse.move(x, a.y + HOUR + 2);
    await page.mouse.down();
    await page.mouse.move(x, a.y + 2.5 * HOUR - 2, { steps: 5 });
    await page.mouse.up();
    const dialog = page.getByRole('dialog', { name: 'New event' });
    await expect(dialog.getByLabel('Start', { exact: true })).toHaveValue(`${plus(sun, 4)}T10:00`);
    await expect(dialog.getByLabel('End', { exact: true })).toHaveValue(`${plus(sun, 4)}T11:30`);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await page.mouse.click(x, a.y + 3 * HOUR);
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    expect(posts.count()).toBe(0);
  });
});

test.describe('the month grid', () => {
  test('cells list events, "+N more" shows the rest, and a drag moves by whole days', async ({ page, request }) => {
    // February 2032 starts on a Sunday: its cells are its own days.
    const titles: string[] = [];
    for (let i = 0; i < 6; i++) {
      titles.push((await timed(request, `Busy ${i}`, '2032-02-10', `${String(8 + i).padStart(2, '0')}:00`, `${String(8 + i).padStart(2, '0')}:30`)).title);
    }
    const e = await timed(request, 'Month drag', '2032-02-03', '09:00', '10:00');
    await page.goto('/calendar/month/2032-02-15');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('February 2032');
    const busy = await day(page, '2032-02-10');
    await expect(link(busy, titles[0])).toBeVisible();
    await expect(link(busy, titles[5])).toHaveCount(0);
    await busy.getByRole('button', { name: '+3 more' }).click();
    for (const t of titles) await expect(link(busy, t)).toBeVisible();

    const from = await day(page, '2032-02-03');
    const to = await day(page, '2032-02-05');
    const traffic = new ApiTraffic(page);
    const [a, b] = [await box(link(from, e.title)), await box(to)];
    await drag(page, link(from, e.title), b.x + b.width / 2 - (a.x + a.width / 2), b.y + 30 - a.y);
    await expect(link(to, e.title)).toBeVisible();
    await traffic.settled();
    const stored = await getEvent(request, e.id);
    expect([stored.start, stored.end]).toEqual([at('2032-02-05', '09:00'), at('2032-02-05', '10:00')]);
  });
});

test.describe('daylight saving in America/New_York', () => {
  // en-GB weeks start on Monday, so one view holds Saturday 31 October and Monday 2 November.
  test.use({ timezoneId: 'America/New_York', locale: 'en-GB' });

  test('09:00 on Saturday 31 October moved to Monday 2 November stays 09:00 local', async ({ page, request }) => {
    const e = await createEvent(request, {
      title: uniqueTitle('DST keys'),
      start: '2026-10-31T13:00:00Z',
      end: '2026-10-31T14:00:00Z',
    });
    await page.goto('/calendar/month/2026-11-10');
    const sat = await day(page, '2026-10-31');
    const mon = await day(page, '2026-11-02');
    await expect(link(sat, e.title)).toBeVisible();
    const traffic = new ApiTraffic(page);
    await link(sat, e.title).focus();
    await page.keyboard.press(' ');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await expect(link(mon, e.title)).toBeVisible();
    await traffic.settled();
    const stored = await getEvent(request, e.id);
    expect([stored.start, stored.end]).toEqual(['2026-11-02T14:00:00Z', '2026-11-02T15:00:00Z']);
    await expect(link(mon, e.title)).toHaveAccessibleName(/09:00/);
  });

  test('a drag from Saturday to Sunday 1 November keeps 09:00 in the week view', async ({ page, request }) => {
    const e = await createEvent(request, {
      title: uniqueTitle('DST drag'),
      start: '2026-10-31T13:00:00Z',
      end: '2026-10-31T14:00:00Z',
    });
    await page.goto('/calendar/week/2026-10-28');
    const sat = await day(page, '2026-10-31');
    const sun = await day(page, '2026-11-01');
    await expect(link(sat, e.title)).toBeVisible();
    const before = await box(link(sat, e.title));
    const traffic = new ApiTraffic(page);
    await drag(page, link(sat, e.title), await columnsAway(link(sat, e.title), sun), 0);
    await expect(link(sun, e.title)).toBeVisible();
    expect((await box(link(sun, e.title))).y).toBeCloseTo(before.y, 0);
    await traffic.settled();
    const stored = await getEvent(request, e.id);
    expect([stored.start, stored.end]).toEqual(['2026-11-01T14:00:00Z', '2026-11-01T15:00:00Z']);
  });
});

test.describe('axe-core finds no WCAG 2.1 AA violation', () => {
  const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
  async function clean(page: Page, where: string) {
    const results = await new (await import('@axe-core/playwright')).default({ page }).withTags(TAGS).analyze();
    expect(results.passes.length, `axe checked ${where}`).toBeGreaterThan(10);
    expect(
      results.violations.map((v) => ({ rule: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })),
      where,
    ).toEqual([]);
  }

  test('week, month and the dialog', async ({ page, request }) => {
    const sun = week(16);
    await timed(request, 'A11y', plus(sun, 1), '09:00', '10:00');
    await timed(request, 'A11y overlap', plus(sun, 1), '09:30', '11:00');
    await createEvent(request, {
      title: uniqueTitle('A11y all-day'),
      start: at(plus(sun, 2), '00:00'),
      end: at(plus(sun, 3), '00:00'),
      allDay: true,
    });
    await page.goto(`/calendar/week/${sun}`);
    await expect(page.getByRole('link', { name: /^A11y overlap/ })).toBeVisible();
    await clean(page, 'the week view');
    await toolbarLink(page, 'Month').click();
    await expect(page.getByRole('link', { name: /^A11y overlap/ })).toBeVisible();
    await clean(page, 'the month view');
    await toolbarLink(page, 'Week').click();
    const a = await box(page.getByRole('link', { name: /^A11y overlap/ }));
    await page.mouse.click(a.x + a.width / 2 + 300, a.y + 4 * HOUR);
    await expect(page.getByRole('dialog', { name: 'New event' })).toBeVisible();
    await clean(page, 'the New event dialog');
  });
});

/** Starts watching whether a link starting with `title` ever shows in the group `name`. */
async function watchIn(page: Page, name: string, title: string): Promise<() => Promise<boolean>> {
  const slot = `in${Math.random().toString(36).slice(2)}`;
  await page.evaluate(
    ({ name, title, slot }) => {
      const w = window as unknown as Record<string, boolean>;
      const check = () =>
        [...document.querySelectorAll('[role="group"]')]
          .filter((g) => g.getAttribute('aria-label') === name)
          .some((g) => [...g.querySelectorAll('a')].some((a) => (a.textContent ?? '').trim().startsWith(title)));
      w[slot] = check();
      new MutationObserver(() => {
        if (!w[slot] && check()) w[slot] = true;
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    },
    { name, title, slot },
  );
  return () => page.evaluate((slot) => (window as unknown as Record<string, boolean>)[slot], slot);
}
