// Form logic kept apart from the page, so it is tested on its own.

export type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

// A run's input as typed: empty is null, anything else must be JSON.
export function parseInput(text: string): Parsed {
  if (text.trim() === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

export interface ScriptFields {
  name: string;
  description: string;
  type: 'oneoff' | 'scheduled' | 'http' | 'event';
  source: string;
  cron_expression: string;
  timezone: string;
  http_path: string;
  http_methods: string;  // comma-separated
  event_types: string;   // comma-separated
}

const list = (text: string) => text.split(',').map((item) => item.trim()).filter((item) => item !== '');

// The body of POST /api/v1/scripts: exactly the trigger fields the type needs.
export function scriptBody(fields: ScriptFields): Record<string, unknown> {
  const body: Record<string, unknown> = { name: fields.name.trim(), description: fields.description,
                                          type: fields.type, source: fields.source };
  if (fields.type === 'scheduled') Object.assign(body, { cron_expression: fields.cron_expression.trim(),
                                                          timezone: fields.timezone.trim() || 'UTC' });
  if (fields.type === 'http') Object.assign(body, { http_path: fields.http_path.trim(),
                                                     http_methods: list(fields.http_methods).map((m) => m.toUpperCase()) });
  if (fields.type === 'event') body.event_types = list(fields.event_types);
  return body;
}

// The server's field errors by the form field they belong to ("resource_limits.max_memory" → "resource_limits").
export function errorsByField(details: { field: string; message: string }[]): Map<string, string[]> {
  const byField = new Map<string, string[]>();
  for (const { field, message } of details) {
    const key = field.split('.')[0] || 'form';
    byField.set(key, [...(byField.get(key) ?? []), message]);
  }
  return byField;
}

// The lines of a log at or above `level` ("all" keeps every line).
// console.log lines rank with info.
const kRank: Record<string, number> = { debug: 0, log: 1, info: 1, warn: 2, error: 3 };
export function atLeast<T extends { level: string }>(lines: T[], level: string): T[] {
  if (level === 'all') return lines;
  const floor = kRank[level] ?? 0;
  return lines.filter((line) => (kRank[line.level] ?? 0) >= floor);
}
