import { describe, expect, it } from 'vitest';
import { login, me, register } from '../src/api/auth';
import { PlatformApi, type Tokens } from '../src/api/client';
import { jobResultCsv, submitCsvJob } from '../src/api/inference';
import { history } from '../src/api/notifications';
import { ApiError } from '../src/api/problem';
import { downloadReport, getReport, listReports } from '../src/api/reports';
import { TRACEPARENT, traceIdOf } from '../src/api/trace';

const GATEWAY = 'http://gateway.test'; // openapi-fetch builds a Request, which needs an absolute URL outside a page
const tokens = (n: number): Tokens => ({ access_token: `access-${n}`, refresh_token: `refresh-${n}`, token_type: 'Bearer', expires_in: 900 });
const problem = (status: number, detail: string) =>
  new Response(JSON.stringify({ type: '/problems/unauthorized', title: 'Unauthorized', status, detail }), { status, headers: { 'Content-Type': 'application/problem+json' } });
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const user = { id: 'u1', email: 'ada@example.com', name: 'Ada Lovelace', role: 'user', created_at: 'x', updated_at: 'x' };
const page = { items: [], page: 0, size: 20, total_items: 0, total_pages: 0 };

interface Call { method: string; path: string; authorization: string | null; contentType: string | null; traceparent: string | null; body: string }

/** A fake gateway: accepts only the current access token, rotates refresh tokens once, answers as the contracts say. */
function fakeGateway(options: { refreshWorks?: boolean; alwaysUnauthorized?: boolean } = {}) {
  const calls: Call[] = [];
  let current = 1;
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const body = await request.text();
    calls.push({ method: request.method, path: url.pathname + url.search, authorization: request.headers.get('Authorization'),
                 contentType: request.headers.get('Content-Type'), traceparent: request.headers.get('traceparent'), body });
    await new Promise((r) => setTimeout(r, 1));
    if (url.pathname === '/api/auth/refresh') {
      const sent = JSON.parse(body) as { refresh_token: string };
      if (options.refreshWorks === false || sent.refresh_token !== `refresh-${current}`) return problem(401, 'The refresh token is not valid.');
      current++;
      return json(tokens(current));
    }
    if (url.pathname === '/api/auth/login') return json(tokens(current));
    if (url.pathname === '/api/auth/register') {
      return new Response(JSON.stringify({ type: '/problems/validation-error', title: 'Invalid request', status: 422,
        errors: [{ pointer: '/body/password', message: 'must be at least 12 characters' }] }), { status: 422, headers: { 'Content-Type': 'application/problem+json' } });
    }
    if (options.alwaysUnauthorized || request.headers.get('Authorization') !== `Bearer access-${current}`) return problem(401, 'The access token has expired.');
    if (url.pathname === '/api/auth/me') return json(user);
    if (url.pathname === '/api/inference/v1/jobs') return json({ id: 'j1', status: 'queued', progress: 0, total_items: 1, processed_items: 0, created_at: 'x' }, 202);
    if (url.pathname.endsWith('/result')) return new Response('row,transit_hours\n0,27.4\n', { headers: { 'Content-Type': 'text/csv' } });
    if (url.pathname.endsWith('/download')) return new Response(new Uint8Array([0x89, 0x50, 0x4e, 0x47]), { headers: { 'Content-Type': 'image/png' } });
    if (url.pathname === '/api/reports' || url.pathname === '/api/notifications') return json(page);
    return new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'Content-Type': 'text/html' } });
  };
  return { calls, fetch };
}

function platformApi(gateway: ReturnType<typeof fakeGateway>, onSignedOut?: () => void): PlatformApi {
  return new PlatformApi({ baseUrl: GATEWAY, fetch: gateway.fetch, ...(onSignedOut ? { onSignedOut } : {}) });
}

describe('PlatformApi token handling', () => {
  it('signs in without a token, then sends the access token, kept in memory only', async () => {
    const gateway = fakeGateway();
    const api = platformApi(gateway);
    await expect(login(api, 'ada@example.com', 'correct-horse-battery-staple')).resolves.toEqual(user);
    expect(gateway.calls.map((c) => [c.path, c.authorization])).toEqual([
      ['/api/auth/login', null],
      ['/api/auth/me', 'Bearer access-1'],
    ]);
    expect(JSON.parse(gateway.calls[0]!.body)).toEqual({ email: 'ada@example.com', password: 'correct-horse-battery-staple' });
  });

  it('refreshes once on a 401 and retries with the new token', async () => {
    const gateway = fakeGateway();
    const api = platformApi(gateway);
    api.setTokens({ ...tokens(1), access_token: 'access-expired' });
    await expect(listReports(api)).resolves.toEqual(page);
    expect(gateway.calls.map((c) => [c.path, c.authorization])).toEqual([
      ['/api/reports?page=0&size=20', 'Bearer access-expired'],
      ['/api/auth/refresh', null],
      ['/api/reports?page=0&size=20', 'Bearer access-2'],
    ]);
    expect(api.refreshToken).toBe('refresh-2');
  });

  it('shares one refresh between concurrent requests (a refresh token is single use)', async () => {
    const gateway = fakeGateway();
    const api = platformApi(gateway);
    api.setTokens({ ...tokens(1), access_token: 'access-expired' });
    const results = await Promise.all([me(api), listReports(api), history(api)]);
    expect(results).toHaveLength(3);
    expect(gateway.calls.filter((c) => c.path === '/api/auth/refresh')).toHaveLength(1);
    expect(gateway.calls.filter((c) => c.authorization === 'Bearer access-2').map((c) => c.path).sort()).toEqual([
      '/api/auth/me', '/api/notifications?page=0&size=50', '/api/reports?page=0&size=20',
    ]);
  });

  it('ends the session when the refresh is refused, and tells the app once', async () => {
    const gateway = fakeGateway({ refreshWorks: false });
    let signedOut = 0;
    const api = platformApi(gateway, () => signedOut++);
    api.setTokens({ ...tokens(1), access_token: 'access-expired' });
    const error = await me(api).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).message).toBe('The access token has expired.');
    expect(api.signedIn).toBe(false);
    expect(signedOut).toBe(1);
  });

  it('does not loop: a second 401 after a successful refresh ends the session', async () => {
    const gateway = fakeGateway({ alwaysUnauthorized: true });
    let signedOut = 0;
    const api = platformApi(gateway, () => signedOut++);
    api.setTokens(tokens(1));
    await expect(me(api)).rejects.toBeInstanceOf(ApiError);
    expect(gateway.calls.map((c) => c.path)).toEqual(['/api/auth/me', '/api/auth/refresh', '/api/auth/me']);
    expect(api.signedIn).toBe(false);
    expect(signedOut).toBe(1);
  });

  it('refuses to call without a session, and passes other errors through as problems', async () => {
    const api = new PlatformApi({ baseUrl: GATEWAY, fetch: async () => problem(403, 'Viewers cannot submit jobs.') });
    await expect(me(api)).rejects.toMatchObject({ status: 401, message: 'You are not signed in.' });
    api.setTokens(tokens(1));
    await expect(me(api)).rejects.toMatchObject({ status: 403, message: 'Viewers cannot submit jobs.' });
    expect(api.signedIn).toBe(true);
  });
});

describe('PlatformApi calls', () => {
  it('turns a problem into an ApiError with the messages per field, and a page that is not one into a plain one', async () => {
    const gateway = fakeGateway();
    const api = platformApi(gateway);
    const invalid = await register(api, { email: 'ada@example.com', name: 'Ada', password: 'short' }).catch((e: unknown) => e);
    expect((invalid as ApiError).messages.fields).toEqual({ password: ['must be at least 12 characters'] });
    expect(JSON.parse(gateway.calls[0]!.body)).toMatchObject({ role: 'user' });
    api.setTokens(tokens(1));
    const badGateway = await getReport(api, 'no/such').catch((e: unknown) => e);
    expect(gateway.calls.at(-1)!.path).toBe('/api/reports/no%2Fsuch'); // a path parameter is encoded
    expect(badGateway).toMatchObject({ status: 502, problem: null, message: 'The request failed: 502 Bad Gateway' });
  });

  it('uploads a CSV as multipart and downloads files as blobs', async () => {
    const gateway = fakeGateway();
    const api = platformApi(gateway);
    api.setTokens(tokens(1));
    const { job, traceId } = await submitCsvJob(api, new Blob(['origin,destination\nTX,IL\n'], { type: 'text/csv' }), 'jobs.csv');
    expect(job.status).toBe('queued');
    const upload = gateway.calls.at(-1)!;
    expect(upload.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`)); // the job's trace is the request's
    expect(upload.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload.body).toContain('filename="jobs.csv"');
    expect(await (await jobResultCsv(api, 'j1')).text()).toBe('row,transit_hours\n0,27.4\n');
    expect(gateway.calls.at(-1)!.path).toBe('/api/inference/v1/jobs/j1/result?format=csv');
    const png = await downloadReport(api, 'r1', 'png');
    expect(new Uint8Array(await png.arrayBuffer())).toEqual(new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
    expect(gateway.calls.at(-1)!.path).toBe('/api/reports/r1/download?format=png');
  });
});

describe('PlatformApi trace context', () => {
  it('starts a trace per request (a fresh W3C traceparent each), and retries after a refresh in the same trace', async () => {
    const gateway = fakeGateway();
    const api = platformApi(gateway);
    await login(api, 'ada@example.com', 'correct-horse-battery-staple');
    await history(api);
    await history(api);
    const sent = gateway.calls.map((c) => c.traceparent);
    for (const header of sent) expect(header).toMatch(TRACEPARENT);
    expect(new Set(sent.map(traceIdOf)).size).toBe(sent.length);

    api.setTokens({ ...tokens(1), access_token: 'stale' }); // refused once, refreshed, sent again
    const before = gateway.calls.length;
    await me(api);
    const [first, refresh, retry] = gateway.calls.slice(before);
    expect([first!.path, refresh!.path, retry!.path]).toEqual(['/api/auth/me', '/api/auth/refresh', '/api/auth/me']);
    expect(retry!.traceparent).toBe(first!.traceparent);
    expect(traceIdOf(refresh!.traceparent)).not.toBe(traceIdOf(first!.traceparent));
  });
});
