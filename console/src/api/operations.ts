import type { QueryResponse } from '../operations/series';
import { type PlatformApi, unwrap } from './client';

// openapi-fetch's answer type goes through openapi-typescript-helpers' Readable<T>, which maps a tuple to an array
// (`[number, string]` becomes `(number | string)[]`): the contract's own type is what the gateway answers, so it is
// given back as that.

/** An instant query through the gateway (admin only): Prometheus' answer at this moment. */
export async function queryNow(api: PlatformApi, query: string): Promise<QueryResponse> {
  return unwrap(await api.operations.GET('/api/operations/prometheus/query', { params: { query: { query } } })) as QueryResponse;
}

/** A range query through the gateway (admin only): times in seconds since the epoch, `step` in seconds. */
export async function queryRange(api: PlatformApi, query: string, start: number, end: number, step: number): Promise<QueryResponse> {
  return unwrap(await api.operations.GET('/api/operations/prometheus/query_range', {
    params: { query: { query, start: String(start), end: String(end), step: `${step}s` } },
  })) as QueryResponse;
}
