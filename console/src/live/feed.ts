import type { EventPayloads, EventType } from '@contracts';

/** One event of the live feed, whichever way it came (WebSocket `event` frame or SSE). */
export interface FeedEvent {
  id: string;
  type: string;
  topic: string;
  time: string;
  data: Record<string, unknown>;
}

/** The payload of a known event type, typed from the generated event schemas. */
export function payloadOf<T extends EventType>(event: FeedEvent, type: T): EventPayloads[T] | null {
  return event.type === type ? (event.data as unknown as EventPayloads[T]) : null;
}

/**
 * What a reconnecting feed must remember: which event ids it already has (delivery is at least once,
 * so a replay after a reconnect repeats events) and the last id, which the SSE stream resumes from.
 * Bounded: only the newest `capacity` ids are kept, enough for the five minutes the server replays.
 */
export class FeedBookkeeping {
  private readonly seen = new Set<string>();
  private readonly order: string[] = [];
  lastEventId: string | null = null;

  constructor(private readonly capacity = 2000) {}

  /** True when the event is new (show it); false for a repeat (ack it again, show nothing). */
  accept(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    this.order.push(id);
    if (this.order.length > this.capacity) {
      const oldest = this.order.shift();
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    this.lastEventId = id;
    return true;
  }

  has(id: string): boolean {
    return this.seen.has(id);
  }
}

/** The close codes of contracts/asyncapi (channel notifications, x-close-codes) after which reconnecting cannot help. */
const FINAL_CLOSE_CODES = new Set([1000, 1008, 4400, 4403]);

export type ReconnectDecision = { reconnect: false; reason: string } | { reconnect: true; delayMs: number };

/**
 * When to reconnect after the socket closed: never after a final code; 1 to 5 s after 1001 (server
 * going away, so that clients do not all come back at once); otherwise exponential backoff from 1 s to
 * 30 s with full jitter. `attempt` counts failed attempts since the last good connection (0 = first).
 */
export function reconnectDecision(code: number, attempt: number, random: () => number = Math.random): ReconnectDecision {
  if (FINAL_CLOSE_CODES.has(code)) {
    return { reconnect: false, reason: closeReason(code) };
  }
  if (code === 1001) return { reconnect: true, delayMs: Math.round(1000 + random() * 4000) };
  const ceiling = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 10));
  return { reconnect: true, delayMs: Math.round(Math.max(250, random() * ceiling)) };
}

export function closeReason(code: number): string {
  switch (code) {
    case 1000: return 'closed';
    case 1001: return 'the server is restarting';
    case 1008: return 'this page’s origin is not allowed to connect';
    case 1009: return 'a message was too big';
    case 4400: return 'protocol error';
    case 4401: return 'the ticket was refused';
    case 4403: return 'a topic was forbidden';
    case 4408: return 'heartbeat timeout';
    case 4429: return 'too slow to read events';
    default: return `connection lost (${code})`;
  }
}

/** After this many WebSocket attempts in a row that never reached `hello`, the feed falls back to SSE. */
export const WEBSOCKET_ATTEMPTS_BEFORE_SSE = 3;

/** Server frames of the WebSocket protocol (contracts/asyncapi/platform.asyncapi.yaml, channel notifications). */
export type ServerFrame =
  | { type: 'hello'; connection_id: string; user_id: string; role: string; topics: string[]; heartbeat_interval_ms: number }
  | { type: 'event'; id: string; topic: string; event_type: string; source: string; time: string; data: Record<string, unknown> }
  | { type: 'ping'; nonce: string }
  | { type: 'pong'; nonce: string }
  | { type: 'subscribed' | 'unsubscribed'; request_id: string; topics: string[] }
  | { type: 'error'; code: string; message: string; close_code?: number };

export function parseServerFrame(text: string): ServerFrame | null {
  try {
    const frame = JSON.parse(text) as unknown;
    if (typeof frame === 'object' && frame !== null && typeof (frame as { type?: unknown }).type === 'string') {
      return frame as ServerFrame;
    }
  } catch {
    // not JSON: ignored, the server never sends such a frame
  }
  return null;
}

export function feedEventOfFrame(frame: Extract<ServerFrame, { type: 'event' }>): FeedEvent {
  return { id: frame.id, type: frame.event_type, topic: frame.topic, time: frame.time, data: frame.data };
}

/** An SSE message's data is the Notification object of the notification contract. */
export function feedEventOfSse(data: string): FeedEvent | null {
  try {
    const n = JSON.parse(data) as Partial<FeedEvent>;
    if (typeof n.id !== 'string' || typeof n.type !== 'string') return null;
    return { id: n.id, type: n.type, topic: n.topic ?? '', time: n.time ?? '', data: (n.data ?? {}) as Record<string, unknown> };
  } catch {
    return null;
  }
}
