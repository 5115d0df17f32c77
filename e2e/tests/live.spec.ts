// Issue 16, live changes: a change made elsewhere (another device, through the API) shows on an
// open page within 2 s, with no focus, reload or polling, and never overwrites what the person
// is typing. A backend without the stream leaves the app as it was.
import { test, expect, type Page, type Request } from '@playwright/test';
import {
  API,
  LIVE_CHANGES,
  ApiTraffic,
  eventList,
  field,
  heading,
  listLink,
  newEvent,
  openEvent,
  patchEvent,
  uniqueTitle,
} from './support';

/** GETs of the API this page makes from now on (the stream itself aside). */
function reads(page: Page): Request[] {
  const seen: Request[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (r.method() === 'GET' && path.startsWith(`${API}/`) && path !== LIVE_CHANGES) seen.push(r);
  });
  return seen;
}

/** Resolves once `page` holds an open change stream. */
async function streaming(page: Page): Promise<void> {
  await page.waitForResponse((r) => new URL(r.url()).pathname === LIVE_CHANGES && r.status() === 200);
}

test('an edit made elsewhere shows on an open event page within 2 s, without focus or polling', async ({
  browser,
  request,
}) => {
  const event = await newEvent(request, 'Live rename');
  const device = await browser.newContext();
  const page = await device.newPage();
  const open = streaming(page);
  await openEvent(page, event);
  await open;
  const traffic = new ApiTraffic(page);
  await traffic.settled();

  const got = reads(page);
  // Nothing polls: a quiet second passes without a single read.
  await page.waitForTimeout(1_000);
  expect(got.map((r) => r.url())).toEqual([]);

  const renamed = uniqueTitle('Renamed on another device');
  await patchEvent(request, event.id, { title: renamed });
  await expect(heading(page)).toHaveText(renamed, { timeout: 2_000 });
  await expect(field(page, 'Title')).toHaveValue(renamed);
  await device.close();
});

test('an event created elsewhere appears in an open list within 2 s', async ({ browser, request }) => {
  const device = await browser.newContext();
  const page = await device.newPage();
  const open = streaming(page);
  await page.goto('/events');
  await expect(eventList(page)).toBeVisible();
  await open;

  const created = await newEvent(request, 'Created on another device');
  await expect(listLink(page, created.title)).toBeVisible({ timeout: 2_000 });
  await device.close();
});

test('a change elsewhere does not overwrite what is being typed, and one already held is not refetched', async ({
  browser,
  request,
}) => {
  const event = await newEvent(request, 'Live while typing');
  const device = await browser.newContext();
  const page = await device.newPage();
  const open = streaming(page);
  await openEvent(page, event);
  await open;

  // Typed, not saved.
  await field(page, 'Location').fill('Typed here, not saved');
  const renamed = uniqueTitle('Renamed while typing');
  await patchEvent(request, event.id, { title: renamed });
  await expect(heading(page)).toHaveText(renamed, { timeout: 2_000 });
  await expect(field(page, 'Location')).toHaveValue('Typed here, not saved');

  // This page's own save comes back on the stream too; it holds that version already.
  const traffic = new ApiTraffic(page);
  await traffic.settled();
  const got = reads(page);
  await page.getByRole('button', { name: 'Save' }).click();
  await traffic.settled(2_000);
  const eventReads = got.filter((r) => new URL(r.url()).pathname === `${API}/events/${event.id}`);
  // One refetch after the save settles, none for its echo.
  expect(eventReads.length).toBeLessThanOrEqual(1);
  await device.close();
});

test('without the stream (a generic backend) the app works as before and does not hammer it', async ({
  page,
  request,
}) => {
  let asked = 0;
  await page.route(`**${LIVE_CHANGES}`, (route) => {
    asked += 1;
    return route.fulfill({ status: 404, contentType: 'application/problem+json', body: '{}' });
  });
  const event = await newEvent(request, 'No stream');
  await openEvent(page, event);
  await page.waitForTimeout(3_000);
  // The first try and at most one more: it backs off from 2 s.
  expect(asked).toBeGreaterThanOrEqual(1);
  expect(asked).toBeLessThanOrEqual(2);

  const renamed = uniqueTitle('Saved without a stream');
  await field(page, 'Title').fill(renamed);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(heading(page)).toHaveText(renamed);
  await new ApiTraffic(page).settled();
});
