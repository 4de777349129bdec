import type { auth } from '@contracts';
import { type PlatformApi, unwrap } from './client';

type Schemas = auth.components['schemas'];
export type User = Schemas['User'];
export type Role = Schemas['Role'];
export type UserPage = Schemas['UserPage'];
export type RegisterRequest = Omit<Schemas['CreateUserRequest'], 'role'>;

export const ROLES: readonly Role[] = ['admin', 'user', 'viewer'];

export async function register(api: PlatformApi, request: RegisterRequest): Promise<User> {
  // The console registers users only: `role` has a default in the contract, which the generated type makes required.
  return unwrap(await api.auth.POST('/api/auth/register', { body: { ...request, role: 'user' } }));
}

export async function login(api: PlatformApi, email: string, password: string): Promise<User> {
  api.setTokens(unwrap(await api.auth.POST('/api/auth/login', { body: { email, password } })));
  return me(api);
}

export async function me(api: PlatformApi): Promise<User> {
  return unwrap(await api.auth.GET('/api/auth/me'));
}

/** Revokes the refresh token's family on the server, then forgets the tokens whatever the answer. */
export async function logout(api: PlatformApi): Promise<void> {
  const refreshToken = api.refreshToken;
  try {
    if (refreshToken !== null) unwrap(await api.auth.POST('/api/auth/logout', { body: { refresh_token: refreshToken } }));
  } finally {
    api.clear(false);
  }
}

export async function listUsers(api: PlatformApi, page: number, size: number, email?: string): Promise<UserPage> {
  return unwrap(await api.auth.GET('/api/auth/users', { params: { query: { page, size, ...(email ? { email } : {}) } } }));
}

export async function changeRole(api: PlatformApi, id: string, role: Role): Promise<User> {
  return unwrap(await api.auth.PATCH('/api/auth/users/{id}', { params: { path: { id } }, body: { role } }));
}

export async function deleteUser(api: PlatformApi, id: string): Promise<void> {
  unwrap(await api.auth.DELETE('/api/auth/users/{id}', { params: { path: { id } } }));
}
