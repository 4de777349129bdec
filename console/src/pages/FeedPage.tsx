import { useEffect, useState } from 'react';
import { type Notification, history } from '../api/notifications';
import { errorsOf } from '../components/forms';
import type { FeedEvent } from '../live/feed';
import { useSession } from '../session';

/** A one-line human summary of an event's payload (the payload itself is one click away). */
export function describe(event: Pick<FeedEvent, 'type' | 'data'>): string {
  const d = event.data;
  const text = (key: string) => (typeof d[key] === 'string' || typeof d[key] === 'number' ? String(d[key]) : '');
  switch (event.type) {
    case 'inference.job.progress': return `job ${text('job_id').slice(0, 8)}: ${text('progress')} %`;
    case 'inference.job.completed': return `job ${text('job_id').slice(0, 8)} completed: ${text('succeeded_items')} of ${text('total_items')} predicted`;
    case 'inference.job.failed': return `job ${text('job_id').slice(0, 8)} failed: ${text('reason')}`;
    case 'report.progress': return `report ${text('report_id').slice(0, 8)}: ${text('progress')} %`;
    case 'report.ready': return `report ${text('report_id').slice(0, 8)} is ready (${text('row_count')} rows)`;
    case 'report.failed': return `report ${text('report_id').slice(0, 8)} failed: ${text('reason')}`;
    case 'notification.broadcast': return `${text('severity')}: ${text('title') ? `${text('title')}: ` : ''}${text('message')}`;
    default: return event.type;
  }
}

function EventList({ events, label }: { events: FeedEvent[]; label: string }) {
  if (events.length === 0) return <p>Nothing yet.</p>;
  return (
    <ol className="feed" aria-label={label}>
      {events.map((e) => (
        <li key={e.id} className={`event event-${e.type.replace(/\./g, '-')}`}>
          <time dateTime={e.time}>{e.time ? new Date(e.time).toLocaleTimeString() : ''}</time>{' '}
          <strong>{e.type}</strong> {describe(e)}
          <details><summary>payload</summary><pre>{JSON.stringify(e.data, null, 2)}</pre></details>
        </li>
      ))}
    </ol>
  );
}

export function FeedPage() {
  const { api, events } = useSession();
  const [past, setPast] = useState<FeedEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    history(api).then(
      (page) => setPast(page.items.map((n: Notification) => ({ id: n.id, type: n.type, topic: n.topic, time: n.time, data: n.data as Record<string, unknown> }))),
      (e) => setError(errorsOf(e).summary),
    );
  }, [api]);

  return (
    <>
      <section aria-label="Live">
        <h2>Live</h2>
        <div aria-live="polite" aria-relevant="additions">
          <EventList events={events} label="Live notifications, newest first" />
        </div>
      </section>
      <section aria-label="History">
        <h2>History</h2>
        {error ? <p role="alert">The history is not available: {error}</p> : past ? <EventList events={past} label="Past notifications" /> : <p>Loading…</p>}
      </section>
    </>
  );
}
