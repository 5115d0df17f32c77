// The calendar's part of the chaos run (issue 14): seeded drags, resizes and keyboard moves of
// the run's events in this week's view (UTC, en-US: weeks start on Sunday), and the check
// that the week shows every event where the server has it.
import { expect, type Locator, type Page } from '@playwright/test';
import type { ApiEvent } from './support';

/** One hour of the week grid, in px (src/pages/calendar/shell.rs). */
const HOUR = 48;
/** Where a held drag scrolls the grid (src/calendar/moves.rs `EDGE_PX`), plus a margin. */
const EDGE = 48;

/** Where an event sits in the week: day after Sunday (0–6), start and length in minutes. */
export interface Place {
  day: number;
  start: number;
  minutes: number;
}

export type Kind = 'drag' | 'resize' | 'keys';

/** One gesture: what it meant, the fault it met, and what the server answered. */
export interface Gesture {
  n: number;
  event: number;
  kind: Kind;
  days: number;
  quarters: number;
  fail: boolean;
  directive: string;
  /** The event's title when it was moved (the name in its toasts). */
  title: string;
  from: Place;
  to: Place;
  statuses: number[];
  bodies: unknown[];
}

/** The Sunday (`YYYY-MM-DD`, UTC) of the week holding `now`. */
export function sundayOf(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  d.setUTCDate(d.getUTCDate() - d.getUTCDay());
  return d.toISOString().slice(0, 10);
}

/** The API's `start`/`end` of `p` in the week of `sunday`. */
export function times(sunday: string, p: Place): { start: string; end: string } {
  const base = Date.parse(`${sunday}T00:00:00Z`) + p.day * 86_400_000 + p.start * 60_000;
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  return { start: iso(base), end: iso(base + p.minutes * 60_000) };
}

/** The place of the API's `start`/`end` in the week of `sunday`. */
export function placeOf(sunday: string, t: { start: string; end: string }): Place {
  const from = Date.parse(t.start) - Date.parse(`${sunday}T00:00:00Z`);
  return {
    day: Math.floor(from / 86_400_000),
    start: (from % 86_400_000) / 60_000,
    minutes: (Date.parse(t.end) - Date.parse(t.start)) / 60_000,
  };
}

/** A random gesture from `p` that keeps the event on a weekday, 08:00–17:00, 30 min–3 h. */
export function plan(random: () => number, p: Place): { kind: Kind; days: number; quarters: number; to: Place } {
  const kinds: Kind[] = ['drag', 'drag', 'resize', 'keys'];
  const kind = kinds[Math.floor(random() * kinds.length)];
  for (;;) {
    const days = kind === 'resize' ? 0 : Math.floor(random() * 3) - 1;
    const quarters = Math.floor(random() * 9) - 4;
    const to =
      kind === 'resize'
        ? { ...p, minutes: p.minutes + 15 * quarters }
        : { ...p, day: p.day + days, start: p.start + 15 * quarters };
    const moved = days !== 0 || quarters !== 0;
    const fits = to.day >= 1 && to.day <= 5 && to.start >= 8 * 60 && to.start + to.minutes <= 17 * 60;
    if (moved && fits && to.minutes >= 30 && to.minutes <= 180) return { kind, days, quarters, to };
  }
}

function dateOf(sunday: string, day: number): string {
  const d = new Date(`${sunday}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + day);
  return d.toISOString().slice(0, 10);
}

/** The day's `group`, named by its full date as the contract says. */
async function dayGroup(page: Page, sunday: string, day: number): Promise<Locator> {
  const name = await page.evaluate(
    (d) =>
      new Intl.DateTimeFormat(navigator.language, {
        weekday: 'long',
        year: 'numeric',
        month: 'long',
        day: 'numeric',
        timeZone: 'UTC',
      }).format(new Date(`${d}T12:00:00Z`)),
    dateOf(sunday, day),
  );
  return page.getByRole('group', { name, exact: true });
}

/** The link of the event named by `name` (its title; its time follows) inside `scope`. */
function eventLink(scope: Locator, name: RegExp): Locator {
  return scope.getByRole('link', { name });
}

/** From any page: "Calendar" in the Main navigation, then to the week of `sunday`. */
export async function openWeek(page: Page, sunday: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calendar' }).click();
  await expect(page).toHaveURL(/\/calendar\/week\/\d{4}-\d{2}-\d{2}$/);
  // Past midnight on Saturday "today" is in the next week: step back to the run's week.
  const shown = page.url().slice(-10);
  const step = sundayOf(new Date(`${shown}T12:00:00Z`)) > sunday ? 'Previous week' : 'Next week';
  for (let i = 0; i < 3 && !(await (await dayGroup(page, sunday, 1)).isVisible()); i += 1) {
    await page.getByRole('link', { name: step, exact: true }).click();
  }
  await expect(await dayGroup(page, sunday, 1)).toBeVisible();
}

/** Performs `g` on the event named by `name`, by pointer or keyboard as its kind says. */
export async function perform(page: Page, sunday: string, name: RegExp, g: Gesture) {
  const link = eventLink(await dayGroup(page, sunday, g.from.day), name);
  // Centred in the grid, so the pointer stays clear of the edges, where the grid scrolls
  // under a held drag (EDGE_PX in src/calendar/moves.rs) and a gesture would mean more.
  await link.evaluate((el) => el.scrollIntoView({ block: 'center', inline: 'nearest' }));
  const b = await link.boundingBox();
  if (!b) throw new Error(`gesture #${g.n}: the event is not on screen`);
  const x = b.x + b.width / 2;
  if (g.kind === 'keys') {
    await link.focus();
    await page.keyboard.press('Space');
    for (let i = 0; i < Math.abs(g.days); i += 1) await page.keyboard.press(g.days > 0 ? 'ArrowRight' : 'ArrowLeft');
    for (let i = 0; i < Math.abs(g.quarters); i += 1) await page.keyboard.press(g.quarters > 0 ? 'ArrowDown' : 'ArrowUp');
    await page.keyboard.press('Enter');
    return;
  }
  // A move grabs near the top; a resize grabs the bottom 8 px.
  const y = g.kind === 'resize' ? b.y + b.height - 3 : b.y + Math.min(8, b.height / 3);
  let tx = x;
  if (g.days !== 0) {
    const to = await (await dayGroup(page, sunday, g.to.day)).boundingBox();
    if (!to) throw new Error(`gesture #${g.n}: the target day is not on screen`);
    tx = to.x + to.width / 2;
  }
  const grid = await page.locator('.cal-scroll').boundingBox();
  if (!grid) throw new Error(`gesture #${g.n}: the week grid is not on screen`);
  for (const at of [y, y + (g.quarters * HOUR) / 4]) {
    if (at < grid.y + EDGE || at > grid.y + grid.height - EDGE) {
      throw new Error(`gesture #${g.n}: the pointer would pass y=${at} within ${EDGE} px of the grid's edge`);
    }
  }
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(tx, y + (g.quarters * HOUR) / 4, { steps: 8 });
  await page.mouse.up();
}

/**
 * The week shows each event in the group of its server day, with its height the server's
 * duration and its top the server's start, on one scale for all of them.
 */
export async function expectWeekEqualsServer(page: Page, sunday: string, names: RegExp[], stored: ApiEvent[]) {
  const offsets: number[] = [];
  for (let i = 0; i < stored.length; i += 1) {
    const p = placeOf(sunday, stored[i]);
    const group = await dayGroup(page, sunday, p.day);
    const link = eventLink(group, names[i]);
    await expect(link, `event ${i} on day ${p.day} of the week`).toHaveCount(1);
    await link.scrollIntoViewIfNeeded();
    const [lb, gb] = [await link.boundingBox(), await group.boundingBox()];
    if (!lb || !gb) throw new Error(`event ${i} is not on screen`);
    expect(lb.height, `event ${i}: height is its ${p.minutes} minutes`).toBeCloseTo((p.minutes / 60) * HOUR, 0);
    offsets.push(lb.y - gb.y - (p.start / 60) * HOUR);
  }
  // Tops minus each start on the scale: the same for every event (the hours' origin).
  for (const o of offsets) expect(Math.abs(o - offsets[0]), `tops follow the starts: ${offsets}`).toBeLessThan(1.5);
}

/**
 * Closes the toasts (alerts and statuses offering a button) with Escape; the calendar's own
 * `status` region, which says what each gesture did, stays.
 */
export async function closeToasts(page: Page) {
  const toasts = page.getByRole('alert').or(page.getByRole('status')).filter({ has: page.getByRole('button') });
  for (let i = 0; i < 20 && (await toasts.count()) > 0; i += 1) {
    await page.keyboard.press('Escape');
  }
}
