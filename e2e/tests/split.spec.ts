// The split build (`cargo xtask dist`): code of the deferred module works however late that
// module arrives, fetched by boot.js or loaded on the spot when one of its functions is
// called first; a page the service worker controls starts with it attached, offline too.
// Runs its own server with the data of the training run (`--seed`), away from the events of
// every other spec.
import { expect, test, type Page, type Request, type Route } from '@playwright/test';
import type { ApiEvent } from './helpers';
import { DIST, startServer, type Server } from './servers';
import { eventInput, eventList, networkDown, networkUp, shellCached, uniqueTitle } from './support';

let server: Server;
test.beforeAll(async () => {
  server = await startServer(['--static', DIST, '--seed']);
});
test.afterAll(async () => {
  await server.stop();
});
const at = (path: string) => `${server.url}${path}`;

const DEFERRED = /\.deferred\.wasm$/;

/** Deferred-module requests of the page, and a way to hold boot.js's prefetch back. */
async function holdPrefetch(page: Page) {
  const requests: Request[] = [];
  const held: Route[] = [];
  page.on('request', (r) => {
    if (DEFERRED.test(new URL(r.url()).pathname)) requests.push(r);
  });
  await page.route(DEFERRED, async (route) => {
    // boot.js prefetches with fetch(); a placeholder that cannot wait loads with a sync XHR.
    if (route.request().resourceType() === 'fetch') held.push(route);
    else await route.continue();
  });
  return { requests, held };
}

test('the split build ships a deferred module and index.html names it', async ({ page }) => {
  const html = await (await page.request.get(at('/events'))).text();
  const m = html.match(/data-wasm-deferred="([^"]+)"/);
  expect(m, 'index.html of dist/ names the deferred module').not.toBeNull();
  const answer = await page.request.get(at(m![1]));
  expect(answer.status()).toBe(200);
  // A wasm module, not the app page a host answers for unknown paths.
  expect([...(await answer.body()).subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]);
});

test('deferred code called before the prefetch lands loads the module on the spot', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const { requests } = await holdPrefetch(page);
  await page.goto(at('/events'));
  await expect(eventList(page).getByRole('listitem').first()).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Calendar' }).click();
  const next = page.getByRole('link', { name: 'Next week' });
  await expect(next).toBeVisible();
  await next.click();
  await expect(page).toHaveURL(/\/calendar\/week\//);
  await nav.getByRole('link', { name: 'Events' }).click();
  await expect(eventList(page).getByRole('listitem').first()).toBeVisible();
  // Loaded on the spot (a synchronous request) while the prefetch, if it started, was held.
  const kinds = requests.map((r) => r.resourceType());
  expect(kinds).toContain('xhr');
  expect(kinds.filter((k) => k === 'xhr')).toHaveLength(1);
  expect(errors).toEqual([]);
});

test('a page the service worker controls starts with the deferred module, offline too', async ({
  context,
  page,
  request,
}) => {
  const made = await request.post(at('/api/events'), { data: eventInput({ title: uniqueTitle('Deferred offline') }) });
  expect(made.status()).toBe(201);
  const event = (await made.json()) as ApiEvent;
  await page.goto(at(`/events/${event.id}`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(event.title);
  await shellCached(page);
  // The event is kept for the next visit (the saved cache is written shortly after a read).
  await expect
    .poll(() => page.evaluate(() => Object.values(localStorage).some((v) => v.includes('Deferred offline'))))
    .toBe(true);
  const kinds: string[] = [];
  page.on('request', (r) => {
    if (DEFERRED.test(new URL(r.url()).pathname)) kinds.push(r.resourceType());
  });
  await networkDown(context);
  // The event page runs deferred code while it starts: the worker's copy is attached first.
  await page.goto(at(`/events/${event.id}`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(event.title);
  expect(kinds).toEqual(['fetch']);
  await networkUp(context);
});
