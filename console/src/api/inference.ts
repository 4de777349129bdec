import type { inference } from '@contracts';
import { type ApiClient, jsonBody } from './client';

type Schemas = inference.components['schemas'];
export type Shipment = Schemas['Shipment'];
export type EtaPrediction = Schemas['EtaPrediction'];
export type Job = Schemas['Job'];
export type JobResult = Schemas['JobResult'];
export type ModelCard = Schemas['ModelCard'];
export type Mode = Shipment['mode'];

export const MODES: readonly Mode[] = ['ftl', 'ltl', 'intermodal'];

export function predictEta(api: ApiClient, shipment: Shipment): Promise<EtaPrediction> {
  return api.json<EtaPrediction>('/api/inference/v1/eta', jsonBody('POST', shipment));
}

/** A job from a CSV upload (multipart, form field `file`): the service reads the file itself. */
export function submitCsvJob(api: ApiClient, csv: Blob, fileName: string): Promise<Job> {
  const form = new FormData();
  form.append('file', csv, fileName);
  return api.json<Job>('/api/inference/v1/jobs', { method: 'POST', headers: { Accept: 'application/json' }, body: form });
}

export function getJob(api: ApiClient, id: string): Promise<Job> {
  return api.json<Job>(`/api/inference/v1/jobs/${encodeURIComponent(id)}`);
}

/** The predictions of a job that succeeded, as CSV (row, transit_hours, eta, delay_probability). */
export async function jobResultCsv(api: ApiClient, id: string): Promise<Blob> {
  const response = await api.authorized(`/api/inference/v1/jobs/${encodeURIComponent(id)}/result?format=csv`);
  return response.blob();
}

export function modelCard(api: ApiClient): Promise<ModelCard> {
  return api.json<ModelCard>('/api/inference/v1/model');
}
