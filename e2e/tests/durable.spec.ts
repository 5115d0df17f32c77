// Issue 13, app items 6, 7, 10 and 12: a change the person has not given up on is kept (also
// across a reload and a full localStorage), the outbox and the connection are read honestly,
// and Create goes to the new event at once.
import { test, expect, type Page } from '@playwright/test';
import {
  API,
  ApiTraffic,
  alertWith,
  editAndSave,
  eventPath,
  fault,
  field,
  getEvent,
  heading,
  networkDown,
  newEvent,
  openEvent,
  statusWith,
  uniqueTitle,
} from './support';

const WAITING = 'Waiting for connection';

// Keys carry the deployment's prefix (`eventual@<app>@<api>@eventual:…`); match on what follows.
function outboxKeys(page: Page): Promise<string[]> {
  return page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('@eventual:outbox:')));
}

/** This deployment's key for `name` (`eventual:cache:v1`, …), or null when none is stored. */
function storedKey(page: Page, name: string): Promise<string | null> {
  return page.evaluate((n) => Object.keys(localStorage).find((k) => k.endsWith(`@${n}`)) ?? null, name);
}

/** The saved query cache's text ('' when none). */
async function savedCache(page: Page): Promise<string> {
  const key = await storedKey(page, 'eventual:cache:v1');
  return key ? await page.evaluate((k) => localStorage.getItem(k) ?? '', key) : '';
}

/** Fills localStorage until not one more character fits. */
async function fillStorage(page: Page): Promise<void> {
  await page.evaluate(() => {
    let n = 0;
    for (let size = 1 << 20; size >= 1; size = Math.floor(size / 2)) {
      for (;;) {
        try {
          localStorage.setItem(`filler:${n++}`, 'x'.repeat(size));
        } catch {
          break;
        }
      }
    }
  });
}

test('a save that failed with a 5xx stays stored, its alert stays open, and a reload offers it again', async ({
  page,
  request,
}) => {
  const event = await newEvent(request, 'Durable retry');
  await openEvent(page, event);
  const traffic = new ApiTraffic(page);
  const failing = await fault(page, { method: 'PATCH', path: eventPath(event.id) }, 'status=500');
  const title = uniqueTitle('Kept after a 500');
  await editAndSave(page, 'Title', title);
  const toast = alertWith(page, 'changes reverted');
  await expect(toast).toBeVisible();
  await traffic.settled();
  // Not given up on: still stored.
  expect(await outboxKeys(page)).toHaveLength(1);
  // The alert is the only way back to the change: it does not close by itself.
  await page.mouse.move(0, 0);
  await page.waitForTimeout(11_000);
  await expect(toast).toBeVisible();

  // A reload offers the change again and sends nothing by itself.
  const sent = failing.count();
  await page.reload();
  const offered = alertWith(page, title);
  await expect(offered).toBeVisible();
  await expect(offered.getByRole('button', { name: 'Retry' })).toBeVisible();
  await traffic.settled();
  expect(failing.count()).toBe(sent);
  expect((await getEvent(request, event.id)).title).toBe(event.title);

  await failing.stop();
  await offered.getByRole('button', { name: 'Retry' }).click();
  await expect.poll(async () => (await getEvent(request, event.id)).title).toBe(title);
  await expect(heading(page)).toHaveText(title);
  await expect.poll(() => outboxKeys(page)).toEqual([]);
});

test('Dismiss on a failed save forgets the stored change', async ({ page, request }) => {
  const event = await newEvent(request, 'Durable dismiss');
  await openEvent(page, event);
  const traffic = new ApiTraffic(page);
  await fault(page, { method: 'PATCH', path: eventPath(event.id) }, 'status=503');
  await editAndSave(page, 'Location', 'Given up');
  const toast = alertWith(page, 'changes reverted');
  await expect(toast).toBeVisible();
  await traffic.settled();
  await toast.getByRole('button', { name: 'Dismiss' }).click();
  await expect.poll(() => outboxKeys(page)).toEqual([]);
  await page.reload();
  await expect(heading(page)).toHaveText(event.title);
  await traffic.settled();
  await expect(alertWith(page, 'Given up')).toHaveCount(0);
});

test('with localStorage full, an offline edit is still kept: the saved query cache makes room', async ({
  context,
  page,
  request,
}) => {
  const event = await newEvent(request, 'Quota cache');
  await openEvent(page, event);
  await expect
    .poll(() => savedCache(page))
    .toContain(event.title);
  await networkDown(context);
  await expect(statusWith(page, 'Offline')).toBeVisible();
  await fillStorage(page);
  const title = uniqueTitle('Kept in a full storage');
  await editAndSave(page, 'Title', title);
  await expect(page.getByText(`${WAITING}: Save event: “${title}”`)).toBeVisible();
  await expect.poll(() => outboxKeys(page)).toHaveLength(1);
  expect(await storedKey(page, 'eventual:cache:v1')).toBeNull();
  await expect(alertWith(page, 'cannot be kept')).toHaveCount(0);
});

test('with localStorage full and nothing to drop, the person is told the change cannot be kept offline', async ({
  context,
  page,
  request,
}) => {
  const event = await newEvent(request, 'Quota full');
  await openEvent(page, event);
  await networkDown(context);
  await expect(statusWith(page, 'Offline')).toBeVisible();
  await fillStorage(page);
  const cacheKey = await storedKey(page, 'eventual:cache:v1');
  if (cacheKey) await page.evaluate((k) => localStorage.removeItem(k), cacheKey);
  await fillStorage(page);
  const title = uniqueTitle('Not kept');
  await editAndSave(page, 'Title', title);
  const alert = alertWith(page, 'cannot be kept');
  await expect(alert).toBeVisible();
  await expect(alert).toContainText(title);
  expect(await outboxKeys(page)).toEqual([]);
});

test('an outbox entry that no longer parses is shown, and Discard removes it', async ({ page }) => {
  await page.goto('/events');
  // Written the way an older release at this root wrote it: without a deployment prefix.
  await page.evaluate(() => {
    localStorage.setItem(
      'eventual:outbox:v0:old-1',
      JSON.stringify({ id: 'old-1', kind: 'save', event: 7, changes: { title: 'Old format title' } }),
    );
  });
  await page.reload();
  const alert = alertWith(page, 'could not be read');
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('Old format title');
  await alert.getByRole('button', { name: 'Discard' }).click();
  await expect.poll(() => storedKey(page, 'eventual:outbox:v0:old-1')).toBeNull();
  expect(await page.evaluate(() => localStorage.getItem('eventual:outbox:v0:old-1'))).toBeNull();
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Events' })).toBeVisible();
  await page.waitForTimeout(2_500);
  await expect(alertWith(page, 'could not be read')).toHaveCount(0);
});

test("a captive portal's 200 HTML is not the server: a queued change keeps waiting", async ({
  context,
  page,
  request,
}) => {
  const event = await newEvent(request, 'Captive portal');
  await openEvent(page, event);
  await networkDown(context);
  await expect(statusWith(page, 'Offline')).toBeVisible();
  const title = uniqueTitle('Behind a portal');
  await editAndSave(page, 'Title', title);
  await expect(page.getByText(`${WAITING}: Save event: “${title}”`)).toBeVisible();

  // The network is back, but every request lands on a login page.
  const portal = (route: import('@playwright/test').Route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<html><body>Log in to Wi-Fi</body></html>' });
  await context.unroute('**/api/**');
  await context.route('**/api/**', portal);
  await context.setOffline(false);
  await page.waitForTimeout(4_000);
  await expect(page.getByText(`${WAITING}: Save event: “${title}”`)).toBeVisible();
  await expect(alertWith(page, 'changes reverted')).toHaveCount(0);
  expect((await getEvent(request, event.id)).title).toBe(event.title);

  await context.unroute('**/api/**', portal);
  await expect.poll(async () => (await getEvent(request, event.id)).title, { timeout: 15_000 }).toBe(title);
});

test('idempotency keys are random UUIDs', async ({ page, request }) => {
  const event = await newEvent(request, 'UUID keys');
  await openEvent(page, event);
  const sent = page.waitForRequest((r) => r.method() === 'PATCH' && new URL(r.url()).pathname === eventPath(event.id));
  await editAndSave(page, 'Location', 'Keyed');
  const key = (await sent).headers()['idempotency-key'];
  expect(key).toMatch(/^"m-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"$/);
});

for (const [name, body, expected] of [
  ['invalid JSON', '{ "apiBaseUrl": "/api", ', /config\.json.*(JSON|EOF|end)/is],
  ['the wrong shape', '{ "apiBaseUrl": 42 }', /config\.json.*apiBaseUrl|config\.json.*string/is],
  ['a misspelt field', '{ "apiBaseURL": "/v1" }', /config\.json.*apiBaseURL/is],
] as const) {
  test(`a config.json with ${name} is an error on screen, not a silent fallback`, async ({ page }) => {
    await page.route('**/config.json', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body }),
    );
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith(`${API}/`)) apiCalls.push(r.url());
    });
    await page.goto('/events');
    const alert = page.getByRole('alert');
    await expect(alert).toBeVisible();
    await expect(alert).toContainText(expected);
    expect(apiCalls).toEqual([]);
  });
}

test('Create with a slow POST goes to the new event at once, editable, then moves to the real id', async ({
  page,
  request,
}) => {
  await page.goto('/events/new');
  const slow = await fault(page, { method: 'POST', path: `${API}/events` }, 'delay=2500');
  const title = uniqueTitle('Created at once');
  await field(page, 'Title').fill(title);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  // At once: the new event's page, under its stand-in id, while the POST is in flight.
  await expect(heading(page)).toHaveText(title, { timeout: 1_000 });
  expect(slow.count()).toBe(1);
  await expect(page).toHaveURL(/\/events\/new-[^/]+$/);
  await expect(field(page, 'Title')).toHaveValue(title);
  // Editable there: an edit made before the id arrives is queued behind the create.
  await field(page, 'Location').fill('Room made early');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page).toHaveURL(/\/events\/\d+$/, { timeout: 10_000 });
  const id = new URL(page.url()).pathname.split('/').pop()!;
  await expect.poll(async () => (await getEvent(request, id)).location).toBe('Room made early');
  await expect(heading(page)).toHaveText(title);
  await expect(field(page, 'Location')).toHaveValue('Room made early');
  const stored = await getEvent(request, id);
  expect(stored.title).toBe(title);
  await slow.stop();
});

test('a create that fails brings the person back to the form with their input and the toast', async ({
  page,
}) => {
  await page.goto('/events/new');
  const failing = await fault(page, { method: 'POST', path: `${API}/events` }, 'delay=800; status=422');
  const title = uniqueTitle('Create rejected');
  await field(page, 'Title').fill(title);
  await field(page, 'Description').fill('Typed on the form');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(page).toHaveURL(/\/events\/new-[^/]+$/);
  await expect(alertWith(page, `Couldn't create`)).toBeVisible();
  await expect(page).toHaveURL(/\/events\/new$/);
  await expect(field(page, 'Title')).toHaveValue(title);
  await expect(field(page, 'Description')).toHaveValue('Typed on the form');
  await failing.stop();
});
