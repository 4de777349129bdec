import { describe, expect, it } from 'vitest';
import { TRACEPARENT, newTrace, rememberTrace, rememberedTrace, traceIdOf, zipkinBaseUrl, zipkinTraceUrl } from '../src/api/trace';

/** A Storage in memory, as the browser's sessionStorage behaves (node has none). */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() { return items.size; },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}

describe('traceparent (W3C Trace Context)', () => {
  it('is version 00, a 16-byte trace id, an 8-byte parent id, flags 01, lowercase hex', () => {
    const trace = newTrace();
    expect(trace.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(trace.traceparent).toBe(`00-${trace.traceId}-${trace.parentId}-01`);
    expect(traceIdOf(trace.traceparent)).toBe(trace.traceId);
  });

  it('takes its ids from crypto.getRandomValues, fresh for every trace', () => {
    const traces = Array.from({ length: 1000 }, () => newTrace());
    expect(new Set(traces.map((t) => t.traceId)).size).toBe(1000);
    expect(new Set(traces.map((t) => t.parentId)).size).toBe(1000);
    for (const t of traces) expect(t.traceparent).toMatch(TRACEPARENT);
  });

  it('never uses an all-zero id (invalid in W3C Trace Context)', () => {
    let calls = 0;
    const fill = (bytes: Uint8Array) => {
      calls += 1;
      if (calls > 1) bytes.fill(0xab); // the first draw is all zeros: drawn again
      return bytes;
    };
    const trace = newTrace(fill);
    expect(trace.traceId).toBe('ab'.repeat(16));
    expect(trace.parentId).toBe('ab'.repeat(8));
    expect(calls).toBe(3);
  });

  it('reads the trace id only from a traceparent the console would send', () => {
    expect(traceIdOf(null)).toBeNull();
    expect(traceIdOf('00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01')).toBeNull(); // upper case
    expect(traceIdOf('01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toBeNull();
    expect(traceIdOf('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toBe('0af7651916cd43dd8448eb211c80319c');
  });
});

describe('the trace link', () => {
  it('points at Zipkin on the console host, port 9411, by default', () => {
    const base = zipkinBaseUrl({ protocol: 'http:', hostname: 'localhost' });
    expect(base).toBe('http://localhost:9411');
    expect(zipkinTraceUrl('ab'.repeat(16), base)).toBe(`http://localhost:9411/zipkin/traces/${'ab'.repeat(16)}`);
  });

  it('remembers the trace id of each job and report for the tab, newest kept', () => {
    const store = memoryStorage();
    rememberTrace('job', 'j1', 'a'.repeat(32), store);
    rememberTrace('report', 'j1', 'b'.repeat(32), store);
    expect(rememberedTrace('job', 'j1', store)).toBe('a'.repeat(32));
    expect(rememberedTrace('report', 'j1', store)).toBe('b'.repeat(32));
    expect(rememberedTrace('job', 'j2', store)).toBeNull();
    for (let i = 0; i < 150; i++) rememberTrace('job', `n${i}`, 'c'.repeat(32), store);
    expect(rememberedTrace('job', 'j1', store)).toBeNull(); // only the newest 100
    expect(rememberedTrace('job', 'n149', store)).toBe('c'.repeat(32));
    store.setItem('console.traces', 'not json');
    expect(rememberedTrace('job', 'n149', store)).toBeNull();
    expect(rememberedTrace('job', 'n149', null)).toBeNull();
  });
});
