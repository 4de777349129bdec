import type { auth } from '@contracts';
import { type ApiClient, type Tokens, jsonBody } from './client';

type Schemas = auth.components['schemas'];
export type User = Schemas['User'];
export type Role = Schemas['Role'];
export type UserPage = Schemas['UserPage'];
export type RegisterRequest = Omit<Schemas['CreateUserRequest'], 'role'>;

export const ROLES: readonly Role[] = ['admin', 'user', 'viewer'];

export async function register(api: ApiClient, request: RegisterRequest): Promise<User> {
  const response = await api.anonymous('/api/auth/register', jsonBody('POST', request));
  return (await response.json()) as User;
}

export async function login(api: ApiClient, email: string, password: string): Promise<User> {
  const response = await api.anonymous('/api/auth/login', jsonBody('POST', { email, password }));
  api.setTokens((await response.json()) as Tokens);
  return me(api);
}

export function me(api: ApiClient): Promise<User> {
  return api.json<User>('/api/auth/me');
}

/** Revokes the refresh token's family on the server, then forgets the tokens whatever the answer. */
export async function logout(api: ApiClient): Promise<void> {
  const refreshToken = api.refreshToken;
  try {
    if (refreshToken !== null) await api.anonymous('/api/auth/logout', jsonBody('POST', { refresh_token: refreshToken }));
  } finally {
    api.clear(false);
  }
}

export function listUsers(api: ApiClient, page: number, size: number, email?: string): Promise<UserPage> {
  const query = new URLSearchParams({ page: String(page), size: String(size) });
  if (email) query.set('email', email);
  return api.json<UserPage>(`/api/auth/users?${query}`);
}

export function changeRole(api: ApiClient, id: string, role: Role): Promise<User> {
  return api.json<User>(`/api/auth/users/${encodeURIComponent(id)}`, jsonBody('PATCH', { role }));
}

export async function deleteUser(api: ApiClient, id: string): Promise<void> {
  await api.authorized(`/api/auth/users/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
