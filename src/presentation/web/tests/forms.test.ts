import { describe, expect, it } from 'vitest';

import { atLeast, errorsByField, parseInput, scriptBody } from '../src/forms';

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
  const fields = { name: ' Nightly export ', description: '', type: 'scheduled' as const, source: 'export default () => 1',
                   cron_expression: ' 0 3 * * * ', timezone: '', http_path: '/x', http_methods: 'post, get',
                   event_types: 'order.created' };
  it('sends exactly the trigger fields the type needs', () => {
    expect(scriptBody(fields)).toEqual({ name: 'Nightly export', description: '', type: 'scheduled',
                                         source: 'export default () => 1', cron_expression: '0 3 * * *', timezone: 'UTC' });
    expect(scriptBody({ ...fields, type: 'http' })).toMatchObject({ http_path: '/x', http_methods: ['POST', 'GET'] });
    expect(scriptBody({ ...fields, type: 'http' })).not.toHaveProperty('cron_expression');
    expect(scriptBody({ ...fields, type: 'event', event_types: 'a.b, c.*,' })).toMatchObject({ event_types: ['a.b', 'c.*'] });
    expect(Object.keys(scriptBody({ ...fields, type: 'oneoff' })).sort()).toEqual(['description', 'name', 'source', 'type']);
  });
});

describe('errorsByField', () => {
  it('puts each server error next to the field it names', () => {
    const placed = errorsByField([{ field: 'name', message: 'too short' }, { field: 'resource_limits.max_memory', message: 'a' },
                                  { field: 'name', message: 'taken' }]);
    expect(placed.get('name')).toEqual(['too short', 'taken']);
    expect(placed.get('resource_limits')).toEqual(['a']);
  });
});
