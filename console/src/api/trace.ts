/**
 * W3C Trace Context for the console's requests (issue 18): each request the console sends starts a trace, as a
 * browser OpenTelemetry SDK would, by sending its own `traceparent` (version 00, a random 16-byte trace id, a random
 * 8-byte parent id, flags 01 = sampled, lowercase hex). The gateway's server span continues it, so the whole trace
 * (gateway, services, both Redis Streams hops) carries the trace id the console chose, and the console can link to it.
 *
 * Why not the OpenTelemetry JS SDK: the browser exports no span here (Zipkin's intake is not behind the gateway, and
 * the console's CSP allows `connect-src 'self'` only), so all the SDK would do is make these two random ids, for
 * some hundred kilobytes of bundle. The trace's first recorded span is then the gateway's: Zipkin shows it as the
 * root, its parent (this id) never reported.
 */

export interface TraceContext {
  /** 32 lowercase hex digits: what Zipkin's trace page is named by. */
  traceId: string;
  /** 16 lowercase hex digits: the (unreported) span of the console that the gateway's span is a child of. */
  parentId: string;
  /** The `traceparent` header value: `00-<traceId>-<parentId>-01`. */
  traceparent: string;
}

/** A traceparent the console sends: version 00, sampled. */
export const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

type RandomFill = (bytes: Uint8Array) => Uint8Array;

const defaultFill: RandomFill = (bytes) => crypto.getRandomValues(bytes);

/** `size` random bytes as lowercase hex, never all zeros (W3C Trace Context: an all-zero id is invalid). */
function randomHex(size: number, fill: RandomFill): string {
  for (;;) {
    const bytes = fill(new Uint8Array(size));
    if (bytes.some((b) => b !== 0)) return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }
}

/** A new trace: fresh random ids from crypto.getRandomValues (`fill` is for tests). */
export function newTrace(fill: RandomFill = defaultFill): TraceContext {
  const traceId = randomHex(16, fill);
  const parentId = randomHex(8, fill);
  return { traceId, parentId, traceparent: `00-${traceId}-${parentId}-01` };
}

/** The trace id of a traceparent the console sent, or null when it is not one. */
export function traceIdOf(traceparent: string | null | undefined): string | null {
  return traceparent ? (TRACEPARENT.exec(traceparent)?.[1] ?? null) : null;
}

/**
 * Where the trace UI is: Zipkin, by default on the console's own host at port 9411 (what `./platform up` and
 * compose start; compose publishes it on 127.0.0.1 only, so the link works from the machine the platform runs on).
 * `VITE_ZIPKIN_URL` at build time overrides it (say `https://zipkin.example.com`, without `/zipkin`).
 */
export function zipkinBaseUrl(location: { protocol: string; hostname: string } = window.location): string {
  const configured = (import.meta.env.VITE_ZIPKIN_URL as string | undefined)?.trim();
  if (configured) return configured.replace(/\/+$/, '');
  return `${location.protocol}//${location.hostname}:9411`;
}

/** Zipkin's page of one trace. */
export function zipkinTraceUrl(traceId: string, base: string = zipkinBaseUrl()): string {
  return `${base}/zipkin/traces/${traceId}`;
}

/**
 * The trace ids of the requests that created this tab's jobs and reports, by kind and id: in sessionStorage (the
 * tab's, gone when it closes), not the API. Kept to the newest LIMIT; a storage that refuses is just not used.
 */
export type TracedKind = 'job' | 'report';
const STORAGE_KEY = 'console.traces';
const LIMIT = 100;

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

function readAll(store: Storage): [string, string][] {
  try {
    const parsed: unknown = JSON.parse(store.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed)
      ? parsed.filter((e): e is [string, string] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string')
      : [];
  } catch {
    return [];
  }
}

export function rememberTrace(kind: TracedKind, id: string, traceId: string, store: Storage | null = storage()): void {
  if (!store) return;
  const key = `${kind}:${id}`;
  const entries = [...readAll(store).filter(([k]) => k !== key), [key, traceId] as [string, string]].slice(-LIMIT);
  try {
    store.setItem(STORAGE_KEY, JSON.stringify(entries));
  } catch {
    // Full or refused: the link is a convenience, the job or report is unaffected.
  }
}

export function rememberedTrace(kind: TracedKind, id: string, store: Storage | null = storage()): string | null {
  if (!store) return null;
  return readAll(store).find(([k]) => k === `${kind}:${id}`)?.[1] ?? null;
}
