// Issue 8: a change is applied once however often it is sent. Every write carries the change's
// `Idempotency-Key`; the server's `lose-response` fault commits the write and then drops the
// connection, the case where only a re-send can tell whether it landed.
import { test, expect, type APIRequestContext } from '@playwright/test';
import {
  API,
  ApiTraffic,
  type ApiEvent,
  alertWith,
  editAndSave,
  fault,
  getEvent,
  heading,
  intercept,
  listLink,
  networkDown,
  networkUp,
  newEvent,
  openEvent,
  recordToasts,
  recordedToasts,
  shellCached,
  statusWith,
  uniqueTitle,
  withFault,
} from './support';

/** How many events on the server carry exactly `title` (searched, so paging can't hide one). */
async function countTitled(request: APIRequestContext, title: string): Promise<number> {
  const response = await request.get(`${API}/events?q=${encodeURIComponent(title)}`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as ApiEvent[]).filter((e) => e.title === title).length;
}

test('a create whose answer is lost is sent again and made once', async ({ page, request }) => {
  await page.goto('/events/new');
  // Only the first POST loses its answer; the automatic resend goes through.
  const rule = await intercept(page, { method: 'POST', path: `${API}/events` }, async (route, req, n) => {
    if (n === 1) await withFault('lose-response')(route, req, n);
    else await route.fallback();
  });
  const title = uniqueTitle('Answer lost on create');
  await page.getByRole('textbox', { name: 'Title', exact: true }).fill(title);
  await page.getByRole('button', { name: 'Create', exact: true }).click();

  await expect(heading(page)).toHaveText(title);
  await expect(page).toHaveURL(/\/events\/\d+$/);
  expect(rule.count()).toBe(2);
  expect(await countTitled(request, title)).toBe(1);
  await expect(alertWith(page, 'changes reverted')).toHaveCount(0);
  await rule.stop();
});

test('a save whose answer is lost is sent again without a false conflict', async ({ page, request }) => {
  const event = await newEvent(request, 'Answer lost on save');
  await recordToasts(page);
  const traffic = new ApiTraffic(page);
  await openEvent(page, event);
  const rule = await intercept(page, { method: 'PATCH', path: `${API}/events/${event.id}` }, async (route, req, n) => {
    if (n === 1) await withFault('lose-response')(route, req, n);
    else await route.fallback();
  });
  const title = uniqueTitle('Saved once');
  await editAndSave(page, 'Title', title);

  // The resend carries the same If-Match as the lost one; the server answers from its record
  // instead of a 412 "changed elsewhere" caused by our own first write.
  await expect.poll(() => rule.count()).toBe(2);
  await traffic.settled();
  await expect(heading(page)).toHaveText(title);
  const toasts = (await recordedToasts(page)).map((t) => t.text).join('\n');
  expect(toasts).not.toContain('changed elsewhere');
  expect(toasts).not.toContain('reverted');
  expect(traffic.log.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual(['failed', 200]);
  const saved = await getEvent(request, event.id);
  expect(saved.title).toBe(title);
  expect(saved.version).toBe(event.version + 1);
  await rule.stop();
});

test('an event created offline keeps its page across a reload and is made once', async ({
  context,
  page,
  request,
}) => {
  // One create online first, so stand-in ids handed out by this page load don't start at the
  // beginning again (a reload must not rename the stand-in the person is looking at).
  await page.goto('/events/new');
  const before = uniqueTitle('Created online first');
  await page.getByRole('textbox', { name: 'Title', exact: true }).fill(before);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(heading(page)).toHaveText(before);
  await page.getByRole('link', { name: 'Back to events' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Events' })).toBeVisible();
  await shellCached(page);
  await networkDown(context);
  await expect(statusWith(page, 'Offline')).toBeVisible();

  const title = uniqueTitle('Created offline');
  await page.getByRole('link', { name: 'New event' }).first().click();
  await page.getByRole('textbox', { name: 'Title', exact: true }).fill(title);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('link', { name: 'Back to events' }).click();

  // The stand-in row links to the new event's page under its stand-in id, until the server's.
  await listLink(page, title).click();
  await expect(heading(page)).toHaveText(title);
  await expect(page).toHaveURL(/\/events\/new-[^/]+$/);
  const standIn = page.url();
  await page.reload();
  await expect(heading(page)).toHaveText(title);
  expect(page.url()).toBe(standIn);
  expect(await countTitled(request, title)).toBe(0);

  await networkUp(context);
  await expect(heading(page)).toHaveText(title);
  await expect(page).toHaveURL(/\/events\/\d+$/);
  expect(await countTitled(request, title)).toBe(1);
});

test('a create already sent by a tab that closed is not made twice when another tab resends it', async ({
  context,
  request,
}) => {
  // Tab one sends the create, the server commits it, the answer is lost and the tab closes
  // before it can resend: the change stays in the shared outbox.
  const first = await context.newPage();
  await first.goto('/events/new');
  await fault(first, { method: 'POST', path: `${API}/events` }, 'lose-response');
  // Keep the probe from declaring the server reachable, so the change stays queued.
  await first.route(`**${API}/health`, (route) => route.abort('internetdisconnected'));
  const title = uniqueTitle('Closed mid-create');
  await first.getByRole('textbox', { name: 'Title', exact: true }).fill(title);
  await first.getByRole('button', { name: 'Create', exact: true }).click();
  await expect.poll(() => countTitled(request, title)).toBe(1);
  await expect(statusWith(first, 'Waiting for connection')).toBeVisible();
  await first.close();

  // Another tab adopts the orphaned change once tab one's heartbeat is stale, and resends it.
  // Until the resend answers, the list shows the server's row and the change's stand-in row:
  // it cannot know they are one event before the server says so.
  const second = await context.newPage();
  await second.goto('/events');
  await expect
    .poll(() => second.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('@eventual:outbox:')).length), {
      timeout: 20_000,
    })
    .toBe(0);
  await expect(listLink(second, title)).toHaveCount(1);
  await expect(listLink(second, title)).toHaveAttribute('href', /\/events\/\d+$/);
  expect(await countTitled(request, title)).toBe(1);
});
