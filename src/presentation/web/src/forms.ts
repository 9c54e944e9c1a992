// Form logic kept apart from the page, so it is tested on its own.
import type { Script, ScriptDetail, ScriptType } from './api';

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

export type HttpAuth = NonNullable<Script['http_auth']>;
export type OverlapPolicy = NonNullable<Script['overlap_policy']>;
export type MisfirePolicy = NonNullable<Script['misfire_policy']>;

// Every field a script has, as the form holds it: an edit carries them all,
// so nothing the form does not show is lost.
export interface ScriptFields {
  name: string;
  description: string;
  type: ScriptType;
  source: string;
  cron_expression: string;
  timezone: string;
  overlap_policy: OverlapPolicy;
  misfire_policy: MisfirePolicy;
  backfill_limit: string;  // with misfire_policy backfill
  http_path: string;
  http_methods: string;  // comma-separated
  http_auth: HttpAuth;
  event_types: string;   // comma-separated
  tags: string;          // comma-separated
  metadata: string;      // a JSON object
  retry: boolean;        // a retry policy of its own (event scripts always have one)
  max_attempts: string;
  initial_backoff_ms: string;
  backoff_multiplier: string;
  max_backoff_ms: string;
  limits: Record<LimitName, string>;  // blank: the server's default
  change_description: string;
}

// The resource limits the form offers, each in the unit it is typed in.
export const limitFields = [
  { name: 'max_execution_time_ms', unit: 1 },
  { name: 'max_memory_bytes', unit: 1024 * 1024 },  // typed in MiB
  { name: 'max_output_size_bytes', unit: 1024 },    // typed in KiB
  { name: 'max_concurrent_runs', unit: 1 },
  { name: 'max_api_calls', unit: 1 },
  { name: 'max_api_calls_per_minute', unit: 1 },
] as const;
export type LimitName = (typeof limitFields)[number]['name'];

// Typed JSON: the object it is, or the text as typed, for the server to name.
const jsonObject = (text: string): unknown => {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};
const list = (text: string) => text.split(',').map((item) => item.trim()).filter((item) => item !== '');
// A typed number; text that is not one is sent as is, for the server to name.
const numeric = (text: string): number | string => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);

export const hasRetryPolicy = (type: ScriptFields['type']) => type === 'event' || type === 'scheduled';

// The fields of a form for a new script: defaults the server would take.
export function emptyFields(): ScriptFields {
  return {
    name: '', description: '', type: 'oneoff',
    source: 'export default async (input, context) => {\n  sdk.log.info(\'started\', { input });\n  return { ok: true };\n};\n',
    cron_expression: '0 * * * *', timezone: 'UTC', overlap_policy: 'skip', misfire_policy: 'once', backfill_limit: '10',
    http_path: '/hooks/example', http_methods: 'POST', http_auth: 'token',
    event_types: 'order.created', tags: '', metadata: '{}', retry: false, max_attempts: '3', initial_backoff_ms: '1000', backoff_multiplier: '2',
    max_backoff_ms: '60000', limits: Object.fromEntries(limitFields.map(({ name }) => [name, ''])) as Record<LimitName, string>,
    change_description: '',
  };
}

// The form's fields for a stored script.
export function fieldsOf(script: ScriptDetail): ScriptFields {
  const fields = emptyFields();
  const retry = script.retry_policy;
  return {
    ...fields, name: script.name, description: script.description, type: script.type, source: script.source,
    cron_expression: script.cron_expression ?? fields.cron_expression, timezone: script.timezone ?? fields.timezone,
    overlap_policy: script.overlap_policy ?? fields.overlap_policy,
    misfire_policy: script.misfire_policy ?? fields.misfire_policy,
    backfill_limit: String(script.backfill_limit ?? fields.backfill_limit),
    http_path: script.http_path ?? fields.http_path, http_auth: script.http_auth ?? fields.http_auth,
    http_methods: script.http_methods.length ? script.http_methods.join(', ') : fields.http_methods,
    event_types: script.event_types.length ? script.event_types.join(', ') : fields.event_types,
    tags: script.tags.join(', '),
    metadata: JSON.stringify(script.metadata ?? {}),
    retry: retry !== null,
    max_attempts: String(retry?.max_attempts ?? fields.max_attempts),
    initial_backoff_ms: String(retry?.initial_backoff_ms ?? fields.initial_backoff_ms),
    backoff_multiplier: String(retry?.backoff_multiplier ?? fields.backoff_multiplier),
    max_backoff_ms: String(retry?.max_backoff_ms ?? fields.max_backoff_ms),
    limits: Object.fromEntries(limitFields.map(({ name, unit }) => {
      const value = script.resource_limits[name];
      return [name, value === undefined ? '' : String(value / unit)];
    })) as Record<LimitName, string>,
  };
}

// The body of POST /api/v1/scripts (or, for an existing script, of its
// PATCH: the type is fixed then): exactly the trigger fields the type needs.
export function scriptBody(fields: ScriptFields, mode: 'create' | 'update' = 'create'): Record<string, unknown> {
  const body: Record<string, unknown> = { name: fields.name.trim(), description: fields.description, source: fields.source };
  if (mode === 'create') body.type = fields.type;
  const tags = list(fields.tags);
  if (tags.length > 0 || mode === 'update') body.tags = tags;
  if (mode === 'update' && fields.change_description.trim()) body.change_description = fields.change_description.trim();
  body.metadata = jsonObject(fields.metadata);
  if (fields.type === 'scheduled') {
    Object.assign(body, { cron_expression: fields.cron_expression.trim(), timezone: fields.timezone.trim() || 'UTC',
                          overlap_policy: fields.overlap_policy, misfire_policy: fields.misfire_policy });
    // A limit only for backfill; moving away from it clears the stored one.
    if (fields.misfire_policy === 'backfill') body.backfill_limit = numeric(fields.backfill_limit);
    else if (mode === 'update') body.backfill_limit = null;
  }
  if (fields.type === 'http') Object.assign(body, { http_path: fields.http_path.trim(), http_auth: fields.http_auth,
                                                     http_methods: list(fields.http_methods).map((m) => m.toUpperCase()) });
  if (fields.type === 'event') body.event_types = list(fields.event_types);
  if (hasRetryPolicy(fields.type)) {
    if (fields.retry || fields.type === 'event') {
      body.retry_policy = { max_attempts: numeric(fields.max_attempts), initial_backoff_ms: numeric(fields.initial_backoff_ms),
                            backoff_multiplier: numeric(fields.backoff_multiplier), max_backoff_ms: numeric(fields.max_backoff_ms) };
    } else if (mode === 'update') {
      body.retry_policy = null;
    }
  }
  const limits: Record<string, number | string> = {};
  for (const { name, unit } of limitFields) {
    const typed = fields.limits[name].trim();
    if (typed === '') continue;
    const value = numeric(typed);
    limits[name] = typeof value === 'number' ? Math.round(value * unit) : value;
  }
  if (Object.keys(limits).length > 0) body.resource_limits = limits;
  return body;
}

// The server's field errors by the form field they belong to: the field
// itself when the form has it ("resource_limits.max_memory_bytes" →
// "max_memory_bytes"), else its section ("resource_limits"), else the form.
export function errorsByField(details: { field: string; message: string }[],
                              known: (field: string) => boolean = () => true): Map<string, string[]> {
  const byField = new Map<string, string[]>();
  for (const { field, message } of details) {
    const parts = field.split('.');
    const key = [parts[parts.length - 1], parts[0]].find((name) => name && known(name)) ?? 'form';
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

// A path pattern with each `:name` filled from an example ("/orders/:id" → "/orders/1").
export function examplePath(pattern: string): { path: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  const path = pattern.replace(/:(\w+)/g, (_, name: string) => {
    params[name] = '1';
    return '1';
  });
  return { path, params };
}

// Where an http script answers: a public hook at /hooks/<tenant>/…, anything
// else at /api/scripts/… with the tenant's token (its curl line says how).
export function endpointOf(script: Pick<ScriptDetail, 'http_path' | 'http_methods' | 'http_auth'>, origin: string,
                           tenantSlug: string): { url: string; curl: string } {
  const { path } = examplePath(script.http_path ?? '/');
  const method = script.http_methods[0] ?? 'POST';
  const url = script.http_auth === 'none' ? `${origin}/hooks/${tenantSlug}${path}` : `${origin}/api/scripts${path}`;
  const auth = script.http_auth === 'none' ? '' : ' -H "Authorization: Bearer $TOKEN"';
  const body = method === 'GET' || method === 'HEAD' || method === 'DELETE' ? '' : ` -H "Content-Type: application/json" -d '{}'`;
  return { url, curl: `curl -X ${method}${auth}${body} ${url}` };
}

// What the Run box starts with: what the script will be given when it runs
// for real — a request for an http script, an event's payload for an event script.
export function startingInput(script: Pick<ScriptDetail, 'type' | 'http_path' | 'http_methods'>): string {
  if (script.type === 'http') {
    const { path, params } = examplePath(script.http_path ?? '/');
    const method = script.http_methods[0] ?? 'POST';
    return JSON.stringify({ method, path, params, query: {}, headers: { 'content-type': 'application/json' },
                            body: method === 'GET' || method === 'HEAD' ? null : {}, ip: '127.0.0.1' }, null, 2);
  }
  if (script.type === 'event') return JSON.stringify({ id: 'example-1' }, null, 2);
  return '{}';
}

