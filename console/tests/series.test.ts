import { describe, expect, it } from 'vitest';
import { type QueryResponse, axisTop, formatValue, legend, linePath, summary, toSeries, toTargets } from '../src/operations/series';

// Answers as Prometheus gives them (contracts/openapi/operations.yaml, PrometheusQueryResponse).
const matrix: QueryResponse = {
  status: 'success',
  data: {
    resultType: 'matrix',
    result: [
      { metric: { routeId: 'reporting-bridge' }, values: [[1000, '2'], [1030, 'NaN'], [1060, '4']] },
      { metric: { routeId: 'auth-service' }, values: [[1000, '0.5'], [1030, '+Inf']] },
      { metric: { routeId: 'inference-bridge' }, values: [[1000, 'NaN']] },
    ],
  },
};

const up: QueryResponse = {
  status: 'success',
  data: {
    resultType: 'vector',
    result: [
      { metric: { __name__: 'up', job: 'inference-bridge', instance: '127.0.0.1:8001' }, value: [1060, '0'] },
      { metric: { __name__: 'up', job: 'gateway', instance: '127.0.0.1:8080' }, value: [1060, '1'] },
    ],
  },
};

describe('Prometheus answers to chart series', () => {
  it('names each line as the dashboard legend does, sorted, without NaN and Inf samples or empty lines', () => {
    expect(toSeries(matrix, '{{routeId}}')).toEqual([
      { name: 'auth-service', points: [[1000, 0.5]] },
      { name: 'reporting-bridge', points: [[1000, 2], [1060, 4]] },
    ]);
  });

  it('fills a legend from several labels; a missing label is empty, no label at all leaves the text', () => {
    expect(legend('{{stream}}.dlq / {{group}}', { stream: 'platform.events', group: 'reporting' })).toBe('platform.events.dlq / reporting');
    expect(legend('{{transport}}', {})).toBe('value');
    expect(legend('p95 {{routeId}}', {})).toBe('p95');
  });

  it('reads an instant vector as one point per series, and a scalar answer as no series', () => {
    expect(toSeries(up, '{{job}}')).toEqual([
      { name: 'gateway', points: [[1060, 1]] },
      { name: 'inference-bridge', points: [[1060, 0]] },
    ]);
    expect(toSeries({ status: 'success', data: { resultType: 'scalar', result: [1060, '1'] } }, '{{job}}')).toEqual([]);
  });

  it('lists the scrape targets by job with whether they are up', () => {
    expect(toTargets(up)).toEqual([
      { job: 'gateway', instance: '127.0.0.1:8080', up: true },
      { job: 'inference-bridge', instance: '127.0.0.1:8001', up: false },
    ]);
  });
});

describe('chart geometry and numbers', () => {
  it('rounds the value axis up to 1, 2 or 5 times a power of ten', () => {
    const line = (...values: number[]) => [{ name: 'x', points: values.map((v, i): [number, number] => [i, v]) }];
    expect(axisTop(line(0, 0))).toBe(1);
    expect(axisTop(line(0.013))).toBe(0.02);
    expect(axisTop(line(3, 7))).toBe(10);
    expect(axisTop(line(120))).toBe(200);
    expect(axisTop([])).toBe(1);
  });

  it('draws time left to right and values bottom to top, lifting the pen over a gap in the data', () => {
    const box = { width: 100, height: 50, from: 1000, to: 1100, top: 10, gap: 30 };
    expect(linePath([[1000, 0], [1020, 10], [1100, 5]], box)).toBe('M0.0,50.0 L20.0,0.0 M100.0,25.0');
  });

  it('formats rates, durations, ratios and counts for a person', () => {
    expect(formatValue(0.7333333, 'per-second')).toBe('0.733/s');
    expect(formatValue(0.0123, 'seconds')).toBe('12.3 ms');
    expect(formatValue(2.5, 'seconds')).toBe('2.5 s');
    expect(formatValue(0.05, 'ratio')).toBe('5 %');
    expect(formatValue(1234, 'count')).toBe('1234');
    expect(formatValue(99.99, 'count')).toBe('100');
    expect(formatValue(0.5, 'per-second')).toBe('0.5/s');
  });

  it('summarises a line by its latest and highest value', () => {
    expect(summary({ name: 'x', points: [[0, 3], [30, 9], [60, 4]] })).toEqual({ latest: 4, highest: 9 });
  });
});
