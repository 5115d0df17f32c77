// Screenshots for the README and reviews: list, event, a failure toast, dark mode, 360 px wide.
// Saved under e2e/test-results/screenshots/ (git-ignored) and attached to the report.
import { test, expect, type Page, type TestInfo } from '@playwright/test';
import path from 'node:path';
import {
  API,
  alertWith,
  createEvent,
  editAndSave,
  eventList,
  eventPath,
  fault,
  heading,
  listLink,
  type ApiEvent,
} from './support';

const DIR = path.join(__dirname, '..', 'test-results', 'screenshots');

/** Sample events at plausible times from tomorrow on. */
async function sampleEvents(request: import('@playwright/test').APIRequestContext) {
  const day = (offset: number, h: number, m = 0) => {
    const d = new Date();
    d.setUTCDate(d.getUTCDate() + offset);
    d.setUTCHours(h, m, 0, 0);
    return d.toISOString().replace('.000Z', 'Z');
  };
  const midnight = (offset: number) => day(offset, 0);
  const rows = [
    { title: 'Design review', start: day(1, 9), end: day(1, 10, 30), location: 'Room 4.12', status: 'confirmed' as const, description: 'Walk through the new booking flow.\nBring the latest mock-ups.' },
    { title: 'Dentist', start: day(1, 14), end: day(1, 14, 45), location: 'Rue Haute 8', status: 'tentative' as const },
    { title: 'Team offsite', start: midnight(3), end: midnight(5), allDay: true, location: 'Lakeside lodge', status: 'confirmed' as const },
    { title: 'Sprint planning', start: day(4, 10), end: day(4, 11), location: 'Video call', status: 'confirmed' as const },
    { title: 'Yoga class', start: day(6, 18), end: day(6, 19), location: 'Studio B', status: 'cancelled' as const },
  ];
  const made: ApiEvent[] = [];
  for (const r of rows) made.push(await createEvent(request, r));
  return made;
}

/** Lists only these events (the shared test database holds every other test's data too). */
async function onlyThese(page: Page, events: ApiEvent[]) {
  const ids = new Set(events.map((e) => String(e.id)));
  await page.route(
    (url) => url.pathname === `${API}/events`,
    async (route) => {
      const response = await route.fetch();
      const all = (await response.json()) as ApiEvent[];
      const mine = all.filter((e) => ids.has(String(e.id)));
      await route.fulfill({ response, json: mine, headers: { ...response.headers(), 'x-total-count': String(mine.length) } });
    },
  );
}

async function shot(page: Page, info: TestInfo, name: string) {
  const file = path.join(DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
  await info.attach(name, { path: file, contentType: 'image/png' });
}

test('screenshots: list, event, failure toast, dark mode, 360 px', async ({ page, request }, info) => {
  const samples = await sampleEvents(request);
  const review = samples[0];
  await onlyThese(page, samples);

  const list = async () => {
    await page.goto('/events');
    await expect(listLink(page, 'Yoga class')).toBeVisible();
    await expect(eventList(page).getByRole('listitem')).toHaveCount(5);
  };
  const event = async () => {
    await page.goto(`/events/${review.id}`);
    await expect(heading(page)).toHaveText('Design review');
  };

  await page.setViewportSize({ width: 1280, height: 800 });
  await list();
  await shot(page, info, 'list');
  await event();
  await shot(page, info, 'event');

  const failing = await fault(page, { method: 'PATCH', path: eventPath(review.id) }, 'status=503');
  await editAndSave(page, 'Location', 'Room 5.01');
  const toast = alertWith(page, 'changes reverted');
  await expect(toast).toBeVisible();
  await toast.hover();
  await expect(heading(page)).toHaveText('Design review');
  await shot(page, info, 'failure-toast');
  await toast.getByRole('button', { name: 'Dismiss' }).click();
  await failing.stop();

  await page.emulateMedia({ colorScheme: 'dark' });
  await list();
  await shot(page, info, 'list-dark');
  await event();
  await shot(page, info, 'event-dark');

  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 360, height: 740 });
  await list();
  await shot(page, info, 'list-360');
  await event();
  await shot(page, info, 'event-360');
  // At 360 px nothing scrolls sideways.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'horizontal overflow at 360 px').toBeLessThanOrEqual(0);
});
