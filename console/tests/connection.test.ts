import { describe, expect, it } from 'vitest';
import { PlatformApi } from '../src/api/client';
import { type LiveState, LiveFeed, webSocketUrl } from '../src/live/connection';
import type { FeedEvent } from '../src/live/feed';

/** Stands in for the browser's WebSocket: the test plays the server's side. */
class FakeSocket {
  sent: unknown[] = [];
  onmessage: ((m: { data: string }) => void) | null = null;
  onclose: ((c: { code: number }) => void) | null = null;
  constructor(readonly url: string) {}
  send(text: string) { this.sent.push(JSON.parse(text)); }
  close() {}
  serverSends(frame: object) { this.onmessage?.({ data: JSON.stringify(frame) }); }
  serverCloses(code: number) { this.onclose?.({ code }); }
}

const eventFrame = (id: string, progress: number) => ({
  type: 'event', id, topic: 'user:u1', event_type: 'inference.job.progress', source: '/inference-bridge',
  time: '2026-11-24T17:41:00Z', dataschema: 'x', data: { job_id: 'j1', user_id: 'u1', progress, processed_items: 1, total_items: 2 },
});
const hello = { type: 'hello', connection_id: 'c', user_id: 'u1', role: 'user', topics: ['user:u1', 'broadcast'], heartbeat_interval_ms: 25000, max_message_bytes: 65536, server_time: 'now' };

function harness(ticketStatus = 200) {
  let tickets = 0;
  const sseRequests: (string | null)[] = [];
  const fetch = async (request: Request) => {
    const path = new URL(request.url).pathname;
    if (path === '/api/notifications/ticket') {
      tickets++;
      if (ticketStatus !== 200) return new Response('{}', { status: ticketStatus });
      return new Response(JSON.stringify({ ticket: `t${tickets}`, expires_at: 'x', ws_url: `/ws/notifications?ticket=t${tickets}` }), { status: 200 });
    }
    if (path === '/api/notifications/stream') {
      sseRequests.push(request.headers.get('Last-Event-ID'));
      const body = `id: e3\ndata: ${JSON.stringify({ id: 'e3', type: 'report.ready', topic: 'user:u1', time: 't', data: { report_id: 'r1' } })}\n\n`;
      return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
    }
    return new Response('{}', { status: 404 });
  };
  const api = new PlatformApi({ baseUrl: 'http://console.example', fetch });
  api.setTokens({ access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_in: 900 });
  const sockets: FakeSocket[] = [];
  const timers: { callback: () => void; ms: number }[] = [];
  const events: FeedEvent[] = [];
  const states: LiveState[] = [];
  const feed = new LiveFeed({
    api,
    location: { href: 'https://console.example/jobs' },
    onEvent: (e) => events.push(e),
    onState: (s) => states.push(s),
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket as unknown as WebSocket;
    },
    setTimer: (callback, ms) => timers.push({ callback, ms }),
    clearTimer: () => {},
  });
  const settle = () => new Promise((r) => setTimeout(r, 5));
  const fireTimer = async () => {
    const timer = timers.shift();
    if (!timer) throw new Error('no reconnect scheduled');
    timer.callback();
    await settle();
  };
  return { feed, sockets, timers, events, states, sseRequests, settle, fireTimer, tickets: () => tickets };
}

describe('LiveFeed', () => {
  it('opens the ticket\'s ws_url on the page\'s origin', () => {
    expect(webSocketUrl('/ws/notifications?ticket=abc', 'https://h.example:8443/x')).toBe('wss://h.example:8443/ws/notifications?ticket=abc');
    expect(webSocketUrl('/ws/notifications?ticket=abc', 'http://localhost:8080/')).toBe('ws://localhost:8080/ws/notifications?ticket=abc');
  });

  it('acks every event, answers pings, and drops the repeats the server replays after a reconnect', async () => {
    const h = harness();
    h.feed.start();
    await h.settle();
    const first = h.sockets[0]!;
    expect(first.url).toBe('wss://console.example/ws/notifications?ticket=t1');
    first.serverSends(hello);
    first.serverSends(eventFrame('e1', 10));
    first.serverSends({ type: 'ping', nonce: '42' });
    first.serverCloses(1006);
    expect(h.states.at(-1)).toMatchObject({ kind: 'waiting' });
    await h.fireTimer();
    const second = h.sockets[1]!;
    expect(second.url).toContain('ticket=t2'); // a fresh ticket: tickets are single use
    second.serverSends(hello);
    second.serverSends(eventFrame('e1', 10)); // not acked in time on the first socket: sent again
    second.serverSends(eventFrame('e2', 60));
    expect(h.events.map((e) => e.id)).toEqual(['e1', 'e2']);
    expect(first.sent).toEqual([{ type: 'ack', id: 'e1' }, { type: 'pong', nonce: '42' }]);
    expect(second.sent).toEqual([{ type: 'ack', id: 'e1' }, { type: 'ack', id: 'e2' }]);
    expect(h.states.at(-1)).toEqual({ kind: 'live', via: 'websocket' });
  });

  it('stops for good on a final close code', async () => {
    const h = harness();
    h.feed.start();
    await h.settle();
    h.sockets[0]!.serverCloses(4403);
    expect(h.states.at(-1)).toEqual({ kind: 'stopped', reason: 'a topic was forbidden' });
    expect(h.timers).toHaveLength(0);
  });

  it('falls back to SSE from the last event id when WebSockets never get through', async () => {
    const h = harness();
    h.feed.start();
    await h.settle();
    h.sockets[0]!.serverSends(hello);
    h.sockets[0]!.serverSends(eventFrame('e2', 60));
    h.sockets[0]!.serverCloses(1006);
    for (let attempt = 0; attempt < 3; attempt++) {
      await h.fireTimer();
      h.sockets.at(-1)!.serverCloses(1006); // e.g. a proxy that refuses the upgrade
    }
    expect(h.feed.transport).toBe('sse');
    await h.fireTimer();
    await h.settle();
    expect(h.sseRequests).toEqual(['e2']);
    expect(h.events.map((e) => e.id)).toEqual(['e2', 'e3']);
    expect(h.states).toContainEqual({ kind: 'live', via: 'sse' });
  });

  it('retries with backoff when no ticket can be had', async () => {
    const h = harness(503);
    h.feed.start();
    await h.settle();
    expect(h.sockets).toHaveLength(0);
    expect(h.states.at(-1)).toMatchObject({ kind: 'waiting' });
    await h.fireTimer();
    expect(h.tickets()).toBe(2);
  });
});
