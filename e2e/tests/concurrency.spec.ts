// Issue 6, concurrency: edits in flight together, refetches landing mid-save, answers out of
// order, leaving the page mid-save. The screen never shows something the server will not
// hold, and ends equal to the server.
import { test, expect, type Page, type Route } from '@playwright/test';
import {
  API,
  ApiTraffic,
  alertWith,
  editAndSave,
  eventForm,
  eventPath,
  expectScreenEqualsServer,
  fault,
  field,
  getEvent,
  heading,
  intercept,
  listLink,
  newEvent,
  nextResponse,
  openEvent,
  uniqueTitle,
  watchText,
  type ApiEvent,
} from './support';

/** Every PATCH of `event` whose JSON body has `key` gets `ifKey`, the others `otherwise`. */
function faultByBodyKey(page: Page, event: ApiEvent, key: string, ifKey: string, otherwise: string) {
  return intercept(page, { method: 'PATCH', path: eventPath(event.id) }, (route, req) => {
    const body = JSON.parse(req.postData() ?? '{}') as Record<string, unknown>;
    const directive = key in body ? ifKey : otherwise;
    return route.fallback({ headers: { ...req.headers(), 'x-eventual-fault': directive } });
  });
}

test('two edits in flight: the first fails, the second lands, and the rollback keeps the second', async ({
  page,
  request,
}) => {
  const event = await newEvent(request, 'Two edits fail first');
  await openEvent(page, event);
  const traffic = new ApiTraffic(page);
  const rule = await faultByBodyKey(page, event, 'title', 'delay=300; status=500', 'delay=600');

  const renamed = uniqueTitle('Lost rename');
  await editAndSave(page, 'Title', renamed);
  await editAndSave(page, 'Location', 'Second edit room');
  await expect(heading(page)).toHaveText(renamed);

  const toast = alertWith(page, 'changes reverted');
  await expect(toast).toBeVisible();
  await traffic.settled();
  const stored = await expectScreenEqualsServer(page, request, event.id);
  expect(stored).toMatchObject({ title: event.title, location: 'Second edit room' });

  await rule.stop();
  await toast.getByRole('button', { name: 'Retry' }).click();
  await expect(heading(page)).toHaveText(renamed);
  await traffic.settled();
  const after = await expectScreenEqualsServer(page, request, event.id);
  expect(after).toMatchObject({ title: renamed, location: 'Second edit room' });
});

test('two edits in flight: the first lands, the second fails and only it is reverted', async ({
  page,
  request,
}) => {
  const event = await newEvent(request, 'Two edits fail second');
  await openEvent(page, event);
  const traffic = new ApiTraffic(page);
  const rule = await faultByBodyKey(page, event, 'location', 'delay=200; status=503', 'delay=600');

  const renamed = uniqueTitle('Kept rename');
  await editAndSave(page, 'Title', renamed);
  await editAndSave(page, 'Location', 'Rejected room');
  const toast = alertWith(page, 'changes reverted');
  await expect(toast).toBeVisible();
  await traffic.settled();
  const stored = await expectScreenEqualsServer(page, request, event.id);
  expect(stored).toMatchObject({ title: renamed, location: '' });

  await rule.stop();
  await toast.getByRole('button', { name: 'Retry' }).click();
  await expect(field(page, 'Location')).toHaveValue('Rejected room');
  await traffic.settled();
  const after = await expectScreenEqualsServer(page, request, event.id);
  expect(after).toMatchObject({ title: renamed, location: 'Rejected room' });
});

/** Makes the event's cached data stale (the app's stale time is 10 s) without waiting. */
async function openWithStaleData(page: Page, event: ApiEvent) {
  await page.clock.install();
  await openEvent(page, event);
  await page.clock.fastForward(15_000);
}

test('a background refetch landing during a pending save does not undo the shown edit', async ({
  page,
  request,
}) => {
  const event = await newEvent(request, 'Refetch mid-save');
  await openWithStaleData(page, event);
  const traffic = new ApiTraffic(page);
  await fault(page, { method: 'PATCH', path: eventPath(event.id) }, 'delay=2000');

  const renamed = uniqueTitle('Renamed during refetch');
  const saved = nextResponse(page, 'PATCH', eventPath(event.id));
  await editAndSave(page, 'Title', renamed);
  await expect(heading(page)).toHaveText(renamed);
  const oldShown = await watchText(page, event.title);

  const refetched = nextResponse(page, 'GET', eventPath(event.id), 1500);
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  const refetch = await refetched;
  // The refetch carried the server's old copy (the save was still waiting before the handler)…
  expect(((await refetch.json()) as ApiEvent).title).toBe(event.title);
  // …and landed while the save was pending, without undoing what is shown.
  await expect(eventForm(page)).toHaveAttribute('aria-busy', 'true');
  await expect(heading(page)).toHaveText(renamed);
  await expect(field(page, 'Title')).toHaveValue(renamed);

  expect((await saved).status()).toBe(200);
  await traffic.settled();
  expect(await oldShown(), 'the old title never came back on screen').toBe(false);
  const stored = await expectScreenEqualsServer(page, request, event.id);
  expect(stored.title).toBe(renamed);
});

test('a background refetch during a save that then fails: the screen returns to the server copy', async ({
  page,
  request,
}) => {
  const event = await newEvent(request, 'Refetch then fail');
  await openWithStaleData(page, event);
  const traffic = new ApiTraffic(page);
  await fault(page, { method: 'PATCH', path: eventPath(event.id) }, 'delay=1200; status=500');
  const renamed = uniqueTitle('Doomed rename');
  await editAndSave(page, 'Title', renamed);
  const refetched = nextResponse(page, 'GET', eventPath(event.id), 1500);
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await refetched;
  await expect(heading(page)).toHaveText(renamed);
  await expect(alertWith(page, 'changes reverted')).toBeVisible();
  await traffic.settled();
  const stored = await expectScreenEqualsServer(page, request, event.id);
  expect(stored.title).toBe(event.title);
});

test('leaving the page mid-save: the list shows the edit, then the server copy', async ({ page, request }) => {
  const event = await newEvent(request, 'Leave mid-save');
  await openEvent(page, event);
  const traffic = new ApiTraffic(page);
  await fault(page, { method: 'PATCH', path: eventPath(event.id) }, 'delay=1500');
  const renamed = uniqueTitle('Renamed then left');
  const saved = nextResponse(page, 'PATCH', eventPath(event.id));
  await editAndSave(page, 'Title', renamed);
  await page.getByRole('link', { name: 'Back to events', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Events' })).toBeVisible();
  // The list is read while the save waits, so the server still has the old title: the
  // pending edit must be laid over it, never the old title shown.
  const oldShown = await watchText(page, event.title);
  await expect(listLink(page, renamed)).toBeVisible();
  await expect(listLink(page, event.title)).toHaveCount(0);
  expect((await saved).status()).toBe(200);
  await traffic.settled();
  expect(await oldShown(), 'the old title never showed in the list').toBe(false);
  await expect(listLink(page, renamed)).toBeVisible();
  await expect(listLink(page, event.title)).toHaveCount(0);
  expect((await getEvent(request, event.id)).title).toBe(renamed);
});

test('leaving the page mid-save that fails: the list reverts and Retry there saves it', async ({
  page,
  request,
}) => {
  const event = await newEvent(request, 'Leave mid-fail');
  await openEvent(page, event);
  const traffic = new ApiTraffic(page);
  const rule = await fault(page, { method: 'PATCH', path: eventPath(event.id) }, 'delay=800; status=500');
  const renamed = uniqueTitle('Failed then left');
  await editAndSave(page, 'Title', renamed);
  await page.getByRole('link', { name: 'Back to events', exact: true }).click();
  await expect(listLink(page, renamed)).toBeVisible();
  const toast = alertWith(page, 'changes reverted');
  await expect(toast).toBeVisible();
  await expect(listLink(page, event.title)).toBeVisible();
  await expect(listLink(page, renamed)).toHaveCount(0);
  await traffic.settled();
  expect((await getEvent(request, event.id)).title).toBe(event.title);

  await rule.stop();
  await toast.getByRole('button', { name: 'Retry' }).click();
  await expect(listLink(page, renamed)).toBeVisible();
  await traffic.settled();
  await expect(listLink(page, renamed)).toBeVisible();
  await expect(listLink(page, event.title)).toHaveCount(0);
  expect((await getEvent(request, event.id)).title).toBe(renamed);
});

test('out of order: a list read before the save landed, answered after it, does not overwrite it', async ({
  page,
  request,
}) => {
  const event = await newEvent(request, 'Out of order list');
  await openEvent(page, event);
  const traffic = new ApiTraffic(page);
  await fault(page, { method: 'PATCH', path: eventPath(event.id) }, 'delay=1500');
  const saved = nextResponse(page, 'PATCH', eventPath(event.id));
  // Hold the first list answer (read from the server before the save reached it) until the
  // save has been answered, then deliver it.
  let heldBody = '';
  const held = await intercept(page, { method: 'GET', path: `${API}/events` }, async (route, _req, n) => {
    if (n > 1) return route.fallback();
    const response = await route.fetch();
    heldBody = await response.text();
    await saved;
    await route.fulfill({ response });
  });

  const renamed = uniqueTitle('Saved before stale list');
  await editAndSave(page, 'Title', renamed);
  await expect(heading(page)).toHaveText(renamed);
  await page.getByRole('link', { name: 'Back to events', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Events' })).toBeVisible();
  const oldShown = await watchText(page, event.title);
  expect((await saved).status()).toBe(200);
  await expect.poll(() => held.count()).toBeGreaterThan(0);
  await expect(listLink(page, renamed)).toBeVisible();
  await traffic.settled();
  // The held answer really was stale…
  const stale = (JSON.parse(heldBody) as ApiEvent[]).find((e) => String(e.id) === String(event.id));
  expect(stale?.title).toBe(event.title);
  // …and it never replaced the saved title.
  expect(await oldShown(), 'the stale title never showed').toBe(false);
  await expect(listLink(page, renamed)).toBeVisible();
  expect((await getEvent(request, event.id)).title).toBe(renamed);
});

test('out of order: one save answered late while another, sent later, lands first', async ({ page, request }) => {
  const first = await newEvent(request, 'Late answer A');
  const second = await newEvent(request, 'Early answer B');
  await openEvent(page, first);
  const traffic = new ApiTraffic(page);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  await intercept(page, { method: 'PATCH', path: eventPath(first.id) }, async (route: Route) => {
    const response = await route.fetch();
    await gate;
    await route.fulfill({ response });
  });
  const firstTitle = uniqueTitle('A renamed');
  const firstSaved = nextResponse(page, 'PATCH', eventPath(first.id));
  await editAndSave(page, 'Title', firstTitle);
  await page.getByRole('link', { name: 'Back to events', exact: true }).click();
  await expect(listLink(page, firstTitle)).toBeVisible();
  await listLink(page, second.title).click();
  await expect(heading(page)).toHaveText(second.title);
  const secondTitle = uniqueTitle('B renamed');
  const secondSaved = nextResponse(page, 'PATCH', eventPath(second.id));
  await editAndSave(page, 'Title', secondTitle);
  expect((await secondSaved).status()).toBe(200);
  // The server already holds A's change; only its answer is late.
  expect((await getEvent(request, first.id)).title).toBe(firstTitle);
  release();
  expect((await firstSaved).status()).toBe(200);
  await traffic.settled();
  await expectScreenEqualsServer(page, request, second.id);
  await page.getByRole('link', { name: 'Back to events', exact: true }).click();
  await expect(listLink(page, firstTitle)).toBeVisible();
  await expect(listLink(page, secondTitle)).toBeVisible();
  await expect(listLink(page, first.title)).toHaveCount(0);
  await expect(listLink(page, second.title)).toHaveCount(0);
});

test('saves of one event reach the server in the order they were made', async ({ page, request }) => {
  const event = await newEvent(request, 'Save order');
  await openEvent(page, event);
  const traffic = new ApiTraffic(page);
  const arrived: string[] = [];
  // The first two answers wait for the test to open their gate, so what is on the wire when
  // does not depend on how fast this machine is.
  const gates = [0, 1].map(() => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { open, opened };
  });
  const slow = await intercept(page, { method: 'PATCH', path: eventPath(event.id) }, async (route, req, n) => {
    arrived.push((JSON.parse(req.postData() ?? '{}') as { title?: string }).title ?? '?');
    const response = await route.fetch();
    await gates[n - 1]?.opened;
    await route.fulfill({ response });
  });
  const titles = [1, 2, 3, 4].map((n) => uniqueTitle(`Order ${n}`));
  // Three saves queue up behind the first…
  for (const title of titles.slice(0, 3)) {
    await editAndSave(page, 'Title', title);
    await expect(heading(page)).toHaveText(title);
  }
  await expect.poll(() => slow.count(), 'the second and third wait while the first is on the wire').toBe(1);
  gates[0].open();
  // …and a fourth is made while the second is on the wire and the third still waits.
  await expect.poll(() => slow.count()).toBe(2);
  await editAndSave(page, 'Title', titles[3]);
  await expect(heading(page)).toHaveText(titles[3]);
  expect(slow.count(), 'the third still waits for the second').toBe(2);
  gates[1].open();
  await traffic.settled();
  expect.soft(arrived, 'the order saves reached the network').toEqual(titles);
  const stored = await expectScreenEqualsServer(page, request, event.id);
  expect(stored.title, 'the last save made is the one kept').toBe(titles[3]);
});
