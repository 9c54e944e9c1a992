// The REST API as the UI uses it: JSON in and out, the token as a bearer,
// and every failure as an ApiError carrying the server's error code (or
// NETWORK_ERROR when the server could not be reached).
import type { components, paths } from './generated/openapi';

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

// The wire's shapes, generated from docs/openapi.json at build time (npm run
// generate): a field or enum value the document adds fails `tsc` wherever
// the UI does not handle it yet.
type Schemas = components['schemas'];
export type Script = Schemas['Script'];
export type ScriptDetail = Script;  // the list and a script's page answer the same shape
export type ScriptType = Script['type'];
export type ScriptStatus = Script['status'];
export type RetryPolicy = NonNullable<Script['retry_policy']>;
export type ResourceLimits = Script['resource_limits'];
export type Execution = Schemas['Execution'];
export type ExecutionStatus = Execution['status'];
export type LogLine = Execution['logs'][number];
export type ExecutionError = NonNullable<Execution['error']>;

// A dry run: what the editor's draft and the live version did with one input,
// their side effects recorded, not made.
export type DryRun = paths['/api/v1/scripts/{id}/dry-run']['post']['responses'][200]['content']['application/json'];
export type DryRunTrial = Schemas['DryRunTrial'];
export type DryRunInput = { input_ref: string } | { input: unknown };

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
}

export type Me = paths['/api/v1/me']['get']['responses'][200]['content']['application/json'];
export type VersionSummary = Schemas['VersionSummary'];
export type Version = Schemas['Version'];
export type DeadLetter = Schemas['DeadLetter'];
export type Token = Schemas['Token'];
export type Role = Token['role'];
export type Secret = Schemas['Secret'];
export type DbMigration = Schemas['DbMigration'];
export type AuditEntry = Schemas['AuditEntry'];
export type ExecutionLogs = paths['/api/v1/executions/{id}/logs']['get']['responses'][200]['content']['application/json'];
export type Quota = paths['/api/v1/quota']['get']['responses'][200]['content']['application/json'];

export interface DeadLetterQuery {
  script_id?: string;
  status?: string;
  page?: number;
  per_page?: number;
}

export interface ScriptQuery {
  search?: string;
  type?: string;
  status?: string;
  tag?: string;
  page?: number;
  per_page?: number;
}

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export class ApiClient {
  constructor(
    private readonly token: () => string | null,
    private readonly fetcher: Fetch = (input, init) => fetch(input, init),
    private readonly base = '',
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetcher(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(0, 'NETWORK_ERROR', error instanceof Error ? error.message : String(error));
    }
    const text = await response.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new ApiError(response.status, 'INVALID_RESPONSE', `the server answered ${response.status} without JSON`);
      }
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; details?: FieldError[] } })?.error;
      throw new ApiError(response.status, error?.code ?? 'HTTP_' + response.status, error?.message ?? response.statusText,
                         error?.details ?? []);
    }
    return parsed as T;
  }

  script(id: string): Promise<ScriptDetail> {
    return this.request('GET', `/api/v1/scripts/${encodeURIComponent(id)}`);
  }

  executions(scriptId: string, page = 1, status = ''): Promise<Page<Execution>> {
    return this.request('GET', `/api/v1/scripts/${encodeURIComponent(scriptId)}/executions` +
                        queryString({ per_page: 20, page, status }));
  }

  cancel(executionId: string): Promise<Execution> {
    return this.request('POST', `/api/v1/executions/${encodeURIComponent(executionId)}/cancel`);
  }

  execution(id: string): Promise<Execution> {
    return this.request('GET', `/api/v1/executions/${encodeURIComponent(id)}`);
  }

  // Starts a run without waiting: the history shows it arrive.
  run(scriptId: string, input: unknown): Promise<Execution> {
    return this.request('POST', `/api/v1/scripts/${encodeURIComponent(scriptId)}/executions`, { input, wait: false });
  }

  // The script's latest real inputs, newest first: executions a draft can be tried on.
  capturedInputs(scriptId: string): Promise<{ items: Execution[] }> {
    return this.request('GET', `/api/v1/scripts/${encodeURIComponent(scriptId)}/captured-inputs`);
  }

  // An execution's log lines from the `since`th on, with the cursor of the next read.
  executionLogs(id: string, since: number): Promise<ExecutionLogs> {
    return this.request('GET', `/api/v1/executions/${encodeURIComponent(id)}/logs?since=${since}`);
  }

  // Runs unsaved code, then the live version, on a captured input (an
  // execution's id) or a given one, their side effects recorded, not made.
  dryRun(scriptId: string, source: string, on: DryRunInput): Promise<DryRun> {
    return this.request('POST', `/api/v1/scripts/${encodeURIComponent(scriptId)}/dry-run`, { source, ...on });
  }

  createScript(body: Record<string, unknown>): Promise<ScriptDetail> {
    return this.request('POST', '/api/v1/scripts', body);
  }

  updateScript(id: string, body: Record<string, unknown>): Promise<ScriptDetail> {
    return this.request('PATCH', `/api/v1/scripts/${encodeURIComponent(id)}`, body);
  }

  deleteScript(id: string): Promise<null> {
    return this.request('DELETE', `/api/v1/scripts/${encodeURIComponent(id)}`);
  }

  listScripts(query: ScriptQuery = {}): Promise<Page<Script>> {
    return this.request('GET', '/api/v1/scripts' + queryString(query));
  }

  // The script SDK's TypeScript declarations, for the editor.
  async typings(): Promise<string> {
    const response = await this.fetcher(this.base + '/api/v1/sdk.d.ts', { method: 'GET' });
    if (!response.ok) throw new ApiError(response.status, 'HTTP_' + response.status, response.statusText);
    return response.text();
  }

  me(): Promise<Me> {
    return this.request('GET', '/api/v1/me');
  }

  versions(scriptId: string): Promise<{ items: VersionSummary[] }> {
    return this.request('GET', `/api/v1/scripts/${encodeURIComponent(scriptId)}/versions`);
  }

  version(scriptId: string, number: number): Promise<Version> {
    return this.request('GET', `/api/v1/scripts/${encodeURIComponent(scriptId)}/versions/${number}`);
  }

  rollBack(scriptId: string, number: number, reason: string): Promise<ScriptDetail> {
    return this.request('POST', `/api/v1/scripts/${encodeURIComponent(scriptId)}/versions/${number}/rollback`,
                        reason ? { reason } : {});
  }

  nextRuns(cronExpression: string, timezone: string, count = 5): Promise<{ items: string[] }> {
    return this.request('GET', '/api/v1/schedules/next-runs' +
                        queryString({ cron_expression: cronExpression, timezone, count }));
  }

  deadLetters(query: DeadLetterQuery = {}): Promise<Page<DeadLetter>> {
    return this.request('GET', '/api/v1/dead-letters' + queryString(query));
  }

  deadLetter(id: string): Promise<DeadLetter> {
    return this.request('GET', `/api/v1/dead-letters/${encodeURIComponent(id)}`);
  }

  // Without a payload, the letter's own is delivered again.
  replay(id: string, payload?: unknown): Promise<DeadLetter> {
    return this.request('POST', `/api/v1/dead-letters/${encodeURIComponent(id)}/replay`,
                        payload === undefined ? {} : { payload });
  }

  replayAll(filter: { script_id?: string } = {}): Promise<{ replayed: number }> {
    return this.request('POST', '/api/v1/dead-letters/replay', filter);
  }

  tokens(): Promise<{ items: Token[] }> {
    return this.request('GET', '/api/v1/tokens');
  }

  // The answer carries the token itself, this once.
  createToken(role: Role, name: string): Promise<Token> {
    return this.request('POST', '/api/v1/tokens', { role, name });
  }

  revokeToken(id: string): Promise<null> {
    return this.request('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`);
  }

  secrets(): Promise<{ items: Secret[] }> {
    return this.request('GET', '/api/v1/secrets');
  }

  setSecret(name: string, value: string): Promise<Secret> {
    return this.request('PUT', `/api/v1/secrets/${encodeURIComponent(name)}`, { value });
  }

  deleteSecret(name: string): Promise<null> {
    return this.request('DELETE', `/api/v1/secrets/${encodeURIComponent(name)}`);
  }

  migrations(): Promise<{ items: DbMigration[] }> {
    return this.request('GET', '/api/v1/db/migrations');
  }

  migrate(name: string, sql: string): Promise<DbMigration> {
    return this.request('POST', '/api/v1/db/migrations', { name, sql });
  }

  quota(): Promise<Quota> {
    return this.request('GET', '/api/v1/quota');
  }

  // The tenant's audit log, newest first; `action` keeps only that action.
  audit(page: number, action = ''): Promise<Page<AuditEntry>> {
    const query = new URLSearchParams({ page: String(page), per_page: '50' });
    if (action) query.set('action', action);
    return this.request('GET', `/api/v1/audit?${query}`);
  }

  publish(type: string, payload: unknown): Promise<{ id: string }> {
    return this.request('POST', '/api/v1/events', { type, payload });
  }

  discard(id: string): Promise<null> {
    return this.request('DELETE', `/api/v1/dead-letters/${encodeURIComponent(id)}`);
  }
}

function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const suffix = params.toString();
  return suffix ? '?' + suffix : '';
}
