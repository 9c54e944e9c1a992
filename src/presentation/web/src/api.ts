// The REST API as the UI uses it: JSON in and out, the token as a bearer,
// and every failure as an ApiError carrying the server's error code (or
// NETWORK_ERROR when the server could not be reached).

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

export interface Script {
  id: string;
  name: string;
  description: string;
  type: 'oneoff' | 'scheduled' | 'http' | 'event';
  status: 'draft' | 'active' | 'paused' | 'disabled' | 'archived';
  version: number;
  tags: string[];
  last_run_at: string | null;
  last_run_status: string | null;
  updated_at: string;
}

export interface RetryPolicy {
  max_attempts: number;
  initial_backoff_ms: number;
  backoff_multiplier: number;
  max_backoff_ms: number;
}

export type ResourceLimits = Record<string, number>;

export interface ScriptDetail extends Script {
  source: string;
  next_statuses: Script['status'][];
  retry_policy: RetryPolicy | null;
  resource_limits: ResourceLimits;
  cron_expression: string | null;
  timezone: string | null;
  http_path: string | null;
  http_methods: string[];
  event_types: string[];
  next_run_at: string | null;
  created_at: string;
}

export interface LogLine {
  level: string;
  message: string;
  time: string;
  metadata?: unknown;
}

export interface ExecutionError {
  code: string;
  message: string;
  stack: string;
  line: number;
  column: number;
}

export interface Execution {
  id: string;
  script_id: string;
  script_version: number;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'timeout' | 'cancelled' | 'skipped';
  trigger_type: string;
  skip_reason: string | null;
  input: unknown;
  output: unknown;
  error: ExecutionError | null;
  logs: LogLine[];
  metrics: { duration_ms?: number; peak_memory_bytes?: number } | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
}

export interface Me {
  tenant_id: string;
  token_id: string;
  role: string;
  permissions: string[];
}

export interface VersionSummary {
  number: number;
  created_at: string;
  created_by: string;
  change_description: string;
}

export interface Version extends VersionSummary {
  source: string;
}

export interface DeadLetter {
  id: string;
  event_id: string;
  event_type: string;
  payload: unknown;
  script_id: string;
  script_version: number;
  attempts: number;
  last_error: ExecutionError | null;
  last_execution_id: string | null;
  status: 'dead' | 'replayed';
  created_at: string;
  replayed_at: string | null;
}

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

  executions(scriptId: string, page = 1): Promise<Page<Execution>> {
    return this.request('GET', `/api/v1/scripts/${encodeURIComponent(scriptId)}/executions?per_page=20&page=${page}`);
  }

  execution(id: string): Promise<Execution> {
    return this.request('GET', `/api/v1/executions/${encodeURIComponent(id)}`);
  }

  // Starts a run without waiting: the history shows it arrive.
  run(scriptId: string, input: unknown): Promise<Execution> {
    return this.request('POST', `/api/v1/scripts/${encodeURIComponent(scriptId)}/executions`, { input, wait: false });
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
