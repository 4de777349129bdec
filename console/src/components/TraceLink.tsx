import { type TracedKind, rememberedTrace, zipkinTraceUrl } from '../api/trace';
import { useSession } from '../session';

/**
 * For an admin: a link to the trace of the request that created this job or report (its trace id was remembered
 * in this tab's sessionStorage when it was sent), in Zipkin's UI, which has no sign-in of its own and is meant for
 * operators. Nothing for anyone else, nor for a job or report this tab did not create.
 */
export function TraceLink({ kind, id }: { kind: TracedKind; id: string }) {
  const { user } = useSession();
  if (user?.role !== 'admin') return null;
  const traceId = rememberedTrace(kind, id);
  if (!traceId) return null;
  return (
    <p className="hint">
      The <a href={zipkinTraceUrl(traceId)} target="_blank" rel="noopener noreferrer" data-trace-id={traceId}>trace</a>{' '}
      of this {kind} in Zipkin (a new tab).
    </p>
  );
}
