import { describe, expect, it } from 'vitest';
import { ApiClient, type Tokens } from '../src/api/client';
import { ApiError } from '../src/api/problem';

const tokens = (n: number): Tokens => ({ access_token: `access-${n}`, refresh_token: `refresh-${n}`, token_type: 'Bearer', expires_in: 900 });
const problem = (status: number, detail: string) =>
  new Response(JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status, detail }), { status, headers: { 'Content-Type': 'application/problem+json' } });
const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });

/** A fake auth-service and resource: accepts only the current access token, rotates refresh tokens once. */
function fakeServer(options: { refreshWorks?: boolean; alwaysUnauthorized?: boolean } = {}) {
  const calls: { path: string; authorization: string | null; body?: string }[] = [];
  let current = 1;
  const fetch = async (path: string, init: RequestInit = {}) => {
    const authorization = new Headers(init.headers).get('Authorization');
    calls.push({ path, authorization, ...(typeof init.body === 'string' ? { body: init.body } : {}) });
    await new Promise((r) => setTimeout(r, 1));
    if (path === '/api/auth/refresh') {
      const sent = JSON.parse(String(init.body)) as { refresh_token: string };
      if (options.refreshWorks === false || sent.refresh_token !== `refresh-${current}`) return problem(401, 'The refresh token is not valid.');
      current++;
      return json(tokens(current));
    }
    if (options.alwaysUnauthorized || authorization !== `Bearer access-${current}`) return problem(401, 'The access token has expired.');
    return json({ ok: true, path });
  };
  return { calls, fetch };
}

describe('ApiClient token handling', () => {
  it('sends the access token and keeps it in memory only', async () => {
    const server = fakeServer();
    const api = new ApiClient({ fetch: server.fetch });
    api.setTokens(tokens(1));
    await expect(api.json('/api/auth/me')).resolves.toEqual({ ok: true, path: '/api/auth/me' });
    expect(server.calls).toEqual([{ path: '/api/auth/me', authorization: 'Bearer access-1' }]);
  });

  it('refreshes once on a 401 and retries with the new token', async () => {
    const server = fakeServer();
    const api = new ApiClient({ fetch: server.fetch });
    api.setTokens({ ...tokens(1), access_token: 'access-expired' });
    await expect(api.json('/api/reports')).resolves.toEqual({ ok: true, path: '/api/reports' });
    expect(server.calls.map((c) => [c.path, c.authorization])).toEqual([
      ['/api/reports', 'Bearer access-expired'],
      ['/api/auth/refresh', null],
      ['/api/reports', 'Bearer access-2'],
    ]);
    expect(api.refreshToken).toBe('refresh-2');
  });

  it('shares one refresh between concurrent requests (a refresh token is single use)', async () => {
    const server = fakeServer();
    const api = new ApiClient({ fetch: server.fetch });
    api.setTokens({ ...tokens(1), access_token: 'access-expired' });
    const results = await Promise.all([api.json('/a'), api.json('/b'), api.json('/c')]);
    expect(results).toHaveLength(3);
    expect(server.calls.filter((c) => c.path === '/api/auth/refresh')).toHaveLength(1);
    expect(server.calls.filter((c) => c.authorization === 'Bearer access-2').map((c) => c.path).sort()).toEqual(['/a', '/b', '/c']);
  });

  it('ends the session when the refresh is refused, and tells the app once', async () => {
    const server = fakeServer({ refreshWorks: false });
    let signedOut = 0;
    const api = new ApiClient({ fetch: server.fetch, onSignedOut: () => signedOut++ });
    api.setTokens({ ...tokens(1), access_token: 'access-expired' });
    const error = await api.json('/api/auth/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).message).toBe('The access token has expired.');
    expect(api.signedIn).toBe(false);
    expect(signedOut).toBe(1);
  });

  it('does not loop: a second 401 after a successful refresh ends the session', async () => {
    const server = fakeServer({ alwaysUnauthorized: true });
    let signedOut = 0;
    const api = new ApiClient({ fetch: server.fetch, onSignedOut: () => signedOut++ });
    api.setTokens(tokens(1));
    await expect(api.json('/x')).rejects.toBeInstanceOf(ApiError);
    expect(server.calls.map((c) => c.path)).toEqual(['/x', '/api/auth/refresh', '/x']);
    expect(api.signedIn).toBe(false);
    expect(signedOut).toBe(1);
  });

  it('refuses to call without a session, and passes other errors through as problems', async () => {
    const api = new ApiClient({ fetch: async () => problem(403, 'Viewers cannot submit jobs.') });
    await expect(api.json('/x')).rejects.toMatchObject({ status: 401 });
    api.setTokens(tokens(1));
    await expect(api.json('/x')).rejects.toMatchObject({ status: 403, message: 'Viewers cannot submit jobs.' });
    expect(api.signedIn).toBe(true);
  });
});
