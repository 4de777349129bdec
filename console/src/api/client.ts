import type { auth } from '@contracts';
import { ApiError, errorFromResponse } from './problem';

export type Tokens = auth.components['schemas']['TokenResponse'];

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  fetch?: FetchLike;
  /** Called once the session is over (refresh refused or signed out): the app shows the sign-in page. */
  onSignedOut?: () => void;
}

/**
 * The one way the console calls the platform. Tokens live in memory only (never in storage a script
 * could read later). A 401 triggers one refresh (shared by every request that got a 401 meanwhile, since
 * a refresh token is single use) and one retry; a second 401, or a refused refresh, ends the session.
 */
export class ApiClient {
  private tokens: Tokens | null = null;
  private refreshing: Promise<boolean> | null = null;
  private readonly fetchImpl: FetchLike;
  private readonly onSignedOut: () => void;

  constructor(options: ApiClientOptions = {}) {
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.onSignedOut = options.onSignedOut ?? (() => {});
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

  /** A request without a token (register, login, refresh, logout). */
  async anonymous(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await this.fetchImpl(path, init);
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }

  /** A request with the access token, refreshed once on a 401. Throws ApiError on any other failure. */
  async authorized(path: string, init: RequestInit = {}): Promise<Response> {
    const sentWith = this.accessToken;
    if (sentWith === null) throw new ApiError(401, null, 'You are not signed in.');
    let response = await this.fetchImpl(path, withBearer(init, sentWith));
    if (response.status === 401) {
      const refreshed = await this.refreshOnce(sentWith);
      const next = this.accessToken;
      if (!refreshed || next === null) {
        throw await errorFromResponse(response);
      }
      response = await this.fetchImpl(path, withBearer(init, next));
      if (response.status === 401) {
        const error = await errorFromResponse(response);
        this.clear();
        throw error;
      }
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }

  async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await this.authorized(path, init);
    return (await response.json()) as T;
  }

  /**
   * Exchanges the refresh token once for every caller whose token `staleToken` was refused. A caller
   * whose token was already replaced by another caller's refresh just retries with the new one.
   */
  async refreshOnce(staleToken: string): Promise<boolean> {
    if (this.tokens !== null && this.tokens.access_token !== staleToken) return true;
    if (this.refreshing === null) {
      this.refreshing = this.refresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async refresh(): Promise<boolean> {
    const refreshToken = this.refreshToken;
    if (refreshToken === null) return false;
    try {
      const response = await this.fetchImpl('/api/auth/refresh', jsonBody('POST', { refresh_token: refreshToken }));
      if (!response.ok) {
        this.clear();
        return false;
      }
      this.tokens = (await response.json()) as Tokens;
      return true;
    } catch {
      // The network failed, not the session: keep the tokens, the caller sees its own 401.
      return false;
    }
  }
}

export function withBearer(init: RequestInit, token: string): RequestInit {
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${token}`);
  return { ...init, headers };
}

export function jsonBody(method: string, body: unknown): RequestInit {
  return { method, headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) };
}
