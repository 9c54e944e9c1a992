import { describe, expect, it } from 'vitest';

import type { ScriptDetail } from '../src/api';
import { atLeast, emptyFields, endpointOf, errorsByField, examplePath, fieldsOf, parseInput, scriptBody,
         startingInput } from '../src/forms';

describe('parseInput', () => {
  it('reads JSON, and empty as null', () => {
    expect(parseInput('{"n": 1}')).toEqual({ ok: true, value: { n: 1 } });
    expect(parseInput('  ')).toEqual({ ok: true, value: null });
  });
  it('refuses what is not JSON, saying why', () => {
    const parsed = parseInput('{n: 1}');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message.length).toBeGreaterThan(0);
  });
});

describe('atLeast', () => {
  const lines = [{ level: 'debug' }, { level: 'log' }, { level: 'info' }, { level: 'warn' }, { level: 'error' }];
  it('keeps the lines at or above a level, console.log with info', () => {
    expect(atLeast(lines, 'all')).toHaveLength(5);
    expect(atLeast(lines, 'info').map((line) => line.level)).toEqual(['log', 'info', 'warn', 'error']);
    expect(atLeast(lines, 'error').map((line) => line.level)).toEqual(['error']);
  });
});

describe('scriptBody', () => {
  const fields = { ...emptyFields(), name: ' Nightly export ', type: 'scheduled' as const, source: 'export default () => 1',
                   cron_expression: ' 0 3 * * * ', timezone: '', http_path: '/x', http_methods: 'post, get' };
  it('sends exactly the trigger fields the type needs', () => {
    expect(scriptBody(fields)).toEqual({ name: 'Nightly export', description: '', type: 'scheduled', metadata: {},
                                         source: 'export default () => 1', cron_expression: '0 3 * * *', timezone: 'UTC',
                                         overlap_policy: 'skip', misfire_policy: 'once' });
    expect(scriptBody({ ...fields, type: 'http' })).toMatchObject({ http_path: '/x', http_methods: ['POST', 'GET'],
                                                                    http_auth: 'token' });
    expect(scriptBody({ ...fields, type: 'http' })).not.toHaveProperty('cron_expression');
    expect(scriptBody({ ...fields, type: 'event', event_types: 'a.b, c.*,' })).toMatchObject({ event_types: ['a.b', 'c.*'] });
    expect(Object.keys(scriptBody({ ...fields, type: 'oneoff' })).sort())
      .toEqual(['description', 'metadata', 'name', 'source', 'type']);
    expect(Object.keys(scriptBody({ ...fields, type: 'embedded' })).sort())
      .toEqual(['description', 'metadata', 'name', 'source', 'type']);
  });
  it('sends a backfill limit only with backfill, and clears it on an update that leaves backfill', () => {
    const backfill = { ...fields, misfire_policy: 'backfill' as const, backfill_limit: '25' };
    expect(scriptBody(backfill)).toMatchObject({ misfire_policy: 'backfill', backfill_limit: 25 });
    expect(scriptBody(fields)).not.toHaveProperty('backfill_limit');
    expect(scriptBody(fields, 'update').backfill_limit).toBeNull();
  });
  it('sends the metadata as the object typed, or the text for the server to name', () => {
    expect(scriptBody({ ...fields, metadata: '{"team":"billing"}' }).metadata).toEqual({ team: 'billing' });
    expect(scriptBody({ ...fields, metadata: '' }).metadata).toEqual({});
    expect(scriptBody({ ...fields, metadata: '{team' }).metadata).toBe('{team');
  });
  it('sends a retry policy for event scripts always, for scheduled ones when asked, as numbers', () => {
    const retry = { max_attempts: 3, initial_backoff_ms: 1000, backoff_multiplier: 2, max_backoff_ms: 60000 };
    expect(scriptBody({ ...fields, type: 'event' }).retry_policy).toEqual(retry);
    expect(scriptBody(fields)).not.toHaveProperty('retry_policy');
    expect(scriptBody({ ...fields, retry: true, max_attempts: '5' }).retry_policy).toEqual({ ...retry, max_attempts: 5 });
    expect(scriptBody({ ...fields, type: 'http', retry: true })).not.toHaveProperty('retry_policy');
    // Turned off on an existing script: cleared, not left as it was.
    expect(scriptBody(fields, 'update').retry_policy).toBeNull();
    // Not a number: sent as typed, so the server names the field.
    expect(scriptBody({ ...fields, retry: true, max_attempts: 'three' }).retry_policy).toMatchObject({ max_attempts: 'three' });
  });
  it('sends only the limits typed, in the API\'s units', () => {
    const limits = { ...emptyFields().limits, max_memory_bytes: '128', max_output_size_bytes: '64', max_api_calls: '10' };
    expect(scriptBody({ ...fields, limits }).resource_limits)
      .toEqual({ max_memory_bytes: 128 * 1024 * 1024, max_output_size_bytes: 64 * 1024, max_api_calls: 10 });
    expect(scriptBody(fields)).not.toHaveProperty('resource_limits');
  });
  it('sends the tags typed; an update with none clears them', () => {
    expect(scriptBody({ ...fields, tags: 'billing, nightly,' }).tags).toEqual(['billing', 'nightly']);
    expect(scriptBody(fields)).not.toHaveProperty('tags');
    expect(scriptBody(fields, 'update').tags).toEqual([]);
  });
  it('leaves the type out of an update and adds its change description', () => {
    const body = scriptBody({ ...fields, change_description: ' faster export ' }, 'update');
    expect(body).not.toHaveProperty('type');
    expect(body.change_description).toBe('faster export');
  });
});

const scheduledScript = {
  id: 's2', name: 'Every five', description: '', type: 'scheduled', status: 'active', next_statuses: [], version: 1,
  tags: [], last_run_at: null, last_run_status: null, updated_at: '', created_at: '', created_by: 't1', source: 'x',
  cron_expression: '*/5 * * * *', timezone: 'Asia/Tashkent', overlap_policy: 'queue', misfire_policy: 'backfill',
  backfill_limit: 3, http_path: null, http_methods: [], http_auth: null, event_types: [], next_run_at: null, metadata: {},
  retry_policy: null,
  resource_limits: { max_memory_bytes: 64 * 1024 * 1024, max_execution_time_ms: 30000, max_concurrent_runs: 5,
                     max_api_calls: 100, max_api_calls_per_minute: 60, max_output_size_bytes: 1024 * 1024 },
} satisfies ScriptDetail;

describe('fieldsOf', () => {
  it('reads a stored script back into the form, limits in the units typed', () => {
    const script = {
      id: 's1', name: 'Receipts', description: 'd', type: 'event', status: 'active', next_statuses: [], version: 2, tags: ['mail'],
      last_run_at: null, last_run_status: null, updated_at: '', created_at: '', created_by: 't1', source: 'x',
      cron_expression: null, timezone: null, overlap_policy: null, misfire_policy: null, backfill_limit: null,
      http_path: null, http_methods: [], http_auth: null, event_types: ['payment.processed'], next_run_at: null,
      metadata: { team: 'mail' },
      retry_policy: { max_attempts: 4, initial_backoff_ms: 500, backoff_multiplier: 3, max_backoff_ms: 9000 },
      resource_limits: { max_memory_bytes: 64 * 1024 * 1024, max_execution_time_ms: 30000, max_concurrent_runs: 5,
                         max_api_calls: 100, max_api_calls_per_minute: 60, max_output_size_bytes: 1024 * 1024 },
    } satisfies ScriptDetail;
    const fields = fieldsOf(script);
    expect(fields).toMatchObject({ name: 'Receipts', type: 'event', event_types: 'payment.processed', tags: 'mail', retry: true,
                                   max_attempts: '4', backoff_multiplier: '3' });
    expect(fields.limits.max_memory_bytes).toBe('64');
    expect(fields.limits.max_execution_time_ms).toBe('30000');
    // And back: the same body the script was made from.
    expect(scriptBody(fields, 'update')).toMatchObject({ event_types: ['payment.processed'],
                                                        retry_policy: script.retry_policy,
                                                        resource_limits: script.resource_limits,
                                                        metadata: script.metadata });
  });
  it('carries every field of a schedule and of a public hook through an edit', () => {
    const base = emptyFields();
    const schedule = fieldsOf({ ...({} as ScriptDetail), ...scheduledScript });
    expect(scriptBody(schedule, 'update')).toMatchObject({
      cron_expression: '*/5 * * * *', timezone: 'Asia/Tashkent', overlap_policy: 'queue', misfire_policy: 'backfill',
      backfill_limit: 3 });
    const hook = fieldsOf({ ...({} as ScriptDetail), ...scheduledScript, type: 'http', cron_expression: null, timezone: null,
                            overlap_policy: null, misfire_policy: null, backfill_limit: null, http_path: '/stripe',
                            http_methods: ['POST'], http_auth: 'none' });
    expect(scriptBody(hook, 'update')).toMatchObject({ http_path: '/stripe', http_methods: ['POST'], http_auth: 'none' });
    expect(base.http_auth).toBe('token');
  });
});

describe('errorsByField', () => {
  it('puts each server error next to the field it names, else its section', () => {
    const placed = errorsByField([{ field: 'name', message: 'too short' }, { field: 'resource_limits.max_memory_bytes', message: 'a' },
                                  { field: 'name', message: 'taken' }, { field: 'retry_policy.jitter', message: 'b' }],
                                 (field) => ['name', 'max_memory_bytes', 'retry_policy'].includes(field));
    expect(placed.get('name')).toEqual(['too short', 'taken']);
    expect(placed.get('max_memory_bytes')).toEqual(['a']);
    expect(placed.get('retry_policy')).toEqual(['b']);
  });
});

describe('endpoints', () => {
  it('fills path parameters from an example', () => {
    expect(examplePath('/orders/:id/items/:item')).toEqual({ path: '/orders/1/items/1', params: { id: '1', item: '1' } });
    expect(examplePath('/plain')).toEqual({ path: '/plain', params: {} });
  });
  it('gives a public hook its /hooks/<tenant> URL and a token endpoint its curl line with the token', () => {
    const hook = endpointOf({ http_path: '/stripe/:event', http_methods: ['POST'], http_auth: 'none' }, 'https://h', 'shop');
    expect(hook.url).toBe('https://h/hooks/shop/stripe/1');
    expect(hook.curl).not.toContain('Authorization');
    const api = endpointOf({ http_path: '/orders/:id', http_methods: ['GET'], http_auth: 'token' }, 'https://h', 'shop');
    expect(api.url).toBe('https://h/api/scripts/orders/1');
    expect(api.curl).toBe('curl -X GET -H "Authorization: Bearer $TOKEN" https://h/api/scripts/orders/1');
  });
  it('starts the Run box with what the script is given: a request, an event payload, or nothing', () => {
    const request = JSON.parse(startingInput({ type: 'http', http_path: '/orders/:id', http_methods: ['PUT'] }));
    expect(request).toMatchObject({ method: 'PUT', path: '/orders/1', params: { id: '1' }, query: {}, body: {} });
    expect(JSON.parse(startingInput({ type: 'event', http_path: null, http_methods: [] }))).toEqual({ id: 'example-1' });
    expect(startingInput({ type: 'oneoff', http_path: null, http_methods: [] })).toBe('{}');
  });
});

