// Issue 6, security: hostile text renders as text and runs nothing; the app works under a
// strict Content-Security-Policy.
import { test, expect, type Page } from '@playwright/test';
import {
  ApiTraffic,
  alertWith,
  editAndSave,
  escapeRegExp,
  eventPath,
  fault,
  intercept,
  eventList,
  expectScreenEqualsServer,
  field,
  heading,
  listLink,
  newEvent,
  openEvent,
  uniqueTitle,
  type ApiEvent,
} from './support';

/** Each payload, if it ever ran, would call `window.__xss()` (or open a dialog). */
const PAYLOADS: string[] = [
  '<script>__xss()</script>',
  '<script src="data:text/javascript,__xss()"></script>',
  '<img src=x onerror=__xss()>',
  '<img src="x" onerror="__xss()">',
  '<svg onload=__xss()>',
  '<svg><script>__xss()</script></svg>',
  '<body onload=__xss()>',
  '<iframe src="javascript:parent.__xss()"></iframe>',
  '<iframe srcdoc="<script>parent.__xss()</script>"></iframe>',
  '<a href="javascript:__xss()">click</a>',
  'javascript:__xss()',
  'JaVaScRiPt:__xss()',
  'data:text/html,<script>__xss()</script>',
  '"><img src=x onerror=__xss()>',
  "'><svg onload=__xss()>",
  '" autofocus onfocus="__xss()" x="',
  "' onmouseover='__xss()' x='",
  '</textarea><script>__xss()</script>',
  '</title><script>__xss()</script>',
  '<details open ontoggle=__xss()>',
  '<video><source onerror=__xss()></video>',
  '<input autofocus onfocus=__xss()>',
  '<math><mtext><table><mglyph><style><img src=x onerror=__xss()>',
  '<object data="javascript:__xss()"></object>',
  '<embed src="javascript:__xss()">',
  '<style>@import "javascript:__xss()";</style>',
  '<div style="background:url(javascript:__xss())">css</div>',
  '{{constructor.constructor("__xss()")()}}',
  '${__xss()}',
  '<%= __xss() %>',
  '{{7*7}} #{__xss()}',
  '\u202Egpj.exe<img src=x onerror=__xss()>',
  'abc\u202Ecba \u2066<b onclick=__xss()>iso\u2069',
  '\u200B<scr\u200Bipt>__xss()</scr\u200Bipt>',
  '&lt;img src=x onerror=__xss()&gt;',
  '&#60;script&#62;__xss()&#60;/script&#62;',
  '<!--<img src="--><img src=x onerror=__xss()//">',
  '<noscript><p title="</noscript><img src=x onerror=__xss()>">',
  '<a href="#" onclick="__xss();return false">x</a>',
  '<form action="javascript:__xss()"><button>go</button></form>',
  '<meta http-equiv="refresh" content="0;url=javascript:__xss()">',
  '<base href="javascript:__xss()//">',
  '<link rel=import href="data:text/html,<script>__xss()</script>">',
  "';__xss();//",
  '");__xss();//',
  '\\u003cscript\\u003e__xss()\\u003c/script\\u003e',
  '<img src=x onerror=alert(1)>',
  '<script>alert(document.domain)</script>',
];

/** Hooks the payloads would call, and a log of what fired. */
async function armTripwires(page: Page): Promise<{ fired: () => Promise<string[]>; dialogs: string[] }> {
  await page.addInitScript(() => {
    const w = window as unknown as { __xss: () => void; __xssFired: string[] };
    w.__xssFired = [];
    w.__xss = () => {
      w.__xssFired.push(new Error('__xss').stack ?? 'called');
    };
  });
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return {
    fired: () => page.evaluate(() => (window as unknown as { __xssFired: string[] }).__xssFired),
    dialogs,
  };
}

/**
 * Inline event handlers, script-capable elements and javascript: URLs anywhere the app renders:
 * the whole body (toasts, devtools and dialogs live outside `main`). index.html's body is empty,
 * so every element found here was made by the app.
 */
function injectedMarkup(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name)) found.push(`${el.tagName}[${a.name}]`);
        if (/^\s*(javascript|data):/i.test(a.value) && /^(href|src|action|data|formaction|srcdoc)$/i.test(a.name)) {
          found.push(`${el.tagName}[${a.name}=${a.value}]`);
        }
      }
    }
    const risky = 'script,img,svg,iframe,object,embed,video,audio,source,math,style,base,meta,link,noscript,details'; // the app's own <form> is expected
    for (const el of Array.from(document.body.querySelectorAll(risky))) {
      found.push(`<${el.tagName.toLowerCase()}> in body`);
    }
    return found;
  });
}

/**
 * Serves every HTML document without its Content-Security-Policy, so only the app's own
 * escaping stands between a payload and the page (the served policy would block most of them).
 */
async function withoutCsp(page: Page): Promise<void> {
  await page.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') return route.fallback();
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['content-security-policy'];
    await route.fulfill({ response, headers });
  });
}

for (const policy of ['served CSP', 'no CSP'] as const) {
  test(`XSS payloads in title, location and description render as text and run nothing (${policy})`, async ({
    page,
    request,
  }) => {
    test.setTimeout(180_000);
    if (policy === 'no CSP') await withoutCsp(page);
    const tag = uniqueTitle('xss').replace(/\s+/g, '-');
    const events: ApiEvent[] = [];
    for (const [i, payload] of PAYLOADS.entries()) {
      events.push(
        await newEvent(request, 'unused', {
          title: `[${tag} ${i}] ${payload}`,
          location: payload,
          description: `${payload}\n${payload}`,
        }),
      );
    }
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(30);
    const trip = await armTripwires(page);

    // The list (searched down to this test's events: the shared database may hold thousands):
    // each link's accessible name is exactly the stored title, pointing at the event.
    await page.goto(`/events?q=${encodeURIComponent(tag)}`);
    await expect(eventList(page)).toBeVisible();
    for (const event of events) {
      const link = listLink(page, event.title);
      await expect(link).toHaveCount(1);
      await expect(link).toHaveAccessibleName(event.title);
      await expect(link).toHaveAttribute('href', new RegExp(`/events/${event.id}$`));
    }
    expect(await injectedMarkup(page)).toEqual([]);

    // Each event page shows the payloads as plain values.
    for (const event of events) {
      await listLink(page, event.title).click();
      await expect(heading(page)).toHaveText(event.title);
      await expect(field(page, 'Title')).toHaveValue(event.title);
      await expect(field(page, 'Location')).toHaveValue(event.location);
      await expect(field(page, 'Description')).toHaveValue(event.description);
      expect(await injectedMarkup(page), event.title).toEqual([]);
      await page.goBack();
      await expect(listLink(page, event.title)).toBeVisible();
    }
    expect(await trip.fired()).toEqual([]);
    expect(trip.dialogs).toEqual([]);
  });
}

test('a payload typed into the form and saved stays text, on screen and on the server', async ({
  page,
  request,
}) => {
  await withoutCsp(page);
  const trip = await armTripwires(page);
  const event = await newEvent(request, 'XSS typed');
  await openEvent(page, event);
  const traffic = new ApiTraffic(page);
  const payload = `"><img src=x onerror=__xss()> ${uniqueTitle('typed')}`;
  await editAndSave(page, 'Title', payload);
  await expect(heading(page)).toHaveText(payload);
  await traffic.settled();
  await expectScreenEqualsServer(page, request, event.id);
  expect(await page.title()).toContain(payload);
  expect(await injectedMarkup(page)).toEqual([]);
  expect(await trip.fired()).toEqual([]);
  expect(trip.dialogs).toEqual([]);
});

test('payloads in the search box and the URL run nothing', async ({ page }) => {
  await withoutCsp(page);
  const trip = await armTripwires(page);
  await page.goto('/events');
  const search = page.getByRole('searchbox', { name: 'Search events' }).or(
    page.getByRole('textbox', { name: 'Search events' }),
  );
  await search.fill('<img src=x onerror=__xss()>');
  await expect(page).toHaveURL(/q=/);
  await page.reload();
  await expect(search).toHaveValue('<img src=x onerror=__xss()>');
  await page.goto('/events/%3Cimg%20src%3Dx%20onerror%3D__xss()%3E');
  await expect(page.getByRole('link', { name: 'Back to events' })).toBeVisible();
  await page.goto('/%22%3E%3Csvg%20onload%3D__xss()%3E');
  await expect(page.getByRole('link', { name: 'Back to events' })).toBeVisible();
  expect(await injectedMarkup(page)).toEqual([]);
  expect(await trip.fired()).toEqual([]);
  expect(trip.dialogs).toEqual([]);
});

test('payloads shown by toasts, devtools and a server 422 detail stay text', async ({ page, request }) => {
  await withoutCsp(page);
  const trip = await armTripwires(page);
  const payload = '<img src=x onerror=__xss()>';
  const event = await newEvent(request, `${payload} toast`);

  // Devtools: the list's cache key carries the search term (percent-encoded, as in the URL).
  await page.goto(`/events?devtools&q=${encodeURIComponent(payload)}`);
  const devtools = page.getByRole('complementary', { name: 'Devtools' });
  await expect(devtools).toContainText('events/list?q=%3Cimg%20src%3Dx%20onerror');
  expect(await injectedMarkup(page)).toEqual([]);

  // A failure toast names the event by its title.
  await openEvent(page, event);
  const failing = await fault(page, { method: 'PATCH', path: eventPath(event.id) }, 'status=500');
  await editAndSave(page, 'Location', 'Reverted');
  await expect(alertWith(page, 'changes reverted')).toContainText(event.title);
  expect(await injectedMarkup(page)).toEqual([]);
  await failing.stop();
  await page.keyboard.press('Escape');

  // A backend's 422: its detail and field message are shown as given, as text.
  const detail = `<svg onload=__xss()> ${uniqueTitle('detail')}`;
  const fieldDetail = `<script>__xss()</script> ${uniqueTitle('field')}`;
  const refuse = await intercept(page, { method: 'PATCH', path: eventPath(event.id) }, (route) =>
    route.fulfill({
      status: 422,
      contentType: 'application/problem+json',
      body: JSON.stringify({
        type: 'about:blank',
        title: 'Unprocessable Content',
        status: 422,
        detail,
        errors: [{ pointer: '/title', detail: fieldDetail }],
      }),
    }),
  );
  await editAndSave(page, 'Title', `${payload} attempt`);
  const title = field(page, 'Title');
  await expect(title).toHaveAttribute('aria-invalid', 'true');
  await expect(title).toHaveAccessibleDescription(new RegExp(escapeRegExp(fieldDetail)));
  await expect(title).toHaveValue(`${payload} attempt`);
  await refuse.stop();
  expect(await injectedMarkup(page)).toEqual([]);
  expect(await trip.fired()).toEqual([]);
  expect(trip.dialogs).toEqual([]);
});

// ── Content-Security-Policy ───────────────────────────────────────────────────────────────

/** The directives of a CSP header, each with its sources. */
function directives(csp: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), sources);
  }
  return map;
}

/** Records CSP violations (DOM events and console errors) from the next navigation on. */
async function recordViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber}) ${e.sample}`);
    });
  });
  const console: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) console.push(m.text());
  });
  return async () => [
    ...(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)),
    ...console,
  ];
}

test('every page is served with a strict CSP, and the app works under it as served', async ({
  page,
  request,
}) => {
  // The policy the server really sends, on the root and on a deep link (the index.html fallback).
  for (const path of ['/', '/events/does-not-exist', '/calendar']) {
    const response = await request.get(path);
    expect(response.headers()['content-type'], path).toMatch(/^text\/html/);
    const csp = response.headers()['content-security-policy'];
    expect(csp, `${path} has a Content-Security-Policy`).toBeTruthy();
    const d = directives(csp);
    expect(d.get('script-src'), path).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(d.get('default-src'), path).toEqual(["'self'"]);
    expect(d.get('connect-src'), path).toEqual(["'self'"]);
    expect(d.get('style-src'), path).toEqual(["'self'"]);
    expect(d.get('object-src'), path).toEqual(["'none'"]);
    expect(d.get('base-uri'), path).toEqual(["'self'"]);
    expect(d.get('frame-ancestors'), path).toEqual(["'none'"]);
    expect(response.headers()['x-content-type-options'], path).toBe('nosniff');
  }

  const violations = await recordViolations(page);
  const event = await newEvent(request, 'CSP');
  await page.goto('/events');
  try {
    await expect(listLink(page, event.title)).toBeVisible();
  } catch {
    throw new Error(`the list did not load under the served CSP:\n  ${(await violations()).join('\n  ')}`);
  }
  await listLink(page, event.title).click();
  await expect(heading(page)).toHaveText(event.title);
  const traffic = new ApiTraffic(page);
  const renamed = uniqueTitle('Saved under CSP');
  await editAndSave(page, 'Title', renamed);
  await traffic.settled();
  expect((await expectScreenEqualsServer(page, request, event.id)).title).toBe(renamed);
  expect(await violations()).toEqual([]);
});

test('the built index.html needs nothing the strict CSP does not allow', async ({ request }) => {
  const html = await (await request.get('/')).text();
  // No inline script, inline handler, inline style or javascript: URL: they would need
  // 'unsafe-inline' or a hash that changes with every build.
  expect([...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>/gi)].map((m) => m[0])).toEqual([]);
  expect([...html.matchAll(/<[^>]+\son[a-z]+\s*=/gi)].map((m) => m[0])).toEqual([]);
  expect([...html.matchAll(/<style\b|<[^>]+\sstyle\s*=/gi)].map((m) => m[0])).toEqual([]);
  expect(html).not.toMatch(/javascript:/i);
  // Everything it loads comes from its own origin, so 'self' covers it.
  const urls = [...html.matchAll(/\s(?:src|href|data-js|data-wasm)="([^"]*)"/gi)].map((m) => m[1]);
  expect(urls.length).toBeGreaterThan(2);
  // Paths, absolute or relative to <base> (the config.json preload): never another origin.
  const here = 'https://app.invalid';
  for (const url of urls) expect(new URL(url, `${here}/`).origin, `${url}: same origin`).toBe(here);
  for (const script of [...html.matchAll(/<script\b[^>]*\bsrc="([^"]*)"/gi)].map((m) => m[1])) {
    const response = await request.get(script);
    expect(response.status(), script).toBe(200);
    expect(response.headers()['content-type'], script).toMatch(/javascript/);
  }
});
