// Issue 6, accessibility: no axe-core violation (WCAG 2.0/2.1 A and AA) on any page, with a
// toast open, with the devtools panel open, in dark mode; and a keyboard-only create, edit and
// delete with focus always visible.
import { test, expect, type Locator, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import {
  ApiTraffic,
  alertWith,
  editAndSave,
  eventList,
  eventPath,
  fault,
  field,
  getEvent,
  heading,
  listLink,
  newEvent,
  openEvent,
  statusWith,
  uniqueTitle,
} from './support';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function expectNoViolations(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  // axe really looked: rules ran and passed on this page.
  expect(results.passes.length, `axe checked ${where}`).toBeGreaterThan(10);
  const found = results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`),
  }));
  expect(found, `axe violations on ${where}`).toEqual([]);
}

test.describe('axe-core finds no WCAG 2.1 AA violation', () => {
  test('list page', async ({ page, request }) => {
    await newEvent(request, 'A11y list', { location: 'Room 1', status: 'tentative' });
    await page.goto('/events');
    await expect(eventList(page)).toBeVisible();
    await expectNoViolations(page, '/events');
  });

  test('event page', async ({ page, request }) => {
    const event = await newEvent(request, 'A11y event', { description: 'Notes\non two lines' });
    await openEvent(page, event);
    await expectNoViolations(page, `/events/${event.id}`);
  });

  test('event page with field errors shown', async ({ page, request }) => {
    const event = await newEvent(request, 'A11y invalid');
    await openEvent(page, event);
    await editAndSave(page, 'Title', '');
    await expect(field(page, 'Title')).toHaveAttribute('aria-invalid', 'true');
    await expectNoViolations(page, 'the event form with an error');
  });

  test('new event page', async ({ page }) => {
    await page.goto('/events/new');
    await expect(page.getByRole('button', { name: 'Create', exact: true })).toBeVisible();
    await expectNoViolations(page, '/events/new');
  });

  test('not-found page', async ({ page }) => {
    await page.goto('/no/such/page');
    await expect(page.getByRole('link', { name: 'Back to events' })).toBeVisible();
    await expectNoViolations(page, 'the not-found page');
  });

  test('a missing event', async ({ page }) => {
    await page.goto('/events/999999999');
    await expect(page.getByRole('link', { name: 'Back to events' })).toBeVisible();
    await expectNoViolations(page, 'a missing event');
  });

  test('with a failure toast open', async ({ page, request }) => {
    const event = await newEvent(request, 'A11y toast');
    await openEvent(page, event);
    await fault(page, { method: 'PATCH', path: eventPath(event.id) }, 'status=500');
    await editAndSave(page, 'Location', 'Nowhere');
    const toast = alertWith(page, 'changes reverted');
    await expect(toast).toBeVisible();
    // Hovered, so it stays open while axe looks.
    await toast.hover();
    await expectNoViolations(page, 'the event page with a failure toast');
  });

  test('with a delete toast open on the list', async ({ page, request }) => {
    const event = await newEvent(request, 'A11y delete toast');
    await openEvent(page, event);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const toast = statusWith(page, event.title);
    await expect(toast.getByRole('button', { name: 'Undo' })).toBeVisible();
    await toast.hover();
    await expectNoViolations(page, 'the list with a delete toast');
  });

  test('with the devtools panel open', async ({ page, request }) => {
    const event = await newEvent(request, 'A11y devtools');
    await page.goto('/events?devtools');
    await expect(listLink(page, event.title)).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Devtools' })).toBeVisible();
    await expectNoViolations(page, '/events?devtools');
    await page.goto(`/events/${event.id}?devtools`);
    await expect(heading(page)).toHaveText(event.title);
    await expectNoViolations(page, `/events/${event.id}?devtools`);
  });

  test('in dark mode', async ({ page, request }) => {
    const event = await newEvent(request, 'A11y dark', { status: 'cancelled' });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto('/events');
    await expect(listLink(page, event.title)).toBeVisible();
    await expectNoViolations(page, '/events in dark mode');
    await openEvent(page, event);
    await expectNoViolations(page, 'the event page in dark mode');
  });
});

/** Presses Tab until `target` has focus (at most `max` times); checks focus is visible. */
async function tabTo(page: Page, target: Locator, max = 60): Promise<void> {
  for (let i = 0; i < max; i += 1) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) {
      await expectFocusVisible(target);
      return;
    }
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target}`);
}

/** The focused element draws a focus indicator (outline or box shadow). */
async function expectFocusVisible(target: Locator): Promise<void> {
  const indicator = await target.evaluate((el) => {
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const shadow = s.boxShadow !== 'none';
    return { focusVisible: el.matches(':focus-visible'), outline, shadow };
  });
  expect(indicator.focusVisible, 'keyboard focus matches :focus-visible').toBe(true);
  expect(indicator.outline || indicator.shadow, `a visible focus indicator on ${target}`).toBe(true);
}

test('keyboard only: create, edit and delete an event', async ({ page, request }) => {
  const traffic = new ApiTraffic(page);
  await page.goto('/events');
  await expect(page.getByRole('heading', { level: 1, name: 'Events' })).toBeVisible();

  // Create.
  await tabTo(page, page.getByRole('link', { name: 'New event' }).first());
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Create', exact: true })).toBeVisible();
  const title = uniqueTitle('Keyboard made');
  await tabTo(page, field(page, 'Title'));
  await page.keyboard.type(title);
  await tabTo(page, field(page, 'Location'));
  await page.keyboard.type('Typed room');
  await tabTo(page, page.getByRole('button', { name: 'Create', exact: true }));
  await page.keyboard.press('Enter');
  await expect(heading(page)).toHaveText(title);
  await expect(page).toHaveURL(/\/events\/\d+$/);
  const id = new URL(page.url()).pathname.split('/').pop()!;
  await traffic.settled();
  expect(await getEvent(request, id)).toMatchObject({ title, location: 'Typed room' });

  // Edit.
  const renamed = uniqueTitle('Keyboard renamed');
  await tabTo(page, field(page, 'Title'));
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(renamed);
  await tabTo(page, page.getByRole('combobox', { name: 'Status', exact: true }));
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('combobox', { name: 'Status', exact: true })).toHaveValue('tentative');
  await tabTo(page, page.getByRole('button', { name: 'Save', exact: true }));
  await page.keyboard.press('Space');
  await expect(heading(page)).toHaveText(renamed);
  await traffic.settled();
  expect(await getEvent(request, id)).toMatchObject({ title: renamed, status: 'tentative' });

  // Delete, and the toast's Undo is reachable by keyboard too.
  await tabTo(page, page.getByRole('button', { name: 'Delete', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Events' })).toBeVisible();
  await expect(listLink(page, renamed)).toHaveCount(0);
  await expect(statusWith(page, renamed).getByRole('button', { name: 'Undo' })).toBeVisible();
  await traffic.settled();
  expect((await request.get(eventPath(id))).status()).toBe(404);
});
