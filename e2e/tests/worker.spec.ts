// The service worker never answers API requests from its cache, whatever the API's base; it
// keeps only HTML as the page for navigations; and a new version whose shell could not be
// fetched whole does not replace the last complete one. Each test runs its own server, with
// the API under /v1 and a copy of the build whose config.json points there.
import { expect, test, type Page } from '@playwright/test';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { readdirSync } from 'node:fs';
import { deployDist, startServer, tempDir, type Server } from './servers';
import { eventInput, uniqueTitle } from './helpers';
import { shellCached } from './support';

let server: Server;
let dist: { dir: string; remove: () => void };

test.beforeEach(async () => {
  dist = tempDir('worker');
  deployDist(dist.dir, '', { apiBaseUrl: '/v1' });
  server = await startServer(['--api-prefix', '/v1', '--static', dist.dir]);
});

test.afterEach(async () => {
  await server.stop();
  dist.remove();
});

const heading = (page: Page) => page.getByRole('heading', { level: 1, name: 'Events' });
const list = (page: Page) => page.getByRole('list', { name: 'Events' });

async function offline(page: Page): Promise<void> {
  await page.context().route('**/v1/**', (r) => r.abort('internetdisconnected'));
  await page.context().setOffline(true);
}

test('with the API under /v1, an event made after the list was read shows on the next load', async ({
  page,
  request,
}) => {
  const first = uniqueTitle('Worker first');
  expect((await request.post(`${server.url}/v1/events`, { data: eventInput({ title: first }) })).status()).toBe(201);
  await page.goto(`${server.url}/`);
  await expect(list(page).getByRole('link', { name: first })).toBeVisible();
  await shellCached(page);
  // This load's list request goes through the worker.
  await page.reload();
  await expect(list(page).getByRole('link', { name: first })).toBeVisible();

  const second = uniqueTitle('Worker second');
  expect((await request.post(`${server.url}/v1/events`, { data: eventInput({ title: second }) })).status()).toBe(201);
  await page.reload();
  await expect(list(page).getByRole('link', { name: second })).toBeVisible();
});

test('a navigation that answers JSON is not kept as the app page for offline starts', async ({ page }) => {
  await page.goto(`${server.url}/`);
  await expect(heading(page)).toBeVisible();
  await shellCached(page);
  await page.goto(`${server.url}/v1/events`);
  await expect(page.locator('body')).toContainText('[');

  await offline(page);
  await page.goto(`${server.url}/events`);
  await expect(heading(page)).toBeVisible();
});

test('a new version whose shell could not be fetched whole leaves the last complete one in place', async ({
  page,
}) => {
  await page.goto(`${server.url}/`);
  await expect(heading(page)).toBeVisible();
  await shellCached(page);

  // The next deploy's install finds the wasm missing (a half-copied release, a flaky CDN).
  for (const file of readdirSync(dist.dir).filter((f) => f.endsWith('.wasm'))) {
    rmSync(path.join(dist.dir, file));
  }
  const state = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.register(new URL('sw.js?v=next', document.baseURI).href);
    const worker = reg.installing || reg.waiting || reg.active;
    if (!worker) return 'none';
    const done = () => worker.state === 'activated' || worker.state === 'redundant';
    if (!done()) {
      await new Promise<void>((resolve) =>
        worker.addEventListener('statechange', () => {
          if (done()) resolve();
        }),
      );
    }
    return worker.state;
  });
  expect(state).toBe('redundant');

  await offline(page);
  await page.reload();
  await expect(heading(page)).toBeVisible();
});
