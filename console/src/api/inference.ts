import type { inference } from '@contracts';
import { type ApiClient, jsonBody } from './client';

type Schemas = inference.components['schemas'];
export type EtaFeatures = Schemas['EtaFeatures'];
export type EtaPrediction = Schemas['EtaPrediction'];
export type Job = Schemas['Job'];
export type ModelCard = Schemas['ModelCard'];

export const CARRIERS: readonly EtaFeatures['carrier'][] = ['dhl', 'ups', 'fedex', 'dpd', 'gls', 'postnl'];
export const SERVICE_LEVELS: readonly EtaFeatures['service_level'][] = ['economy', 'standard', 'express', 'same_day'];

export function predictEta(api: ApiClient, features: EtaFeatures): Promise<EtaPrediction> {
  return api.json<EtaPrediction>('/api/inference/v1/eta', jsonBody('POST', features));
}

export function submitJob(api: ApiClient, items: EtaFeatures[]): Promise<Job> {
  return api.json<Job>('/api/inference/v1/jobs', jsonBody('POST', { items }));
}

export function getJob(api: ApiClient, id: string): Promise<Job> {
  return api.json<Job>(`/api/inference/v1/jobs/${encodeURIComponent(id)}`);
}

export function modelCard(api: ApiClient): Promise<ModelCard> {
  return api.json<ModelCard>('/api/inference/v1/model');
}
