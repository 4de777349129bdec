import { CloseCode, type EventType, type websocket } from '@contracts';

/** One event of the live feed, whichever way it came (WebSocket `event` frame or SSE). */
export interface FeedEvent {
  id: string;
  type: string;
  topic: string;
  time: string;
  data: Record<string, unknown>;
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

/**
 * What a socket can close with: the contract's close codes, and those the browser reports itself (1006: the
 * connection dropped without a close frame, which no server sends).
 */
export const ABNORMAL_CLOSURE = 1006;

/** The close codes of contracts/asyncapi (channel notifications, x-close-codes) after which reconnecting cannot help. */
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.NORMAL_CLOSURE, CloseCode.HANDSHAKE_ORIGIN_NOT_ALLOWED, CloseCode.PROTOCOL_ERROR, CloseCode.FORBIDDEN_TOPIC,
  CloseCode.ACCOUNT_DELETED,
]);

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
  if (code === CloseCode.SERVER_GOING_AWAY) return { reconnect: true, delayMs: Math.round(1000 + random() * 4000) };
  const ceiling = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 10));
  return { reconnect: true, delayMs: Math.round(Math.max(250, random() * ceiling)) };
}

export function closeReason(code: number): string {
  switch (code) {
    case CloseCode.NORMAL_CLOSURE: return 'closed';
    case CloseCode.SERVER_GOING_AWAY: return 'the server is restarting';
    case CloseCode.HANDSHAKE_ORIGIN_NOT_ALLOWED: return 'this page’s origin is not allowed to connect';
    case CloseCode.MESSAGE_TOO_BIG: return 'a message was too big';
    case CloseCode.PROTOCOL_ERROR: return 'protocol error';
    case CloseCode.BAD_TICKET: return 'the ticket was refused';
    case CloseCode.FORBIDDEN_TOPIC: return 'a topic was forbidden';
    case CloseCode.HEARTBEAT_TIMEOUT: return 'heartbeat timeout';
    case CloseCode.SLOW_CONSUMER: return 'too slow to read events';
    case CloseCode.ACCOUNT_DELETED: return 'this account was deleted';
    default: return `connection lost (${code})`;
  }
}

/** After this many WebSocket attempts in a row that never reached `hello`, the feed falls back to SSE. */
export const WEBSOCKET_ATTEMPTS_BEFORE_SSE = 3;

/** The frames a server sends (contracts/websocket/schemas, generated into contracts/types/typescript). */
export type ServerFrame = websocket.Frames[
  'hello' | 'event' | 'ping' | 'pong' | 'subscribed' | 'unsubscribed' | 'error'];

/** The frames the console sends. */
export type ClientFrame = websocket.Frames['ack' | 'pong'];

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

export function feedEventOfFrame(frame: websocket.EventFrame): FeedEvent {
  // `data` is an open object in the schema (valid against the event's dataschema), `{}` in the generated type.
  return { id: frame.id, type: frame.event_type, topic: frame.topic, time: frame.time, data: frame.data as Record<string, unknown> };
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

/** Where a job or a report stands according to the feed: its events carry its id under `idKey`. */
export interface TaskEvents {
  idKey: 'job_id' | 'report_id';
  progress: EventType;
  done: EventType;
  failed: EventType;
}

export const JOB_EVENTS: TaskEvents = {
  idKey: 'job_id', progress: 'inference.job.progress', done: 'inference.job.completed', failed: 'inference.job.failed',
};
export const REPORT_EVENTS: TaskEvents = {
  idKey: 'report_id', progress: 'report.progress', done: 'report.ready', failed: 'report.failed',
};

export interface TaskProgress {
  progress: number;
  outcome: 'done' | 'failed' | null;
  reason?: string;
  stage?: string;
}

/**
 * The state of one job or report from the feed, or null before its first event. The outcome wins over
 * progress, and progress never goes back, whatever order a reconnect delivered the events in.
 */
export function taskProgress(events: readonly FeedEvent[], id: string, kinds: TaskEvents): TaskProgress | null {
  const own = events.filter((event) => event.data[kinds.idKey] === id);
  if (own.length === 0) return null;
  const progressed = own.filter((event) => event.type === kinds.progress);
  const furthest = progressed.reduce<FeedEvent | null>(
    (best, event) => (best === null || progressOf(event) >= progressOf(best) ? event : best), null);
  const stage = furthest && typeof furthest.data.stage === 'string' ? { stage: furthest.data.stage } : {};
  const progress = furthest ? progressOf(furthest) : 0;
  if (own.some((event) => event.type === kinds.done)) return { progress: 100, outcome: 'done' };
  const failed = own.find((event) => event.type === kinds.failed);
  if (failed) return { progress, outcome: 'failed', reason: String(failed.data.reason ?? 'no reason given') };
  return { progress, outcome: null, ...stage };
}

function progressOf(event: FeedEvent): number {
  return typeof event.data.progress === 'number' ? event.data.progress : 0;
}
