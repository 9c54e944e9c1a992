import { describe, expect, it } from 'vitest';

import { ApiClient, ApiError } from '../src/api';

type Call = { url: string; init: RequestInit };

function client(answer: () => Promise<Response>, token: string | null = 'tok') {
  const calls: Call[] = [];
  const api = new ApiClient(() => token, async (url, init) => {
    calls.push({ url, init });
    return answer();
  });
  return { api, calls };
}

const json = (status: number, body: unknown) =>
  Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));

describe('ApiClient', () => {
  it('sends the token and the filters, and reads the page', async () => {
    const { api, calls } = client(() => json(200, { items: [], total: 0, page: 1, per_page: 20 }));
    const page = await api.listScripts({ search: 'pay', type: 'http', status: '', page: 2 });
    expect(page.total).toBe(0);
    expect(calls[0].url).toBe('/api/v1/scripts?search=pay&type=http&page=2');
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
  });

  it('sends no Authorization header without a token, and JSON bodies as JSON', async () => {
    const { api, calls } = client(() => json(201, { id: 'x' }), null);
    await api.request('POST', '/api/v1/scripts', { name: 'n' });
    const headers = calls[0].init.headers as Record<string, string>;
    expect(headers.Authorization).toBeUndefined();
    expect(headers['Content-Type']).toBe('application/json');
    expect(calls[0].init.body).toBe('{"name":"n"}');
  });

  it("turns the server's error into an ApiError with its code, message and field details", async () => {
    const { api } = client(() => json(400, {
      error: { code: 'VALIDATION_FAILED', message: 'bad', details: [{ field: 'name', message: 'too short' }] },
    }));
    const error = await api.request('POST', '/api/v1/scripts', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', message: 'bad',
                                  details: [{ field: 'name', message: 'too short' }] });
  });

  it('names an unreachable server and an answer that is not JSON', async () => {
    const down = client(() => Promise.reject(new TypeError('connection refused')));
    await expect(down.api.listScripts()).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
    const html = client(() => Promise.resolve(new Response('<html>', { status: 502 })));
    await expect(html.api.listScripts()).rejects.toMatchObject({ status: 502, code: 'INVALID_RESPONSE' });
  });
  it('asks for the captured inputs and sends a dry run its draft and input, reading the recorded calls', async () => {
    const answers = [
      json(200, { items: [{ id: 'run 1', input: { n: 1 } }] }),
      json(200, { input_ref: 'run 1', input: { n: 1 },
                  draft: { status: 'completed', output: 2, error: null, logs: [], metrics: null,
                           recorded_calls: [{ api: 'sdk.http', call: { url: 'https://x.test' } }], unrecorded_calls: 0 },
                  live: { status: 'completed', output: 1, error: null, logs: [], metrics: null, recorded_calls: [],
                          unrecorded_calls: 0, version: 3 } }),
    ];
    const { api, calls } = client(() => answers.shift()!);
    const inputs = await api.capturedInputs('s/1');
    const ran = await api.dryRun('s/1', 'export default () => 2', { input_ref: inputs.items[0].id });
    expect(calls.map((call) => [call.init.method, call.url])).toEqual([
      ['GET', '/api/v1/scripts/s%2F1/captured-inputs'], ['POST', '/api/v1/scripts/s%2F1/dry-run']]);
    expect(JSON.parse(calls[1].init.body as string)).toEqual({ source: 'export default () => 2', input_ref: 'run 1' });
    expect(ran.draft.recorded_calls).toEqual([{ api: 'sdk.http', call: { url: 'https://x.test' } }]);
    expect(ran.live.version).toBe(3);
  });
});
