import { describe, expect, it } from 'vitest';

import { atLeast, parseInput } from '../src/forms';

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
