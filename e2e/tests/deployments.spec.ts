// Two deployments on one origin (/eventual/ and /eventual-staging/) keep their stored data
// apart: a change one of them saved for later is never adopted and sent by the other.
import { expect, test, type Page } from '@playwright/test';
import { deployDist, startServer, tempDir, type Server } from './servers';
import { eventInput, uniqueTitle, type ApiEvent } from './helpers';

let server: Server;
let root: { dir: string; remove: () => void };

test.beforeEach(async () => {
  root = tempDir('deployments');
  deployDist(root.dir, 'eventual', { apiBaseUrl: '/api' });
  deployDist(root.dir, 'eventual-staging', { apiBaseUrl: '/api' });
  server = await startServer(['--static', root.dir]);
});

test.afterEach(async () => {
  await server.stop();
  root.remove();
});

const titleOnServer = async (page: Page, id: ApiEvent['id']) =>
  ((await (await page.request.get(`${server.url}/api/events/${id}`)).json()) as ApiEvent).title;

test("a change saved offline at /eventual/ is sent by /eventual/, never by /eventual-staging/", async ({
  context,
  page,
}) => {
  test.setTimeout(60_000);
  const created = await page.request.post(`${server.url}/api/events`, {
    data: eventInput({ title: uniqueTitle('Deployment') }),
  });
  const event = (await created.json()) as ApiEvent;

  await page.goto(`${server.url}/eventual/`);
  await page.getByRole('list', { name: 'Events' }).getByRole('link', { name: event.title }).click();
  await expect(page.getByRole('heading', { level: 1, name: event.title })).toBeVisible();
  await context.route('**/api/**', (r) => r.abort('internetdisconnected'));
  await context.setOffline(true);
  const edited = `${event.title} (edited offline)`;
  await page.getByRole('textbox', { name: 'Title' }).fill(edited);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { level: 1, name: edited })).toBeVisible();
  await page.close();
  await context.unrouteAll();
  await context.setOffline(false);

  // The other deployment outlives the first tab's heartbeat (6 s) and would adopt its change.
  const staging = await context.newPage();
  await staging.goto(`${server.url}/eventual-staging/`);
  await expect(staging.getByRole('heading', { level: 1, name: 'Events' })).toBeVisible();
  await staging.waitForTimeout(10_000);
  expect(await titleOnServer(staging, event.id)).toBe(event.title);

  // Its own deployment sends it.
  const again = await context.newPage();
  await again.goto(`${server.url}/eventual/`);
  await expect.poll(() => titleOnServer(again, event.id), { timeout: 20_000 }).toBe(edited);
});
