import { describe, expect, it } from 'vitest';
import type { websocket } from '@contracts';
import {
  type FeedEvent, FeedBookkeeping, JOB_EVENTS, REPORT_EVENTS, feedEventOfFrame, feedEventOfSse, parseServerFrame,
  reconnectDecision, taskProgress,
} from '../src/live/feed';
import { SseParser } from '../src/live/sse';

describe('replay bookkeeping', () => {
  it('accepts an event once and remembers the last id', () => {
    const book = new FeedBookkeeping();
    expect(book.accept('a')).toBe(true);
    expect(book.accept('b')).toBe(true);
    expect(book.accept('a')).toBe(false); // replayed after a reconnect: ack again, show nothing
    expect(book.lastEventId).toBe('b');
  });

  it('forgets the oldest ids beyond its capacity, so memory stays bounded', () => {
    const book = new FeedBookkeeping(3);
    for (const id of ['1', '2', '3', '4']) book.accept(id);
    expect(book.has('1')).toBe(false);
    expect(['2', '3', '4'].every((id) => book.has(id))).toBe(true);
    expect(book.accept('1')).toBe(true);
  });
});

describe('reconnect decisions (close codes of the AsyncAPI channel)', () => {
  it.each([1000, 1008, 4400, 4403, 4410])('does not reconnect after %i', (code) => {
    expect(reconnectDecision(code, 0).reconnect).toBe(false);
  });

  it('comes back 1 to 5 s after the server went away (1001)', () => {
    expect(reconnectDecision(1001, 0, () => 0)).toEqual({ reconnect: true, delayMs: 1000 });
    expect(reconnectDecision(1001, 7, () => 1)).toEqual({ reconnect: true, delayMs: 5000 });
  });

  it('backs off exponentially with jitter up to 30 s for lost connections and refused tickets', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 20].map((attempt) => reconnectDecision(1006, attempt, () => 1));
    expect(ceilings.map((d) => (d.reconnect ? d.delayMs : -1))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(reconnectDecision(4401, 3, () => 0.5)).toEqual({ reconnect: true, delayMs: 4000 });
    expect(reconnectDecision(4408, 0, () => 0)).toEqual({ reconnect: true, delayMs: 250 });
  });
});

describe('frames and events', () => {
  const frame: websocket.EventFrame = {
    type: 'event', id: '4f7d6c5b-3a29-4e18-9d07-c6b5a4938271', topic: 'user:3f2c', event_type: 'inference.job.progress',
    source: '/inference-bridge', time: '2026-11-24T17:41:00Z', dataschema: 'https://polyglot.dev/schemas/events/inference.job.progress.json',
    data: { job_id: 'j1', user_id: 'u1', progress: 50, processed_items: 5, total_items: 10 },
  };

  it('reads server frames and ignores what is not a frame', () => {
    expect(parseServerFrame(JSON.stringify(frame))?.type).toBe('event');
    expect(parseServerFrame('not json')).toBeNull();
    expect(parseServerFrame('{"no":"type"}')).toBeNull();
  });

  it('turns a WebSocket event frame and an SSE notification into the same feed event', () => {
    const fromWs = feedEventOfFrame(frame);
    const fromSse = feedEventOfSse(JSON.stringify({ id: frame.id, type: frame.event_type, source: frame.source, topic: frame.topic, time: frame.time, data: frame.data }));
    expect(fromSse).toEqual(fromWs);
    expect(feedEventOfSse('{"id":1}')).toBeNull();
  });
});

describe('SSE parsing', () => {
  it('parses messages split across arbitrary chunks, with ids, comments and CRLF', () => {
    const parser = new SseParser();
    const stream = ': heartbeat\r\nid: 1\r\nevent: report.ready\r\ndata: {"a":\r\ndata: 1}\r\n\r\nid: 2\ndata: two\n\n';
    const messages = [];
    for (let i = 0; i < stream.length; i += 3) messages.push(...parser.push(stream.slice(i, i + 3)));
    expect(messages).toEqual([
      { id: '1', event: 'report.ready', data: '{"a":\n1}' },
      { id: '2', event: 'message', data: 'two' },
    ]);
  });

  it('keeps the last id for messages without one, and ignores events with no data', () => {
    const parser = new SseParser();
    expect(parser.push('id: 7\n\nevent: x\n\ndata: d\n\n')).toEqual([{ id: '7', event: 'message', data: 'd' }]);
  });
});

describe('a job or report as the feed tells it', () => {
  let n = 0;
  const event = (type: string, data: Record<string, unknown>): FeedEvent => ({ id: `e${++n}`, type, topic: 'user:u1', time: 't', data });
  const newestFirst = (...events: FeedEvent[]) => events.reverse();

  it('knows nothing before the first event of that id', () => {
    expect(taskProgress([event('inference.job.progress', { job_id: 'other', progress: 50 })], 'j1', JOB_EVENTS)).toBeNull();
  });

  it('follows progress, and never goes back when a reconnect delivers an older event late', () => {
    const events = newestFirst(
      event('report.progress', { report_id: 'r1', progress: 40, stage: 'aggregating' }),
      event('report.progress', { report_id: 'r1', progress: 10, stage: 'loading' }),
    );
    expect(taskProgress(events, 'r1', REPORT_EVENTS)).toEqual({ progress: 40, outcome: null, stage: 'aggregating' });
  });

  it('lets the outcome win over any progress', () => {
    const done = newestFirst(
      event('inference.job.progress', { job_id: 'j1', progress: 30 }),
      event('inference.job.completed', { job_id: 'j1', total_items: 3 }),
      event('inference.job.progress', { job_id: 'j1', progress: 60 }),
    );
    expect(taskProgress(done, 'j1', JOB_EVENTS)).toEqual({ progress: 100, outcome: 'done' });
    const failed = newestFirst(
      event('report.progress', { report_id: 'r2', progress: 70 }),
      event('report.failed', { report_id: 'r2', code: 'no_data', reason: 'nothing in that period' }),
    );
    expect(taskProgress(failed, 'r2', REPORT_EVENTS)).toEqual({ progress: 70, outcome: 'failed', reason: 'nothing in that period' });
  });
});
