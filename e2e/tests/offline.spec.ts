// Issue 8, offline, durability and multiple tabs: no edit is ever lost.
// Offline is the browser's own (`context.setOffline`, plus API requests failing at the network
// layer, see `networkDown`); the server is the real one; the API request fixture is a separate
// client and stays online.
import { test, expect, type BrowserContext, type Page } from '@playwright/test';
import {
  alertWith,
  editAndSave,
  field,
  getEvent,
  heading,
  networkDown,
  networkUp,
  shellCached,
  newEvent,
  noNetwork,
  openEvent,
  patchEvent,
  statusWith,
  uniqueTitle,
} from './support';

const OFFLINE = 'Offline — changes will be sent when the connection returns';
const WAITING = 'Waiting for connection';
const SAVED = 'Showing saved data — may be out of date';

/** Waits until the last data read is saved for the next visit. */
async function dataSaved(page: Page, text: string): Promise<void> {
  await expect
    // Keys carry the deployment first (`eventual@<base>@<api>@eventual:cache:v1`).
    .poll(() =>
      page.evaluate(() => Object.entries(localStorage).find(([k]) => k.endsWith('@eventual:cache:v1'))?.[1] ?? ''),
    )
    .toContain(text);
}

async function goOffline(context: BrowserContext, page: Page): Promise<void> {
  await networkDown(context);
  await expect(statusWith(page, OFFLINE)).toBeVisible();
}

test('an edit made offline is shown as waiting, survives a reload and is saved when the connection returns', async ({
  context,
  page,
  request,
}) => {
  const event = await newEvent(request, 'Offline edit');
  await openEvent(page, event);
  await shellCached(page);
  await dataSaved(page, event.title);

  await goOffline(context, page);
  const title = uniqueTitle('Edited offline');
  await editAndSave(page, 'Title', title);
  await expect(heading(page)).toHaveText(title);
  await expect(page.getByText(`${WAITING}: Save event: “${title}”`)).toBeVisible();
  expect((await getEvent(request, event.id)).title).toBe(event.title);

  // Reload while still offline: the shell comes from the service worker, the data from the
  // saved cache, and the queued edit is applied on top of it again.
  await page.reload();
  await expect(heading(page)).toHaveText(title);
  await expect(field(page, 'Title')).toHaveValue(title);
  await expect(statusWith(page, WAITING)).toBeVisible();
  await expect(statusWith(page, SAVED)).toBeVisible();
  expect((await getEvent(request, event.id)).title).toBe(event.title);

  await networkUp(context);
  await expect.poll(async () => (await getEvent(request, event.id)).title).toBe(title);
  await expect(statusWith(page, OFFLINE)).toBeHidden();
  await expect(page.getByText(WAITING)).toBeHidden();
  await expect(heading(page)).toHaveText(title);
  // Sent once: nothing left queued, and a reload shows the server's copy.
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('@eventual:outbox:')))).toEqual([]);
  await page.reload();
  await expect(heading(page)).toHaveText(title);
});

test('an event opened just before the network went, edited and reloaded at once, still shows with the edit', async ({
  context,
  page,
  request,
}) => {
  const event = await newEvent(request, 'Opened late');
  await page.goto('/events');
  await shellCached(page);
  // Open it in-app: its data lands, and the edit and reload follow within the save debounce.
  await page.getByRole('list', { name: 'Events' }).getByRole('link', { name: event.title }).click();
  await expect(field(page, 'Title')).toHaveValue(event.title);
  await networkDown(context);
  const title = uniqueTitle('Edited at once');
  await editAndSave(page, 'Title', title);
  await expect(heading(page)).toHaveText(title);
  await page.reload();
  await expect(heading(page)).toHaveText(title);
  await expect(field(page, 'Title')).toHaveValue(title);
  await expect(statusWith(page, WAITING)).toBeVisible();

  await networkUp(context);
  await expect.poll(async () => (await getEvent(request, event.id)).title).toBe(title);
});

test('the app opens without a network after one visit, showing the saved list', async ({
  context,
  page,
  request,
}) => {
  const event = await newEvent(request, 'Opens offline');
  await page.goto('/events');
  await expect(page.getByRole('link', { name: event.title })).toBeVisible();
  await shellCached(page);
  await dataSaved(page, event.title);

  await networkDown(context);
  await page.goto('/events');
  await expect(page.getByRole('heading', { level: 1, name: 'Events' })).toBeVisible();
  await expect(page.getByRole('link', { name: event.title })).toBeVisible();
  await expect(statusWith(page, OFFLINE)).toBeVisible();
  await expect(statusWith(page, SAVED)).toBeVisible();
  await networkUp(context);
  await expect(statusWith(page, OFFLINE)).toBeHidden();
});

test('two tabs converge: an edit saved in one shows in the other without a reload', async ({
  context,
  request,
}) => {
  const event = await newEvent(request, 'Two tabs sync');
  const first = await context.newPage();
  const second = await context.newPage();
  await openEvent(first, event);
  await openEvent(second, event);
  const title = uniqueTitle('Saved in tab one');
  await editAndSave(first, 'Title', title);
  await expect.poll(async () => (await getEvent(request, event.id)).title).toBe(title);
  await expect(heading(second)).toHaveText(title);
  await expect(field(second, 'Title')).toHaveValue(title);
});

test('a queued edit that meets a 412 when the connection returns goes through the conflict flow', async ({
  context,
  page,
  request,
}) => {
  const event = await newEvent(request, 'Offline conflict');
  await openEvent(page, event);
  await goOffline(context, page);
  await editAndSave(page, 'Location', 'Offline room');
  await expect(statusWith(page, WAITING)).toBeVisible();
  // Meanwhile someone else renames it.
  const theirs = await patchEvent(request, event.id, { title: uniqueTitle('Renamed elsewhere') });

  await networkUp(context);
  const toast = alertWith(page, 'changed elsewhere');
  await expect(toast).toBeVisible();
  await expect(heading(page)).toHaveText(theirs.title);
  expect(await getEvent(request, event.id)).toMatchObject({ title: theirs.title, location: '' });

  await toast.getByRole('button', { name: 'Apply my changes' }).click();
  await expect
    .poll(async () => (await getEvent(request, event.id)).location)
    .toBe('Offline room');
  expect((await getEvent(request, event.id)).title).toBe(theirs.title);
});

test('a save that fails for network reasons while the browser claims to be online is held, not reverted', async ({
  context,
  page,
  request,
}) => {
  const event = await newEvent(request, 'Lie-fi');
  await openEvent(page, event);
  // The browser still says online; only the requests fail (a captive portal, a dead Wi-Fi).
  await context.route('**/api/**', noNetwork);
  const title = uniqueTitle('Saved through lie-fi');
  await editAndSave(page, 'Title', title);
  await expect(statusWith(page, OFFLINE)).toBeVisible();
  await expect(page.getByText(`${WAITING}: Save event: “${title}”`)).toBeVisible();
  await expect(heading(page)).toHaveText(title);
  await expect(alertWith(page, 'changes reverted')).toHaveCount(0);

  // The app probes for the server and sends once it answers.
  await context.unroute('**/api/**', noNetwork);
  await expect.poll(async () => (await getEvent(request, event.id)).title).toBe(title);
  await expect(statusWith(page, OFFLINE)).toBeHidden();
  await expect(page.getByText(WAITING)).toBeHidden();
  await expect(alertWith(page, 'changes reverted')).toHaveCount(0);
});
