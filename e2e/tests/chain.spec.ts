// The whole chain in one place: the release build served by eventual-server's --static, the
// app loading config.json, calling the real API, and rendering what the database holds.
import { test, expect } from '@playwright/test';
import { createEvent, eventInput, listEvents, uniqueTitle } from './helpers';

test('the server serves the app and its API', async ({ request }) => {
  const health = await request.get('/api/health');
  expect(health.status()).toBe(200);

  const page = await request.get('/');
  expect(page.status()).toBe(200);
  expect(await page.text()).toContain('<title>Eventual</title>');

  const config = await request.get('/config.json');
  expect(config.status()).toBe(200);
  expect(await config.json()).toHaveProperty('apiBaseUrl');
});

test('events created through the API are listed by the app', async ({ page, request }) => {
  const first = await createEvent(request, eventInput({ title: uniqueTitle('Chain test A') }));
  const second = await createEvent(
    request,
    eventInput({ title: uniqueTitle('Chain test B'), location: 'Room 2' }),
  );
  const stored = await listEvents(request);
  expect(stored.map((e) => e.title)).toEqual(expect.arrayContaining([first.title, second.title]));

  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Events' })).toBeVisible();
  const list = page.getByRole('list', { name: 'Events' });
  await expect(list).toBeVisible();
  for (const event of [first, second]) {
    const link = list.getByRole('link', { name: event.title, exact: true });
    await expect(link).toBeVisible();
    await expect(link).toHaveAttribute('href', new RegExp(`/events/${event.id}$`));
  }
});
