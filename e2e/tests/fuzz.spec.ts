// Issue 6, server input fuzzing: seeded random JSON values and mutations of valid bodies sent
// to POST/PATCH/PUT. Never a 5xx; every error is application/problem+json with type, title,
// status and detail; every success stores a valid event. Replay with FUZZ_SEED=<printed seed>.
import { test, expect, type APIRequestContext } from '@playwright/test';
import { API, eventInput, newEvent, rng, seedFrom, uniqueTitle } from './support';

const CASES = Number(process.env.FUZZ_CASES ?? 600);
const WRITABLE = ['title', 'description', 'location', 'start', 'end', 'allDay', 'status'] as const;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

class Gen {
  constructor(readonly random: () => number) {}
  int(n: number) {
    return Math.floor(this.random() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number) {
    return this.random() < p;
  }
  string(): string {
    return this.pick<() => string>([
      () => '',
      () => ' ',
      () => '\t\n ',
      () => 'x'.repeat(this.pick([1, 199, 200, 201, 499, 500, 501, 10_000, 10_001])),
      () => 'ü'.repeat(this.pick([100, 200, 201])),
      () => '😀'.repeat(this.pick([50, 100, 101, 200, 201])),
      () => '\u0000\u0001\u001f',
      () => '\ud800',
      () => '\udfff\ud800',
      () => '<script>__xss()</script>',
      () => "'; DROP TABLE events; --",
      () => '%_\\',
      () => this.date(),
      () => String(this.int(1e6)),
      () => 'confirmed',
      () => 'CONFIRMED',
      () => 'tentative',
      () => 'cancelled',
      () => 'true',
      () => 'null',
      () => Array.from({ length: this.int(40) }, () => String.fromCharCode(this.int(0xffff))).join(''),
    ])();
  }
  date(): string {
    return this.pick([
      '2026-12-01T09:00:00Z',
      '2026-12-01T10:00:00Z',
      '2026-12-01T09:00:00+01:00',
      '2026-12-01T09:00:00.123456789Z',
      '2026-12-01T09:00:00',
      '2026-12-01',
      '2026-13-01T09:00:00Z',
      '2026-02-30T09:00:00Z',
      '2026-12-01T24:00:00Z',
      '2026-12-01T23:59:60Z',
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59Z',
      '9999-12-31T23:30:00-01:00',
      '0000-01-01T00:00:00+01:00',
      '9999-12-31T23:59:59.999999999Z',
      '-0001-01-01T00:00:00Z',
      '+275760-09-13T00:00:00Z',
      '1970-01-01T00:00:00Z',
      'yesterday',
      '',
      'T',
      '2026-12-01T09:00:00ZZ',
      '2026-12-01t09:00:00z',
      '2026-12-01 09:00:00Z',
      // More offsets, and instants that leave years 0000–9999 only once in UTC.
      '9999-12-31T23:59:59-23:59',
      '0000-01-01T00:30:00+00:31',
      '2026-12-01T09:00:00+24:00',
      '2026-12-01T09:00:00-00:00',
      '2026-12-01T09:00:00+05:45',
      '2026-12-01T09:00:00+14:00',
      '2026-12-01T09:00:00-12:00',
      '2026-12-01T09:00:00+1:00',
      '2026-12-01T09:00:00+01',
      '2026-12-01T09:00:00+0100',
    ]);
  }
  number(): number {
    return this.pick([0, -1, 1, 1.5, -0, 2 ** 31, 2 ** 53, -(2 ** 63), 1e308, -1e308, 5e-324, this.random()]);
  }
  value(depth = 0): Json {
    const kinds = depth > 3 ? 4 : 6;
    switch (this.int(kinds)) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.number();
      case 3:
        return this.string();
      case 4:
        return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
      default: {
        const o: { [k: string]: Json } = {};
        for (let i = this.int(4); i > 0; i -= 1) o[this.pick([...WRITABLE, 'id', 'version', '__proto__', 'x'])] = this.value(depth + 1);
        return o;
      }
    }
  }
  validBody(): { [k: string]: Json } {
    const input = eventInput({ title: uniqueTitle('Fuzz') });
    return { ...input, location: 'Fuzz room', description: 'fuzz', allDay: false, status: 'confirmed' };
  }
  /** A valid body with one to three random mutations. */
  mutated(): { [k: string]: Json } {
    const body = this.validBody();
    for (let i = 1 + this.int(3); i > 0; i -= 1) {
      const key = this.pick([...WRITABLE, 'id', 'version', 'createdAt', 'updatedAt', 'unknownField']);
      switch (this.int(6)) {
        case 0:
          delete body[key];
          break;
        case 1:
          body[key] = null;
          break;
        case 2:
          body[key] = this.string();
          break;
        case 3:
          body[key] = this.value(2);
          break;
        case 4:
          body[key] = this.number();
          break;
        default:
          if (key === 'start' || key === 'end') body[key] = this.date();
          else body[key] = this.chance(0.5);
      }
    }
    if (this.chance(0.1)) [body.start, body.end] = [body.end, body.start];
    if (this.chance(0.05)) body.allDay = true;
    return body;
  }
  /** Raw text that is not (quite) a JSON object. */
  raw(): string {
    const valid = JSON.stringify(this.validBody());
    return this.pick<() => string>([
      () => '',
      () => ' ',
      () => valid.slice(0, this.int(valid.length)),
      () => valid + '}',
      () => '\ufeff' + valid,
      () => valid.replace('"title"', "'title'"),
      () => valid.replace(/,/, ',,'),
      () => '['.repeat(this.pick([10, 200, 5000])) + ']'.repeat(10),
      () => '{"a":'.repeat(this.pick([64, 129, 1000])) + '1' + '}'.repeat(this.pick([64, 129, 1000])),
      () => `{"title": "${'y'.repeat(70_000)}", "start": "2026-12-01T09:00:00Z", "end": "2026-12-01T10:00:00Z"}`,
      () => 'NaN',
      () => '{"title": 1e999999}',
      () => '{"title": "a", "title": "b", "start": "2026-12-01T09:00:00Z", "end": "2026-12-01T10:00:00Z"}',
      () => String.fromCharCode(...Array.from({ length: 30 }, () => this.int(256))),
    ])();
  }
}

const IF_MATCH = ['*', '"1"', 'W/"1"', '"999"', 'garbage', '"', '', '"1", "2"', '"-1"', '"18446744073709551616"', '"1" "2"', '*, "1"', '"\u00e9"'];
const IDEMPOTENCY_KEYS = ['', ' ', 'k', 'x'.repeat(255), 'x'.repeat(256), 'x'.repeat(10_000), '"quoted"', 'tab\there', 'é', '00000000-0000-4000-8000-000000000000', 'fuzz-shared-key'];

interface Case {
  method: 'POST' | 'PATCH' | 'PUT';
  body: string;
  contentType: string;
  ifMatch?: string;
  idempotencyKey?: string;
}

function problemShape(status: number, contentType: string, text: string): string[] {
  const issues: string[] = [];
  if (!contentType.startsWith('application/problem+json')) issues.push(`content-type ${contentType}`);
  let p: Record<string, unknown> = {};
  try {
    p = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return [...issues, `body is not JSON: ${text.slice(0, 80)}`];
  }
  for (const k of ['type', 'title', 'detail']) if (typeof p[k] !== 'string') issues.push(`${k} missing`);
  if (p.status !== status) issues.push(`status member ${String(p.status)} != ${status}`);
  if (/panicked|\.rs:\d+|stack backtrace/i.test(text)) issues.push('leaks internals');
  // A reused Idempotency-Key is a 422 about the request, not about a field.
  if (status === 422 && !String(p.type).endsWith('/idempotency-key-reused')) {
    const errors = p.errors as { pointer?: unknown; detail?: unknown }[] | undefined;
    if (!Array.isArray(errors) || errors.length === 0) issues.push('422 without errors');
    else if (errors.some((e) => typeof e.pointer !== 'string' || typeof e.detail !== 'string')) issues.push('bad errors[]');
  }
  return issues;
}

function eventShape(text: string): string[] {
  const e = JSON.parse(text) as Record<string, unknown>;
  const issues: string[] = [];
  const title = typeof e.title === 'string' ? e.title.trim() : '';
  const chars = [...title].length;
  if (chars < 1 || chars > 200) issues.push(`title length ${chars}`);
  if (typeof e.location !== 'string' || [...e.location].length > 500) issues.push('location');
  if (typeof e.description !== 'string' || [...e.description].length > 10_000) issues.push('description');
  if (!['confirmed', 'tentative', 'cancelled'].includes(e.status as string)) issues.push(`status ${String(e.status)}`);
  if (typeof e.allDay !== 'boolean') issues.push('allDay');
  const start = Date.parse(e.start as string);
  const end = Date.parse(e.end as string);
  if (!(end > start)) issues.push(`end ${String(e.end)} not after start ${String(e.start)}`);
  return issues;
}

async function send(request: APIRequestContext, path: string, c: Case) {
  const headers: Record<string, string> = { 'content-type': c.contentType };
  if (c.ifMatch !== undefined) headers['if-match'] = c.ifMatch;
  const options = { headers, data: c.body, failOnStatusCode: false };
  const url = c.method === 'POST' ? `${API}/events` : path;
  if (c.idempotencyKey !== undefined) headers['idempotency-key'] = c.idempotencyKey;
  return c.method === 'POST'
    ? request.post(url, options)
    : c.method === 'PATCH'
      ? request.patch(url, options)
      : request.put(url, options);
}

test(`fuzz: ${CASES} seeded bodies to POST/PATCH/PUT never give a 5xx, and errors are problems`, async ({
  request,
}) => {
  test.setTimeout(180_000);
  const seed = seedFrom('FUZZ_SEED', 'fuzz');
  const g = new Gen(rng(seed));
  const target = await newEvent(request, 'Fuzz target');
  const path = `${API}/events/${target.id}`;
  const failures: string[] = [];
  const statuses = new Map<number, number>();

  for (let i = 0; i < CASES; i += 1) {
    const method = g.pick(['POST', 'PATCH', 'PUT'] as const);
    const shape = g.int(10);
    const body =
      shape < 5 ? JSON.stringify(g.mutated()) : shape < 8 ? JSON.stringify(g.value()) : g.raw();
    const c: Case = {
      method,
      body,
      contentType: g.chance(0.93) ? 'application/json' : g.pick(['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', '']),
      ifMatch: method === 'POST' || g.chance(0.7) ? undefined : g.pick(IF_MATCH),
      idempotencyKey: g.chance(0.8) ? undefined : g.pick(IDEMPOTENCY_KEYS),
    };
    const response = await send(request, path, c);
    const status = response.status();
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const text = await response.text();
    const where = `case ${i} ${c.method} ${c.contentType} if-match=${c.ifMatch ?? '-'} body=${c.body.slice(0, 120)}`;
    if (status >= 500) {
      failures.push(`${where} → ${status} ${text.slice(0, 200)}`);
    } else if (status >= 400) {
      const issues = problemShape(status, response.headers()['content-type'] ?? '', text);
      if (issues.length) failures.push(`${where} → ${status}: ${issues.join(', ')}`);
    } else {
      const issues = eventShape(text);
      if (issues.length) failures.push(`${where} → ${status} stored an invalid event: ${issues.join(', ')}`);
    }
  }
  console.log(`fuzz: statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  expect(failures, `seed ${seed}`).toEqual([]);
  // The run exercised both sides of the input path.
  expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
  expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThanOrEqual(3);
});

/** Query strings for GET /events: each is a hostile value for one parameter, or several. */
function queryCases(g: Gen): string[] {
  const values = [
    '', ' ', '0', '-1', '1', '2', '1000', '1001', '18446744073709551616', '1e3', '1.5', 'NaN', 'x',
    '%', '%00', '%ZZ', '%E9', '\u0000', '\u00e9', '[]', '{}',
    ...['2026-12-01T09:00:00Z', '9999-12-31T23:30:00-01:00', '0000-01-01T00:00:00+01:00', '2026-13-01T00:00:00Z', 'yesterday'],
  ];
  const params = ['q', 'from', 'to', '_page', '_limit', '_sort', 'unknown'];
  const cases: string[] = [];
  for (const p of params) for (const v of values) cases.push(`${p}=${encodeURIComponent(v)}`);
  for (let i = 0; i < 60; i += 1) {
    cases.push(Array.from({ length: 1 + g.int(4) }, () => `${g.pick(params)}=${encodeURIComponent(g.pick(values))}`).join('&'));
  }
  cases.push('from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'q=a&q=b', '_page=1&_page=2', '&&&', '=', 'q');
  // Raw, not encoded: what a careless client or a proxy might send.
  cases.push('q=%', 'from=2026-12-01T09:00:00+01:00', 'q=%ff%fe', 'q=%ED%A0%80');
  return cases;
}

test('fuzz: hostile GET /events query strings never give a 5xx, and errors are problems', async ({ request }) => {
  test.setTimeout(120_000);
  const seed = seedFrom('FUZZ_SEED', 'fuzz-query');
  const g = new Gen(rng(seed));
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  const cases = queryCases(g);
  for (const query of cases) {
    const response = await request.get(`${API}/events?${query}`, { failOnStatusCode: false });
    const status = response.status();
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const text = await response.text();
    if (status >= 500) failures.push(`?${query} → ${status} ${text.slice(0, 200)}`);
    else if (status >= 400) {
      const issues = problemShape(status, response.headers()['content-type'] ?? '', text);
      if (issues.length) failures.push(`?${query} → ${status}: ${issues.join(', ')}`);
    } else if (!Array.isArray(JSON.parse(text))) failures.push(`?${query} → ${status} is not an array`);
  }
  console.log(`fuzz-query: ${cases.length} queries, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  expect(failures, `seed ${seed}`).toEqual([]);
  expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
  expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
});
