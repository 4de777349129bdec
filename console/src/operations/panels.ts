import type { Unit } from './series';

/** One chart of the Operations page: a PromQL expression and how its lines are named and read. */
export interface Panel {
  id: string;
  title: string;
  /** What the chart shows, in a sentence (under the title, and in the chart's text alternative). */
  description: string;
  query: string;
  /** The line names, as the Grafana dashboard's legendFormat writes them (`{{routeId}}`). */
  legend: string;
  unit: Unit;
}

export interface PanelGroup {
  title: string;
  panels: Panel[];
}

/**
 * The same series as the Grafana dashboard (observability/grafana/dashboards/platform-overview.json), mostly the
 * recording rules of observability/prometheus/rules/platform.rules.yml, so the console and Grafana agree.
 */
export const PANEL_GROUPS: PanelGroup[] = [
  {
    title: 'Gateway routes',
    panels: [
      { id: 'requests', title: 'Requests per second', description: 'Requests the gateway routed, per route (5-minute rate).',
        query: 'route:gateway_requests:rate5m', legend: '{{routeId}}', unit: 'per-second' },
      { id: 'latency', title: 'Latency at the edge, p95', description: 'One request in twenty took longer than this, per route (5 minutes).',
        query: 'route:gateway_latency_seconds:p95_5m', legend: '{{routeId}}', unit: 'seconds' },
      { id: 'errors', title: '5xx ratio', description: 'Share of requests answered with a 5xx, per route (5 minutes).',
        query: 'route:gateway_error_ratio:rate5m', legend: '{{routeId}}', unit: 'ratio' },
    ],
  },
  {
    title: 'Event streams',
    panels: [
      { id: 'lag', title: 'Lag: entries not yet delivered', description: 'Entries of each stream not yet delivered to each consumer group.',
        query: 'stream_group:events_lag:max', legend: '{{stream}} / {{group}}', unit: 'count' },
      { id: 'pending', title: 'Pending: delivered, not acknowledged', description: 'Entries delivered to each group and not acknowledged yet.',
        query: 'stream_group:events_pending:max', legend: '{{stream}} / {{group}}', unit: 'count' },
      { id: 'dead-letters', title: 'Dead letters, last 15 minutes', description: 'Entries each group gave up on and moved to the stream\'s .dlq.',
        query: 'stream_group:events_dead_lettered:increase15m', legend: '{{stream}}.dlq / {{group}}', unit: 'count' },
    ],
  },
  {
    title: 'Live notifications',
    panels: [
      { id: 'connections', title: 'Open connections', description: 'WebSocket and SSE connections open on notification-service.',
        query: 'transport:notification_connections:sum', legend: '{{transport}}', unit: 'count' },
      { id: 'slow-clients', title: 'Slow clients dropped, last 15 minutes', description: 'Clients closed because their send queue filled up.',
        query: 'transport:notification_slow_clients_dropped:increase15m', legend: '{{transport}}', unit: 'count' },
    ],
  },
  {
    title: 'Jobs',
    panels: [
      { id: 'jobs', title: 'Jobs and reports finished, last 15 minutes', description: 'Inference jobs and reports completed or failed, by event type.',
        query: 'type:platform_job_events:increase15m', legend: '{{type}}', unit: 'count' },
    ],
  },
];

/** Every scrape target and whether Prometheus reached it at its last scrape. */
export const TARGETS_QUERY = 'up';
