import type { operations } from '@contracts';

type Schemas = operations.components['schemas'];
export type QueryResponse = Schemas['PrometheusQueryResponse'];
export type PrometheusSeries = Schemas['PrometheusSeries'];

/** One line of a chart: its legend and its points (seconds since the epoch, value). */
export interface Series {
  name: string;
  points: Array<[number, number]>;
}

/** One scrape target and whether Prometheus reached it (`up`). */
export interface Target {
  job: string;
  instance: string;
  up: boolean;
}

/**
 * A legend from a Grafana-style template: `{{routeId}}` is the series' label (empty when it has none), as the
 * dashboard's legendFormat writes it, so a line is named alike in both.
 */
export function legend(template: string, metric: Record<string, string>): string {
  const name = template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, label: string) => metric[label] ?? '').trim();
  return name || template.replace(/\{\{[^}]*\}\}/g, '').trim() || 'value';
}

/**
 * Prometheus' sample values are text, so that NaN and ±Inf survive JSON; a chart has no place for them (a ratio of
 * no requests is NaN): they are left out, which leaves a gap in the line.
 */
function sample([time, text]: readonly [number, string]): [number, number] | null {
  const value = Number(text);
  return Number.isFinite(value) ? [time, value] : null;
}

function seriesOf(response: QueryResponse): PrometheusSeries[] {
  const { result } = response.data;
  // A scalar or string answer is one [time, text] pair, not a list of series: no chart or table shows those.
  return Array.isArray(result) && result.every((item) => typeof item === 'object' && item !== null && 'metric' in item)
    ? (result as PrometheusSeries[])
    : [];
}

/** The lines of a range query's answer (a matrix), named by `template`, in name order; empty series left out. */
export function toSeries(response: QueryResponse, template: string): Series[] {
  return seriesOf(response)
    .map((series) => ({
      name: legend(template, series.metric),
      points: (series.values ?? (series.value ? [series.value] : [])).map(sample).filter((point) => point !== null),
    }))
    .filter((series) => series.points.length > 0)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The scrape targets of an instant `up` query (a vector), by job then instance. */
export function toTargets(response: QueryResponse): Target[] {
  return seriesOf(response)
    .map((series) => ({
      job: series.metric.job ?? '',
      instance: series.metric.instance ?? '',
      up: series.value?.[1] === '1',
    }))
    .sort((a, b) => a.job.localeCompare(b.job) || a.instance.localeCompare(b.instance));
}

export type Unit = 'per-second' | 'seconds' | 'ratio' | 'count';

/** A value as a person reads it: 0.0123 s is 12.3 ms, a ratio of 0.05 is 5 %. */
export function formatValue(value: number, unit: Unit): string {
  const short = (n: number) => (Math.abs(n) >= 100 || Number.isInteger(n) ? n.toFixed(0) : n.toPrecision(3).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''));
  switch (unit) {
    case 'per-second':
      return `${short(value)}/s`;
    case 'seconds':
      return value < 1 ? `${short(value * 1000)} ms` : `${short(value)} s`;
    case 'ratio':
      return `${short(value * 100)} %`;
    case 'count':
      return short(value);
  }
}

/** The latest and the highest value of a line, for its row in the chart's table. */
export function summary(series: Series): { latest: number; highest: number } {
  const values = series.points.map(([, value]) => value);
  return { latest: values[values.length - 1] ?? 0, highest: Math.max(...values) };
}

/** A round top for the value axis, at least the highest value (1, 2 or 5 times a power of ten); 1 when all are 0. */
export function axisTop(series: Series[]): number {
  const highest = Math.max(0, ...series.flatMap((s) => s.points.map(([, value]) => value)));
  if (highest <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(highest));
  return [1, 2, 5, 10].map((step) => step * power).find((top) => top >= highest) ?? 10 * power;
}

/**
 * An SVG path for one line in a `width` × `height` box: time from `from` to `to` left to right, value from 0 to `top`
 * bottom to top. A step longer than `gap` seconds between two points lifts the pen (a gap in the data).
 */
export function linePath(points: Array<[number, number]>, box: { width: number; height: number; from: number; to: number; top: number; gap: number }): string {
  const span = Math.max(1, box.to - box.from);
  const x = (time: number) => ((time - box.from) / span) * box.width;
  const y = (value: number) => box.height - (Math.min(value, box.top) / box.top) * box.height;
  return points
    .map(([time, value], index) => {
      const pen = index === 0 || time - (points[index - 1]?.[0] ?? time) > box.gap ? 'M' : 'L';
      return `${pen}${x(time).toFixed(1)},${y(value).toFixed(1)}`;
    })
    .join(' ');
}
