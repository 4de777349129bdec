import type { notification } from '@contracts';
import { type ApiClient, jsonBody } from './client';

type Schemas = notification.components['schemas'];
export type WebSocketTicket = Schemas['WebSocketTicket'];
export type BroadcastRequest = Schemas['BroadcastRequest'];
export type Broadcast = Schemas['Broadcast'];
export type Notification = Schemas['Notification'];
export type NotificationPage = Schemas['NotificationPage'];
export type Severity = Schemas['Severity'];

export function createTicket(api: ApiClient): Promise<WebSocketTicket> {
  return api.json<WebSocketTicket>('/api/notifications/ticket', { method: 'POST' });
}

export function broadcast(api: ApiClient, request: BroadcastRequest): Promise<Broadcast> {
  return api.json<Broadcast>('/api/notifications/broadcast', jsonBody('POST', request));
}

export function history(api: ApiClient, page = 0, size = 50): Promise<NotificationPage> {
  return api.json<NotificationPage>(`/api/notifications?page=${page}&size=${size}`);
}

/** The SSE stream (fallback of the WebSocket), read with fetch so that the Bearer header goes along. */
export function openStream(api: ApiClient, lastEventId: string | null, signal: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'text/event-stream' };
  if (lastEventId) headers['Last-Event-ID'] = lastEventId;
  return api.authorized('/api/notifications/stream', { headers, signal });
}
