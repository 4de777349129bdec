import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { auth, inference, notification, operations, reporting } from '@contracts';
import { ApiError, asProblem } from './problem';
import { newTrace } from './trace';

export type Tokens = auth.components['schemas']['TokenResponse'];

type FetchLike = (request: Request) => Promise<Response>;

export interface PlatformApiOptions {
  /** Where the gateway is: '' (the page's own origin) in the browser; an absolute URL where there is no page. */
  baseUrl?: string;
  fetch?: FetchLike;
  /** Called once the session is over (refresh refused or signed out): the app shows the sign-in page. */
  onSignedOut?: () => void;
}

/**
 * The one way the console calls the platform: an openapi-fetch client per service, typed by the contracts'
 * generated `paths` (contracts/types/typescript), all five sharing this session's tokens through one middleware.
 * Tokens live in memory only (never in storage a script could read later). A 401 triggers one refresh (shared
 * by every request that got a 401 meanwhile, since a refresh token is single use) and one retry; a second 401,
 * or a refused refresh, ends the session. Every request starts a trace: its own W3C `traceparent` (`trace.ts`).
 */
export class PlatformApi {
  readonly auth: Client<auth.paths>;
  readonly inference: Client<inference.paths>;
  readonly notification: Client<notification.paths>;
  readonly reporting: Client<reporting.paths>;
  readonly operations: Client<operations.paths>;
  private tokens: Tokens | null = null;
  private refreshing: Promise<boolean> | null = null;
  private readonly onSignedOut: () => void;

  constructor(options: PlatformApiOptions = {}) {
    // openapi-fetch takes globalThis.fetch when it builds a client; a test passes its own.
    const common = { baseUrl: options.baseUrl ?? '', ...(options.fetch ? { fetch: options.fetch } : {}) };
    this.auth = createClient<auth.paths>(common);
    this.inference = createClient<inference.paths>(common);
    this.notification = createClient<notification.paths>(common);
    this.reporting = createClient<reporting.paths>(common);
    this.operations = createClient<operations.paths>(common);
    this.onSignedOut = options.onSignedOut ?? (() => {});
    // The trace first: the bearer middleware keeps a copy of the request for a retry, traceparent included.
    const middleware = [traceMiddleware, bearerMiddleware(this)];
    for (const client of [this.auth, this.inference, this.notification, this.reporting, this.operations]) client.use(...middleware);
  }

  get signedIn(): boolean {
    return this.tokens !== null;
  }

  get accessToken(): string | null {
    return this.tokens?.access_token ?? null;
  }

  /** The refresh token, for signing out (the server revokes its family). */
  get refreshToken(): string | null {
    return this.tokens?.refresh_token ?? null;
  }

  setTokens(tokens: Tokens): void {
    this.tokens = tokens;
  }

  /** Forgets the tokens; `notify` tells the app to show the sign-in page. */
  clear(notify = true): void {
    const hadSession = this.tokens !== null;
    this.tokens = null;
    if (notify && hadSession) this.onSignedOut();
  }

  /**
   * Exchanges the refresh token once for every caller whose token `staleToken` was refused. A caller
   * whose token was already replaced by another caller's refresh just retries with the new one.
   */
  refreshOnce(staleToken: string): Promise<boolean> {
    if (this.tokens !== null && this.tokens.access_token !== staleToken) return Promise.resolve(true);
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async refresh(): Promise<boolean> {
    const refreshToken = this.refreshToken;
    if (refreshToken === null) return false;
    try {
      const { data } = await this.auth.POST('/api/auth/refresh', { body: { refresh_token: refreshToken } });
      if (data === undefined) {
        this.clear();
        return false;
      }
      this.tokens = data;
      return true;
    } catch {
      // The network failed, not the session: keep the tokens, the caller sees its own 401.
      return false;
    }
  }
}

/**
 * A new trace for every request that has no `traceparent` yet (a caller that wants to know the trace id, say to
 * link a job to it, makes the trace itself with newTrace() and passes the header). The retry after a refresh sends
 * the same copy, so both attempts are in the one trace.
 */
const traceMiddleware: Middleware = {
  onRequest({ request }) {
    if (request.headers.has('traceparent')) return undefined;
    request.headers.set('traceparent', newTrace().traceparent);
    return request;
  },
};

/** The operations the console sends without a token (their contracts allow it); their 401 is the answer itself. */
const ANONYMOUS = new Set(['/api/auth/register', '/api/auth/login', '/api/auth/refresh', '/api/auth/logout']);

/**
 * Bearer token on every operation but the anonymous ones; a 401 answer is refreshed once and the request sent
 * again (from a copy taken before sending: a body can be read only once). A second 401 ends the session.
 */
function bearerMiddleware(api: PlatformApi): Middleware {
  const sent = new Map<string, { copy: Request; token: string }>();
  return {
    onRequest({ request, schemaPath, id }) {
      if (ANONYMOUS.has(schemaPath)) return undefined;
      const token = api.accessToken;
      if (token === null) throw new ApiError(401, null, 'You are not signed in.');
      request.headers.set('Authorization', `Bearer ${token}`);
      sent.set(id, { copy: request.clone(), token });
      return request;
    },
    async onResponse({ response, id, options }) {
      const request = sent.get(id);
      sent.delete(id);
      if (response.status !== 401 || request === undefined) return undefined;
      const next = (await api.refreshOnce(request.token)) ? api.accessToken : null;
      if (next === null) return undefined;
      request.copy.headers.set('Authorization', `Bearer ${next}`);
      const retried = await options.fetch(request.copy);
      if (retried.status === 401) api.clear();
      return retried;
    },
    onError({ id }) {
      sent.delete(id);
      return undefined;
    },
  };
}

/**
 * The data of an openapi-fetch answer, or the ApiError the pages show. openapi-fetch never throws on a status:
 * it gives `{ data }` or `{ error }`, the error typed as the contract's problem but, at run time, whatever the body
 * was (the parsed JSON, or the text of, say, a proxy's HTML page), so it is checked for the problem shape here.
 */
export function unwrap<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  const { response } = answer;
  if (response.ok) return answer.data as T;
  const fallback = `The request failed: ${response.status} ${response.statusText}`.trim();
  throw new ApiError(response.status, asProblem(answer.error), fallback);
}
