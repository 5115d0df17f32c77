// Shared helpers for the fault, chaos, accessibility, security and screenshot specs.
// Everything is found by role and accessible name (shared/spec/ui-contract.md); data is made
// through the real API (helpers.ts) with unique titles so tests never share state.
import {
  expect,
  type APIRequestContext,
  type BrowserContext,
  type Locator,
  type Page,
  type Request,
  type Route,
} from '@playwright/test';
import { API, createEvent, eventInput, getEvent, uniqueTitle, type ApiEvent, type EventInput } from './helpers';

export { API, createEvent, eventInput, getEvent, uniqueTitle, type ApiEvent, type EventInput };

// ── data ────────────────────────────────────────────────────────────────────────────────

/** Creates an event with a unique title starting with `prefix`. */
export async function newEvent(
  request: APIRequestContext,
  prefix: string,
  overrides: Partial<EventInput> = {},
): Promise<ApiEvent> {
  return createEvent(request, eventInput({ title: uniqueTitle(prefix), ...overrides }));
}

/** Changes an event through the API (as another client would), returning the stored copy. */
export async function patchEvent(
  request: APIRequestContext,
  id: ApiEvent['id'],
  patch: Partial<EventInput>,
): Promise<ApiEvent> {
  const response = await request.patch(`${API}/events/${id}`, { data: patch });
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as ApiEvent;
}

/** The backend's live change stream (Server-Sent Events). */
export const LIVE_CHANGES = `${API}/events/changes`;

/**
 * Cuts `page` off the live change stream, as a device that has not heard of another client's
 * change yet (or a backend without the stream): its next edit is made on the data it holds.
 */
export async function unheard(page: Page): Promise<void> {
  await page.route(`**${LIVE_CHANGES}`, (route) => route.abort('connectionrefused'));
}

/** A small seeded PRNG (mulberry32): same seed, same run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seed from `env` (a number) or the clock; printed so a failing run can be replayed. */
export function seedFrom(env: string, label: string): number {
  const raw = process.env[env];
  const seed = raw && /^\d+$/.test(raw) ? Number(raw) : Date.now() % 2 ** 31;
  console.log(`${label}: ${env}=${seed}`);
  return seed;
}

// ── network: faults, holds, in-flight tracking ───────────────────────────────────────────

/** Path of one event in the API. */
export function eventPath(id: ApiEvent['id']): string {
  return `${API}/events/${id}`;
}

export interface Interception {
  /** How many matching requests were seen so far. */
  count(): number;
  /** Stop intercepting (later requests go straight through). */
  stop(): Promise<void>;
}

type Handler = (route: Route, request: Request, n: number) => Promise<void>;

/**
 * Intercepts API requests whose method is `method` (any when omitted) and whose path equals
 * `path` (string) or matches it (RegExp); `handler` gets each with its 1-based number.
 * Requests that do not match fall back to earlier routes / the network.
 */
export async function intercept(
  page: Page,
  match: { method?: string; path: string | RegExp },
  handler: Handler,
): Promise<Interception> {
  let n = 0;
  const matcher = (url: URL) =>
    typeof match.path === 'string' ? url.pathname === match.path : match.path.test(url.pathname);
  const wrapped = async (route: Route, request: Request) => {
    if (match.method && request.method() !== match.method) {
      await route.fallback();
      return;
    }
    n += 1;
    await handler(route, request, n);
  };
  await page.route(matcher, wrapped);
  return {
    count: () => n,
    stop: () => page.unroute(matcher, wrapped),
  };
}

/** Handler: forward the request with an `X-Eventual-Fault` header (e.g. `status=500`). */
export function withFault(fault: string): Handler {
  return (route, request) =>
    route.fallback({ headers: { ...request.headers(), 'x-eventual-fault': fault } });
}

/** Makes every matching request carry `fault` until stopped. */
export function fault(
  page: Page,
  match: { method?: string; path: string | RegExp },
  directive: string,
): Promise<Interception> {
  return intercept(page, match, withFault(directive));
}

/** Counts API requests in flight on a page, to wait until everything has settled. */
export class ApiTraffic {
  private inflight = new Set<Request>();
  private last = Date.now();
  readonly log: { method: string; path: string; status: number | 'failed' }[] = [];

  constructor(page: Page) {
    // The live change stream never ends; it is not traffic that settles.
    const isApi = (r: Request) => {
      const path = new URL(r.url()).pathname;
      return path.startsWith(`${API}/`) && path !== LIVE_CHANGES;
    };
    page.on('request', (r) => {
      if (isApi(r)) {
        this.inflight.add(r);
        this.last = Date.now();
      }
    });
    const done = async (r: Request, failed: boolean) => {
      if (!this.inflight.delete(r)) return;
      this.last = Date.now();
      const status = failed ? 'failed' : ((await r.response())?.status() ?? 'failed');
      this.log.push({ method: r.method(), path: new URL(r.url()).pathname, status });
    };
    page.on('requestfinished', (r) => void done(r, false));
    page.on('requestfailed', (r) => void done(r, true));
  }

  /** Requests still waiting for an answer. */
  pending(): number {
    return this.inflight.size;
  }

  /**
   * Waits until no API request has been in flight for `quietMs` (longer than the app's
   * mutation retry back-off, so a pending retry is not mistaken for the end). The quiet is
   * counted from this call at the earliest: a click's request may not have left yet when a
   * test asks, and an earlier quiet spell must not count as the end of it.
   */
  async settled(quietMs = 1200, timeout = 20_000): Promise<void> {
    const asked = Date.now();
    await expect
      .poll(() => (this.inflight.size === 0 ? Date.now() - Math.max(this.last, asked) : 0), {
        timeout,
        intervals: [100],
        message: 'API traffic to settle',
      })
      .toBeGreaterThanOrEqual(quietMs);
  }
}

/** `s` as a literal inside a RegExp. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ── toasts ──────────────────────────────────────────────────────────────────────────────

/** A failure toast (role alert) whose text contains `text`. */
export function alertWith(page: Page, text: string | RegExp): Locator {
  return page.getByRole('alert').filter({ hasText: text });
}

/** A success/info toast (role status) whose text contains `text`. */
export function statusWith(page: Page, text: string | RegExp): Locator {
  return page.getByRole('status').filter({ hasText: text });
}

/** Records the text of every alert/status element that ever appears (toasts come and go). */
export async function recordToasts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __toasts: { role: string; text: string }[] };
    w.__toasts = [];
    const seen = new WeakMap<Element, string>();
    const scan = () => {
      document.querySelectorAll('[role="alert"],[role="status"]').forEach((el) => {
        const text = (el.textContent ?? '').trim();
        if (text && seen.get(el) !== text) {
          seen.set(el, text);
          w.__toasts.push({ role: el.getAttribute('role') ?? '', text });
        }
      });
    };
    new MutationObserver(scan).observe(document, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
}

/** Every toast recorded by [`recordToasts`] so far. */
export function recordedToasts(page: Page): Promise<{ role: string; text: string }[]> {
  return page.evaluate(
    () => (window as unknown as { __toasts: { role: string; text: string }[] }).__toasts,
  );
}

// ── pages ───────────────────────────────────────────────────────────────────────────────

/** The event page's heading. */
export function heading(page: Page): Locator {
  return page.getByRole('heading', { level: 1 });
}

/** A form field by its label, as the contract names them. */
export function field(page: Page, name: 'Title' | 'Location' | 'Description'): Locator {
  return page.getByRole('textbox', { name, exact: true });
}

/** The event form (`aria-busy` while saving). */
export function eventForm(page: Page): Locator {
  return page.getByRole('form');
}

/** Opens `/events/{id}` and waits until the event is shown. */
export async function openEvent(page: Page, event: ApiEvent): Promise<void> {
  await page.goto(`/events/${event.id}`);
  await expect(heading(page)).toHaveText(event.title);
  await expect(field(page, 'Title')).toHaveValue(event.title);
}

/** Types a new value into a field and presses Save. */
export async function editAndSave(
  page: Page,
  name: 'Title' | 'Location' | 'Description',
  value: string,
): Promise<void> {
  await field(page, name).fill(value);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
}

/** The list of events on `/events`. */
export function eventList(page: Page): Locator {
  return page.getByRole('list', { name: 'Events' });
}

/** The link to an event in the list, by its exact title. */
export function listLink(page: Page, title: string): Locator {
  return eventList(page).getByRole('link', { name: title, exact: true });
}

/** The `datetime-local` value the browser shows for an instant, in the page's time zone. */
export function localInput(page: Page, iso: string): Promise<string> {
  return page.evaluate((iso) => {
    const d = new Date(iso);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }, iso);
}

/** The event page shows exactly `event` (as the server has it), field by field. */
export async function expectEventShown(page: Page, event: ApiEvent): Promise<void> {
  await expect(heading(page)).toHaveText(event.title);
  await expect(field(page, 'Title')).toHaveValue(event.title);
  await expect(field(page, 'Location')).toHaveValue(event.location ?? '');
  await expect(field(page, 'Description')).toHaveValue(event.description ?? '');
  await expect(page.getByRole('combobox', { name: 'Status', exact: true })).toHaveValue(
    event.status ?? 'confirmed',
  );
  const allDay = page.getByRole('checkbox', { name: 'All day', exact: true });
  if (event.allDay) {
    await expect(allDay).toBeChecked();
  } else {
    await expect(allDay).not.toBeChecked();
    await expect(page.getByLabel('Start', { exact: true })).toHaveValue(await localInput(page, event.start));
    await expect(page.getByLabel('End', { exact: true })).toHaveValue(await localInput(page, event.end));
  }
}

/** Reads the event from the server and checks the page shows exactly that. */
export async function expectScreenEqualsServer(
  page: Page,
  request: APIRequestContext,
  id: ApiEvent['id'],
): Promise<ApiEvent> {
  const stored = await getEvent(request, id);
  await expectEventShown(page, stored);
  return stored;
}

/**
 * Starts watching the page for `text` becoming visible as text (headings, links, toasts; not
 * input values). Returns a function telling whether it has been seen since the call.
 */
export async function watchText(page: Page, text: string): Promise<() => Promise<boolean>> {
  const slot = `w${Math.random().toString(36).slice(2)}`;
  await page.evaluate(
    ({ text, slot }) => {
      const w = window as unknown as Record<string, boolean>;
      w[slot] = document.body.innerText.includes(text);
      new MutationObserver(() => {
        if (!w[slot] && document.body.innerText.includes(text)) w[slot] = true;
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    },
    { text, slot },
  );
  return () => page.evaluate((slot) => (window as unknown as Record<string, boolean>)[slot], slot);
}

/** Resolves with the next response to `method path` (any status). */
export function nextResponse(page: Page, method: string, path: string, timeout = 20_000) {
  return page.waitForResponse(
    (r) => r.request().method() === method && new URL(r.url()).pathname === path,
    { timeout },
  );
}

// ── network ─────────────────────────────────────────────────────────────────────────────

/** Every API request fails as it would with no network: `net::ERR_INTERNET_DISCONNECTED`. */
export const noNetwork = (route: Route) => route.abort('internetdisconnected');

/**
 * Takes the network away. Chromium's offline emulation alone has a gap: right after a reload
 * served by the service worker, the new document's first API requests sometimes reach the
 * server (about 1 run in 3 here). A device with no network has no such gap, so API requests
 * are also failed at the network layer, which holds across reloads.
 */
export async function networkDown(context: BrowserContext): Promise<void> {
  await context.route('**/api/**', noNetwork);
  await context.setOffline(true);
}

/** Gives the network back after [`networkDown`]. */
export async function networkUp(context: BrowserContext): Promise<void> {
  await context.unroute('**/api/**', noNetwork);
  await context.setOffline(false);
}

/** Waits until the service worker controls the page and the shell is cached. */
export async function shellCached(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => !!navigator.serviceWorker?.controller), {
      message: 'service worker controls the page',
    })
    .toBe(true);
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const names = await caches.keys();
          let n = 0;
          for (const name of names) n += (await (await caches.open(name)).keys()).length;
          return n;
        }),
      { message: 'app shell cached' },
    )
    .toBeGreaterThan(2);
}
