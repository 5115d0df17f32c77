// The first screen of /events: boot.js asks for the list's first page and opens the change
// stream while the wasm still downloads, and the app takes both over (src/api/early.rs)
// instead of asking again. A change made between that early read and the app's start is not
// lost, and an early read that fails is asked again by the app as usual.
import { expect, test, type Page, type Route } from '@playwright/test';
import { API, listLink, newEvent, patchEvent, uniqueTitle } from './support';

const FIRST_PAGE = `${API}/events?_page=1&_limit=1000`;

/** Holds the main wasm back until `release` (the deferred module and the rest go through). */
async function holdWasm(page: Page) {
  const held: Route[] = [];
  let released = false;
  await page.route(/_bg\.wasm$/, (route) => (released ? route.continue() : held.push(route)));
  return {
    held,
    release: () => {
      released = true;
      held.splice(0).forEach((r) => r.continue());
    },
  };
}

/** Every list request of the page that asks for the first page of everything. */
function firstPageReads(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (r.method() === 'GET' && `${u.pathname}${u.search}` === FIRST_PAGE) seen.push(r.resourceType());
  });
  return seen;
}

test('the list is asked for while the wasm still downloads, and only once', async ({ page, request }) => {
  const event = await newEvent(request, 'Early once');
  const reads = firstPageReads(page);
  const wasm = await holdWasm(page);
  const answered = page.waitForResponse((r) => r.url().endsWith(FIRST_PAGE));
  await page.goto('/events');
  expect((await answered).status()).toBe(200);
  expect(wasm.held, 'the wasm was still held when the list was read').toHaveLength(1);
  wasm.release();
  await expect(listLink(page, event.title)).toBeVisible();
  // Quiet for a moment after the first screen: the app did not ask for the list itself.
  await page.waitForTimeout(500);
  expect(reads).toEqual(['fetch']);
});

test('a change made after the early read and before the app started shows without a reload', async ({
  page,
  request,
}) => {
  const event = await newEvent(request, 'Early');
  const wasm = await holdWasm(page);
  const answered = page.waitForResponse((r) => r.url().endsWith(FIRST_PAGE));
  await page.goto('/events');
  await answered;
  // Another device renames it while this tab's wasm has not even arrived.
  const renamed = uniqueTitle('Early renamed');
  await patchEvent(request, event.id, { title: renamed });
  wasm.release();
  // The list was read before the rename, but the stream boot.js opened heard it: the app
  // gives that answer up and reads the list again.
  await expect(listLink(page, renamed)).toBeVisible({ timeout: 5_000 });
  await expect(listLink(page, event.title)).toHaveCount(0);
});

test('an early read that fails is asked again by the app, which shows the list', async ({ page, request }) => {
  const event = await newEvent(request, 'Early retry');
  const reads = firstPageReads(page);
  let failed = false;
  await page.route(`**${FIRST_PAGE}`, (route) => {
    if (failed) return route.continue();
    failed = true;
    return route.abort('connectionreset');
  });
  await page.goto('/events');
  await expect(listLink(page, event.title)).toBeVisible();
  expect(reads).toHaveLength(2);
});
