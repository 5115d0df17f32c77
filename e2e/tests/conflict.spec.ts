// Issue 6, conflicts: an edit made on stale data (HTTP 412) shows the latest data and an alert
// "changed elsewhere"; "Apply my changes" puts the edit on top, "Dismiss" keeps theirs.
import { test, expect } from '@playwright/test';
import {
  ApiTraffic,
  alertWith,
  editAndSave,
  eventPath,
  expectScreenEqualsServer,
  field,
  getEvent,
  heading,
  newEvent,
  nextResponse,
  openEvent,
  patchEvent,
  uniqueTitle,
  unheard,
} from './support';

test('412: the latest data shows, and "Apply my changes" applies the edit on top of it', async ({
  page,
  request,
}) => {
  const event = await newEvent(request, 'Conflict apply');
  await unheard(page);
  await openEvent(page, event);
  const traffic = new ApiTraffic(page);
  // Someone else renames it; this page still holds the old version's ETag.
  const theirs = await patchEvent(request, event.id, { title: uniqueTitle('Renamed elsewhere') });

  const answer = nextResponse(page, 'PATCH', eventPath(event.id));
  await editAndSave(page, 'Location', 'My room');
  expect((await answer).status()).toBe(412);
  const toast = alertWith(page, 'changed elsewhere');
  await expect(toast).toBeVisible();
  await expect(toast.getByRole('button', { name: 'Apply my changes' })).toBeVisible();
  await expect(toast.getByRole('button', { name: 'Dismiss' })).toBeVisible();
  // The latest data is shown: their title, and no location (mine is not saved yet).
  await expect(heading(page)).toHaveText(theirs.title);
  await traffic.settled();
  const latest = await expectScreenEqualsServer(page, request, event.id);
  expect(latest).toMatchObject({ title: theirs.title, location: '' });

  await toast.getByRole('button', { name: 'Apply my changes' }).click();
  await expect(toast).toBeHidden();
  await expect(field(page, 'Location')).toHaveValue('My room');
  await traffic.settled();
  const merged = await expectScreenEqualsServer(page, request, event.id);
  expect(merged).toMatchObject({ title: theirs.title, location: 'My room' });
});

test('412: Dismiss keeps the other change and drops mine', async ({ page, request }) => {
  const event = await newEvent(request, 'Conflict dismiss');
  await unheard(page);
  await openEvent(page, event);
  const traffic = new ApiTraffic(page);
  const theirs = await patchEvent(request, event.id, { description: 'Their notes' });
  await editAndSave(page, 'Title', uniqueTitle('My title'));
  const toast = alertWith(page, 'changed elsewhere');
  await expect(toast).toBeVisible();
  await toast.getByRole('button', { name: 'Dismiss' }).click();
  await expect(toast).toBeHidden();
  await traffic.settled();
  const stored = await expectScreenEqualsServer(page, request, event.id);
  expect(stored).toMatchObject({ title: event.title, description: 'Their notes', version: theirs.version });
});

test('two tabs editing the same event: the second sees the conflict and can apply on top', async ({
  context,
  request,
}) => {
  const event = await newEvent(request, 'Two tabs');
  const first = await context.newPage();
  const second = await context.newPage();
  await openEvent(first, event);
  await openEvent(second, event);
  const firstTraffic = new ApiTraffic(first);
  const secondTraffic = new ApiTraffic(second);

  const firstTitle = uniqueTitle('Tab one title');
  await editAndSave(first, 'Title', firstTitle);
  await firstTraffic.settled();
  const afterFirst = await expectScreenEqualsServer(first, request, event.id);
  expect(afterFirst.title).toBe(firstTitle);

  const answer = nextResponse(second, 'PATCH', eventPath(event.id));
  await editAndSave(second, 'Location', 'Tab two room');
  const status = (await answer).status();
  // Either the second tab already caught up with the first (tabs tell each other about saves)
  // and its edit goes on top directly, or it meets the conflict and applies on top from there.
  expect([200, 412]).toContain(status);
  if (status === 412) {
    const toast = alertWith(second, 'changed elsewhere');
    await expect(toast).toBeVisible();
    await expect(heading(second)).toHaveText(firstTitle);
    await secondTraffic.settled();
    await expectScreenEqualsServer(second, request, event.id);
    await toast.getByRole('button', { name: 'Apply my changes' }).click();
  }
  await secondTraffic.settled();
  const merged = await expectScreenEqualsServer(second, request, event.id);
  expect(merged).toMatchObject({ title: firstTitle, location: 'Tab two room' });

  // The first tab catches up when it loads the event again.
  await first.reload();
  await expectScreenEqualsServer(first, request, event.id);
  expect((await getEvent(request, event.id)).version).toBe(merged.version);
});
