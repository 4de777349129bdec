import { inference } from '@contracts';
import { type PlatformApi, unwrap } from './client';
import { newTrace } from './trace';

type Schemas = inference.components['schemas'];
export type Shipment = Schemas['Shipment'];
export type EtaPrediction = Schemas['EtaPrediction'];
export type Job = Schemas['Job'];
export type JobResult = Schemas['JobResult'];
export type ModelCard = Schemas['ModelCard'];
export type Mode = Shipment['mode'];

export type UsStateCode = Schemas['UsStateCode'];

/** The contract's enums, as values (openapi-typescript's enumValues). */
export const MODES: readonly Mode[] = inference.shipmentModeValues;
export const US_STATE_CODES: readonly UsStateCode[] = inference.usStateCodeValues;

/** `code` as a state code of the contract, or undefined. */
export function usStateCode(code: string): UsStateCode | undefined {
  return US_STATE_CODES.find((known) => known === code);
}

export async function predictEta(api: PlatformApi, shipment: Shipment): Promise<EtaPrediction> {
  return unwrap(await api.inference.POST('/api/inference/v1/eta', { body: shipment }));
}

/**
 * A job from a CSV upload (multipart, form field `file`): the service reads the file itself. With the trace id of
 * the request, which the job's whole run is part of (gateway, inference-bridge, the worker, the events).
 */
export async function submitCsvJob(api: PlatformApi, csv: Blob, fileName: string): Promise<{ job: Job; traceId: string }> {
  const form = new FormData();
  form.append('file', csv, fileName);
  const trace = newTrace();
  // The generated multipart body type is `{ file: string }` (`format: binary`); the FormData is what is sent, and
  // the browser writes its Content-Type with the boundary.
  const job = unwrap(await api.inference.POST('/api/inference/v1/jobs', {
    body: { file: fileName }, bodySerializer: () => form, headers: { traceparent: trace.traceparent },
  }));
  return { job, traceId: trace.traceId };
}

export async function getJob(api: PlatformApi, id: string): Promise<Job> {
  return unwrap(await api.inference.GET('/api/inference/v1/jobs/{id}', { params: { path: { id } } }));
}

/** The predictions of a job that succeeded, as CSV (row, transit_hours, eta, delay_probability). */
export async function jobResultCsv(api: PlatformApi, id: string): Promise<Blob> {
  return unwrap(await api.inference.GET('/api/inference/v1/jobs/{id}/result', {
    params: { path: { id }, query: { format: 'csv' } }, parseAs: 'blob',
  }));
}

export async function modelCard(api: PlatformApi): Promise<ModelCard> {
  return unwrap(await api.inference.GET('/api/inference/v1/model'));
}
