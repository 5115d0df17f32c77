// A calendar view shows every event of its range, however many: past the server's cap of
// 1000 per page the range is asked for page after page (rest-api.md, "Paging"). Runs its own
// server, so the 1010 events it makes stay out of the other specs' weeks.
import { expect, test } from '@playwright/test';
import { DIST, startServer, type Server } from './servers';

const COUNT = 1010;
const SUNDAY = Date.UTC(2031, 2, 2); // 2 March 2031, the en-US week start
let server: Server;

test.use({ locale: 'en-US', timezoneId: 'UTC' });

test.beforeAll(async ({ playwright }) => {
  server = await startServer(['--static', DIST]);
  const request = await playwright.request.newContext();
  for (let from = 0; from < COUNT; from += 50) {
    const batch = [];
    for (let n = from; n < Math.min(from + 50, COUNT); n += 1) {
      // Seven days of 06:00–22:00 in quarter hours, so every event stands in the week.
      const start = SUNDAY + (n % 7) * 86_400_000 + 6 * 3_600_000 + (Math.floor(n / 7) % 64) * 900_000;
      const data = {
        title: `Week paged ${String(n).padStart(4, '0')}`,
        start: new Date(start).toISOString(),
        end: new Date(start + 900_000).toISOString(),
      };
      batch.push(request.post(`${server.url}/api/events`, { data }).then((r) => expect(r.status()).toBe(201)));
    }
    await Promise.all(batch);
  }
  await request.dispose();
});

test.afterAll(async () => {
  await server.stop();
});

test.setTimeout(90_000);

test('a week holding more than 1000 events shows them all, asking page after page', async ({ page }) => {
  const pages: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (r.method() === 'GET' && u.searchParams.get('from') === '2031-03-02T00:00:00Z') {
      pages.push(u.searchParams.get('_page') ?? '1');
    }
  });
  await page.goto(`${server.url}/calendar/week/2031-03-02`);
  const shown = page.getByRole('group').getByRole('link', { name: /^Week paged \d{4}/ });
  await expect(shown).toHaveCount(COUNT, { timeout: 30_000 });
  // Saturday sorts last: 144 events, its latest ones from the second page.
  const saturday = page.getByRole('group', { name: /Saturday, March 8/ });
  await expect(saturday.getByRole('link', { name: /^Week paged \d{4}/ })).toHaveCount(144);
  expect(pages.slice(0, 2)).toEqual(['1', '2']);
});
