// Every event can be reached however many there are: past the server's cap of 1000 per page
// the list offers "Show more" and loads the next page on scroll, in search results too, and
// an optimistic change shows in the page that holds its event. Runs its own server, so the
// 1003 events it makes stay out of the other specs' lists.
import { expect, test, type Page, type Route } from '@playwright/test';
import { DIST, startServer, type Server } from './servers';
import type { ApiEvent } from './helpers';

const COUNT = 1003;
let server: Server;
let events: ApiEvent[];

const title = (n: number) => `Paged ${String(n).padStart(4, '0')}`;

test.beforeAll(async ({ playwright }) => {
  server = await startServer(['--static', DIST]);
  const request = await playwright.request.newContext();
  const made: ApiEvent[] = [];
  for (let from = 1; from <= COUNT; from += 50) {
    const batch = [];
    for (let n = from; n < from + 50 && n <= COUNT; n += 1) {
      const start = new Date(Date.UTC(2030, 0, 1) + n * 3_600_000);
      const end = new Date(start.getTime() + 1_800_000);
      batch.push(
        request
          .post(`${server.url}/api/events`, {
            data: { title: title(n), start: start.toISOString(), end: end.toISOString() },
          })
          .then(async (r) => {
            expect(r.status()).toBe(201);
            return (await r.json()) as ApiEvent;
          }),
      );
    }
    made.push(...(await Promise.all(batch)));
  }
  events = made.sort((a, b) => a.title.localeCompare(b.title));
  await request.dispose();
});

test.afterAll(async () => {
  await server.stop();
});

test.setTimeout(90_000);

const list = (page: Page) => page.getByRole('list', { name: 'Events' });
const link = (page: Page, n: number) => list(page).getByRole('link', { name: title(n), exact: true });

test('past the first 1000 events "Show more" brings the rest, and is gone at the end', async ({ page }) => {
  await page.goto(`${server.url}/events`);
  await expect(link(page, 1)).toBeVisible();
  await expect(link(page, 1000)).toBeAttached();
  await expect(link(page, 1001)).toHaveCount(0);
  // Pressed where it is (as assistive technology does): scrolling it into view would load the
  // next page by itself, which the next test covers.
  await page.getByRole('button', { name: 'Show more' }).dispatchEvent('click');
  await expect(link(page, COUNT)).toBeAttached();
  await expect(list(page).getByRole('listitem')).toHaveCount(COUNT);
  await expect(page.getByRole('button', { name: 'Show more' })).toHaveCount(0);
});

test('search results page too: scrolling to the end loads the next page', async ({ page }) => {
  await page.goto(`${server.url}/events?q=Paged`);
  await expect(link(page, 1)).toBeVisible();
  await expect(link(page, 1001)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Show more' })).toBeVisible();
  await link(page, 1000).scrollIntoViewIfNeeded();
  await page.mouse.wheel(0, 2_000);
  await expect(link(page, COUNT)).toBeAttached();
});

test('a status change and a delete show at once in the second page', async ({ page }) => {
  const changed = events[1001];
  const gone = events[1000];
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const hold = async (route: Route) => {
    if (route.request().method() === 'GET') return route.fallback();
    await held;
    await route.fallback();
  };
  await page.route(`**/api/events/${changed.id}`, hold);
  await page.route(`**/api/events/${gone.id}`, hold);

  await page.goto(`${server.url}/events`);
  await link(page, 1000).scrollIntoViewIfNeeded();
  await page.mouse.wheel(0, 2_000);
  await expect(link(page, COUNT)).toBeAttached();
  const status = page.getByRole('combobox', { name: `Status of ${changed.title}` });
  await status.selectOption({ label: 'Cancelled' });
  await expect(status).toHaveValue('cancelled');

  await link(page, 1001).click();
  await page.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Events' })).toBeVisible();
  await expect(link(page, 1002)).toBeAttached();
  await expect(link(page, 1001)).toHaveCount(0);
  await expect(page.getByRole('combobox', { name: `Status of ${changed.title}` })).toHaveValue('cancelled');
  release();
  await expect
    .poll(async () => (await page.request.get(`${server.url}/api/events/${gone.id}`)).status())
    .toBe(404);
  await expect(link(page, 1001)).toHaveCount(0);
  await expect(link(page, COUNT)).toBeAttached();
});
