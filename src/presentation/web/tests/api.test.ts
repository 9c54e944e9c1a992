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
});
