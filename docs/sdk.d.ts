// The globals a jsruntime script sees: `context`, the script SDK (`sdk`),
// `events` and the Web-style globals jsruntime provides. Served at
// GET /api/v1/sdk.d.ts for editors; use it with TypeScript's "es2022" lib
// (no DOM). A test checks that every interface marked `@binding PATH` lists
// exactly the functions the runtime installs at PATH, so keep one member per
// line.

/** What a script's default export receives as `context.trigger`, by how the run began. */
type Trigger =
  | { type: 'manual' }
  | { type: 'api' }
  | { type: 'invoke' }
  /** A cron slot: the time it was due (ISO 8601), the expression and its time zone. */
  | { type: 'cron'; scheduledFor: string; cron: string; timezone: string; attempt?: number }
  /** An event delivery; `attempt` counts from 1 and grows with each retry. */
  | { type: 'event'; eventId: string; eventType: string; attempt: number }
  /** An HTTP endpoint's request (the request itself is the input). */
  | { type: 'http'; method: string; path: string };

/**
 * What the running execution has left of its limits.
 * @binding context.budget
 */
interface Budget {
  /** Milliseconds left of the execution's time limit (max_execution_time_ms). */
  remainingMs(): number;
  /** Bytes left of the execution's memory limit (the VM's use beyond its idle footprint). */
  memoryBytes(): number;
  /** SDK calls left of max_api_calls. */
  apiCallsLeft(): number;
}

interface Context {
  readonly tenantId: string;
  readonly userId: string;
  readonly organizationId: string;
  readonly scriptId: string;
  readonly executionId: string;
  /**
   * A draft tried on a captured input (the editor's dry run): sdk.http, events.publish and cache
   * writes are recorded, not made — a request is answered 200 with an empty body — and sdk.db's
   * writes are rolled back when the run ends.
   */
  readonly dryRun: boolean;
  /** The run's input: the body of a manual run, an event's payload, an HTTP request. */
  readonly input: unknown;
  readonly trigger: Readonly<Trigger>;
  readonly budget: Budget;
}

/** The running execution, deep-frozen; always the current one, also after `await` and in timers. */
declare const context: Context;

/** An Error the SDK rejects with: `code` names the refusal (SSRF_BLOCKED, API_LIMIT, ROW_LIMIT, …). */
interface SdkError extends Error {
  code: string;
}

/**
 * Log lines of the execution, with a level and an optional metadata object (stored as JSON).
 * @binding sdk.log
 */
interface SdkLog {
  debug(message: string, metadata?: Record<string, unknown>): void;
  info(message: string, metadata?: Record<string, unknown>): void;
  warn(message: string, metadata?: Record<string, unknown>): void;
  error(message: string, metadata?: Record<string, unknown>): void;
}

interface HttpOptions {
  /** Header names and values; Host, Content-Length and hop-by-hop headers are the client's. */
  headers?: Record<string, string>;
  /** Appended to the URL, percent-encoded, in this order. */
  query?: Record<string, string | number | boolean>;
  /** Milliseconds for the whole exchange; default 10 000, never past the run's own time. */
  timeout?: number;
  /**
   * The largest answer body taken, 1 to 5 242 880 bytes (the default); a larger one rejects with
   * RESPONSE_TOO_LARGE. Calls in flight at once are bounded by what their answers may take, so a
   * smaller cap lets more be in flight.
   */
  maxResponseBytes?: number;
}

interface HttpResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** A JSON answer parsed; any other as text. */
  body: unknown;
}

interface HttpRequest extends HttpOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  url: string;
  /** An object is sent as JSON, a string as it is. */
  body?: unknown;
}

/**
 * Calls to public HTTP(S) servers. Rejects with SSRF_BLOCKED (not a public address),
 * NETWORK_ERROR, HTTP_TIMEOUT or RESPONSE_TOO_LARGE (over 5 MiB); a 4xx or 5xx is an answer.
 * @binding sdk.http
 */
interface SdkHttp {
  get(url: string, options?: HttpOptions): Promise<HttpResponse>;
  delete(url: string, options?: HttpOptions): Promise<HttpResponse>;
  post(url: string, body?: unknown, options?: HttpOptions): Promise<HttpResponse>;
  put(url: string, body?: unknown, options?: HttpOptions): Promise<HttpResponse>;
  patch(url: string, body?: unknown, options?: HttpOptions): Promise<HttpResponse>;
  request(request: HttpRequest): Promise<HttpResponse>;
}

/**
 * JSON values kept between runs, one key space per tenant (shared by its scripts).
 * Keys are 1–512 bytes, values up to 1 MiB as JSON; the least recently used go first.
 * @binding sdk.cache
 */
interface SdkCache {
  /** The value, or null when missing or expired. */
  get(key: string): Promise<unknown>;
  /** Keeps `value` for `ttlSeconds` (at most a year), or until evicted. */
  set(key: string, value: unknown, ttlSeconds?: number): Promise<void>;
  /** Whether there was a value. */
  delete(key: string): Promise<boolean>;
  exists(key: string): Promise<boolean>;
  /** Adds `delta` (default 1) atomically; a missing key counts from 0. The new number. */
  increment(key: string, delta?: number): Promise<number>;
}

/**
 * The tenant's secrets; each read is audited and its value scrubbed from the run's record.
 * @binding sdk.secrets
 */
interface SdkSecrets {
  /**
   * The secret's value, or null when the tenant has none of that name. A run reads at most 32
   * distinct secrets of 64 KiB together (API_LIMIT past it); reading one again is free.
   */
  get(name: string): Promise<string | null>;
}

/** A row: column names to values (integers beyond 2^53 and numeric as strings). */
type Row = Record<string, unknown>;

/** The statements of an open transaction. */
interface Transaction {
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  queryOne(sql: string, params?: unknown[]): Promise<Row | null>;
  execute(sql: string, params?: unknown[]): Promise<number>;
}

/**
 * The tenant's own database, shaped by migrations (POST /api/v1/db/migrations).
 * Parameters are $1, $2, …; one statement per call, at most 5 s (QUERY_TIMEOUT).
 * Rejects with UNAUTHORIZED_OPERATION (DDL, grants, other schemas), ROW_LIMIT, QUERY_ERROR.
 * @binding sdk.db
 */
interface SdkDb {
  /** The rows, at most 1 000 (more: ROW_LIMIT). */
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  /** The first row, or null. */
  queryOne(sql: string, params?: unknown[]): Promise<Row | null>;
  /** How many rows the statement changed. */
  execute(sql: string, params?: unknown[]): Promise<number>;
  /** Runs `work` in one transaction: committed when it returns, rolled back when it throws or the run ends. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
}

/**
 * Domain events of the script's tenant.
 * @binding events
 */
interface Events {
  /**
   * Publishes an event (payload up to 256 KiB; 100 events and 1 MiB of payloads per execution);
   * its id. The platform's namespaces (script.*, execution.*, jsruntime.*) are its own: a
   * TypeError. Refused when the chain that caused the run is 8 deep or fans out past 1 000
   * events a generation, or when the tenant has 10 000 deliveries waiting.
   */
  publish(type: string, payload?: unknown): Promise<string>;
}

/**
 * One log line per call: strings as they are, other values as JSON.
 * @binding console
 */
interface Console {
  log(...values: unknown[]): void;
  info(...values: unknown[]): void;
  warn(...values: unknown[]): void;
  error(...values: unknown[]): void;
  debug(...values: unknown[]): void;
}

/**
 * Randomness and message authentication (there is no crypto.subtle).
 * @binding crypto
 */
interface Crypto {
  randomUUID(): string;
  getRandomValues<T extends Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array>(array: T): T;
  /** The hex MAC of UTF-8 strings: 'sha256', 'sha512' or 'sha1'. */
  hmac(algorithm: 'sha256' | 'sha512' | 'sha1', key: string, data: string): string;
  /** Compares without leaking where two strings first differ. */
  timingSafeEqual(a: string, b: string): boolean;
}

interface Sdk {
  readonly log: SdkLog;
  readonly http: SdkHttp;
  readonly cache: SdkCache;
  readonly secrets: SdkSecrets;
  readonly db: SdkDb;
}

/** The script SDK. */
declare const sdk: Sdk;
declare const events: Events;
declare const console: Console;
declare const crypto: Crypto;

declare function setTimeout<A extends unknown[]>(callback: (...args: A) => void, ms?: number, ...args: A): number;
declare function clearTimeout(id: number | undefined): void;
declare function queueMicrotask(callback: () => void): void;
/** A deep copy: objects, arrays, Map, Set, Date, RegExp, ArrayBuffer, typed arrays. */
declare function structuredClone<T>(value: T): T;
/** Forgiving base64 over Latin-1 strings. */
declare function atob(data: string): string;
declare function btoa(data: string): string;

/** UTF-8 only. */
declare class TextEncoder {
  readonly encoding: 'utf-8';
  encode(input?: string): Uint8Array;
}

/** UTF-8 only; other labels throw RangeError. */
declare class TextDecoder {
  constructor(label?: 'utf-8' | 'utf8', options?: { fatal?: boolean; ignoreBOM?: boolean });
  readonly encoding: 'utf-8';
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: ArrayBuffer | ArrayBufferView): string;
}
