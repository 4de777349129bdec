import { CloseCode } from '@contracts';
import type { PlatformApi } from '../api/client';
import { createTicket, openStream } from '../api/notifications';
import {
  ABNORMAL_CLOSURE,
  type ClientFrame,
  type FeedEvent,
  FeedBookkeeping,
  WEBSOCKET_ATTEMPTS_BEFORE_SSE,
  closeReason,
  feedEventOfFrame,
  feedEventOfSse,
  parseServerFrame,
  reconnectDecision,
} from './feed';
import { SseParser } from './sse';

export type LiveState =
  | { kind: 'connecting' }
  | { kind: 'live'; via: 'websocket' | 'sse' }
  | { kind: 'waiting'; retryInMs: number; reason: string }
  | { kind: 'stopped'; reason: string };

export interface LiveFeedOptions {
  api: PlatformApi;
  onEvent: (event: FeedEvent) => void;
  onState: (state: LiveState) => void;
  /** The page's location, to turn the ticket's ws_url path into a ws: or wss: URL. */
  location?: { href: string };
  createSocket?: (url: string) => WebSocket;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/** ws: or wss: URL of a ticket's `ws_url` (a path with the ticket) on the page's own origin. */
export function webSocketUrl(wsUrl: string, pageHref: string): string {
  const url = new URL(wsUrl, pageHref);
  url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
  return url.toString();
}

/**
 * The live notification feed: a WebSocket opened with a fresh ticket, reconnected with backoff (the
 * server resends unacknowledged events; repeats are acked and dropped here), and, when WebSockets do not
 * get through (a proxy, a policy), Server-Sent Events read with fetch from the last event id.
 */
export class LiveFeed {
  readonly bookkeeping = new FeedBookkeeping();
  private socket: WebSocket | null = null;
  private sseAbort: AbortController | null = null;
  private timer: unknown = null;
  private failedAttempts = 0;
  private socketFailuresWithoutHello = 0;
  private stopped = false;
  private readonly setTimer: (callback: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;

  constructor(private readonly options: LiveFeedOptions) {
    this.setTimer = options.setTimer ?? ((cb, ms) => setTimeout(cb, ms));
    this.clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  }

  get transport(): 'websocket' | 'sse' {
    return this.socketFailuresWithoutHello >= WEBSOCKET_ATTEMPTS_BEFORE_SSE ? 'sse' : 'websocket';
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.socket?.close(1000);
    this.socket = null;
    this.sseAbort?.abort();
    this.sseAbort = null;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.options.onState({ kind: 'connecting' });
    if (this.transport === 'sse') {
      await this.readSse();
      return;
    }
    let ticket;
    try {
      ticket = await createTicket(this.options.api);
    } catch (error) {
      this.retry(CloseCode.INTERNAL_SERVER_ERROR, error instanceof Error ? error.message : String(error));
      return;
    }
    if (this.stopped) return;
    const href = this.options.location?.href ?? globalThis.location.href;
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url));
    const socket = create(webSocketUrl(ticket.ws_url, href));
    this.socket = socket;
    let greeted = false;
    const send = (frame: ClientFrame) => socket.send(JSON.stringify(frame));
    socket.onmessage = (message) => {
      const frame = parseServerFrame(String(message.data));
      if (!frame) return;
      if (frame.type === 'hello') {
        greeted = true;
        this.failedAttempts = 0;
        this.socketFailuresWithoutHello = 0;
        this.options.onState({ kind: 'live', via: 'websocket' });
      } else if (frame.type === 'ping') {
        send({ type: 'pong', nonce: frame.nonce });
      } else if (frame.type === 'event') {
        send({ type: 'ack', id: frame.id });
        if (this.bookkeeping.accept(frame.id)) this.options.onEvent(feedEventOfFrame(frame));
      }
    };
    socket.onclose = (close) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (!greeted) this.socketFailuresWithoutHello++;
      this.retry(close.code, closeReason(close.code));
    };
  }

  private async readSse(): Promise<void> {
    const abort = new AbortController();
    this.sseAbort = abort;
    try {
      const stream = await openStream(this.options.api, this.bookkeeping.lastEventId, abort.signal);
      this.failedAttempts = 0;
      this.options.onState({ kind: 'live', via: 'sse' });
      const parser = new SseParser();
      const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const message of parser.push(value)) {
          const event = feedEventOfSse(message.data);
          if (event && this.bookkeeping.accept(event.id)) this.options.onEvent(event);
        }
      }
      if (!this.stopped) this.retry(ABNORMAL_CLOSURE, 'the stream ended');
    } catch (error) {
      if (!this.stopped) this.retry(CloseCode.INTERNAL_SERVER_ERROR, error instanceof Error ? error.message : String(error));
    }
  }

  private retry(code: number, reason: string): void {
    if (this.stopped) return;
    if (!this.options.api.signedIn) {
      this.options.onState({ kind: 'stopped', reason: 'signed out' });
      return;
    }
    const decision = reconnectDecision(code, this.failedAttempts);
    if (!decision.reconnect) {
      this.options.onState({ kind: 'stopped', reason: decision.reason });
      return;
    }
    this.failedAttempts++;
    this.options.onState({ kind: 'waiting', retryInMs: decision.delayMs, reason });
    this.timer = this.setTimer(() => {
      this.timer = null;
      void this.connect();
    }, decision.delayMs);
  }
}
