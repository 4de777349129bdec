import type { notification } from '@contracts';
import { type PlatformApi, unwrap } from './client';

type Schemas = notification.components['schemas'];
export type WebSocketTicket = Schemas['WebSocketTicket'];
export type BroadcastRequest = Schemas['BroadcastRequest'];
export type Broadcast = Schemas['Broadcast'];
export type Notification = Schemas['Notification'];
export type NotificationPage = Schemas['NotificationPage'];
export type Severity = Schemas['Severity'];

export async function createTicket(api: PlatformApi): Promise<WebSocketTicket> {
  return unwrap(await api.notification.POST('/api/notifications/ticket'));
}

export async function broadcast(api: PlatformApi, request: BroadcastRequest): Promise<Broadcast> {
  return unwrap(await api.notification.POST('/api/notifications/broadcast', { body: request }));
}

export async function history(api: PlatformApi, page = 0, size = 50): Promise<NotificationPage> {
  return unwrap(await api.notification.GET('/api/notifications', { params: { query: { page, size } } }));
}

/** The SSE stream (fallback of the WebSocket), read with fetch so that the Bearer header goes along. */
export async function openStream(api: PlatformApi, lastEventId: string | null,
                                 signal: AbortSignal): Promise<NonNullable<Response['body']>> {
  const stream = unwrap(await api.notification.GET('/api/notifications/stream', {
    params: { header: lastEventId ? { 'Last-Event-ID': lastEventId } : {} },
    headers: { Accept: 'text/event-stream' },
    parseAs: 'stream',
    signal,
  }));
  if (!stream) throw new Error('the stream has no body');
  return stream;
}
