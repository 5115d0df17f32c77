// Helpers that talk to the real REST API (see shared/spec/rest-api.md) through Playwright's
// `request` fixture, so tests arrange data the same way any client would.
import { expect, type APIRequestContext } from '@playwright/test';

/** Writable fields of an event, as sent to `POST /api/events`. */
export interface EventInput {
  title: string;
  start: string;
  end: string;
  description?: string;
  location?: string;
  allDay?: boolean;
  status?: 'confirmed' | 'tentative' | 'cancelled';
}

/** An event as the server returns it. */
export interface ApiEvent extends Required<EventInput> {
  id: string | number;
  version?: number;
  createdAt?: string;
  updatedAt?: string;
}

/** Path prefix of the API on the server under test. */
export const API = '/api';

/** A title no other test (or earlier run) uses, so tests never depend on each other's data. */
export function uniqueTitle(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** An hour-long event `daysFromNow` days ahead at 09:00 UTC, overridable field by field. */
export function eventInput(overrides: Partial<EventInput> & Pick<EventInput, 'title'>): EventInput {
  const start = new Date();
  start.setUTCHours(9, 0, 0, 0);
  start.setUTCDate(start.getUTCDate() + 1);
  const end = new Date(start.getTime() + 60 * 60 * 1000);
  return {
    start: start.toISOString().replace('.000Z', 'Z'),
    end: end.toISOString().replace('.000Z', 'Z'),
    ...overrides,
  };
}

/** Creates an event through the API and returns it as stored (asserts 201). */
export async function createEvent(request: APIRequestContext, input: EventInput): Promise<ApiEvent> {
  const response = await request.post(`${API}/events`, { data: input });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as ApiEvent;
}

/** Fetches one event through the API (asserts 200). */
export async function getEvent(request: APIRequestContext, id: ApiEvent['id']): Promise<ApiEvent> {
  const response = await request.get(`${API}/events/${id}`);
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as ApiEvent;
}

/** Lists events through the API (asserts 200). */
export async function listEvents(request: APIRequestContext): Promise<ApiEvent[]> {
  const response = await request.get(`${API}/events`);
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as ApiEvent[];
}

/** Deletes an event through the API (asserts 204). */
export async function deleteEvent(request: APIRequestContext, id: ApiEvent['id']): Promise<void> {
  const response = await request.delete(`${API}/events/${id}`);
  expect(response.status(), await response.text()).toBe(204);
}
