import type { reporting } from '@contracts';
import { type ApiClient, jsonBody } from './client';

type Schemas = reporting.components['schemas'];
export type ReportType = Schemas['ReportType'];
export type ReportTypeId = Schemas['ReportTypeId'];
export type ReportFormat = Schemas['ReportFormat'];
export type Report = Schemas['Report'];
export type ReportPage = Schemas['ReportPage'];
export type CreateReportRequest = Schemas['CreateReportRequest'];

export async function reportTypes(api: ApiClient): Promise<ReportType[]> {
  return (await api.json<Schemas['ReportTypeList']>('/api/reports/types')).items;
}

export function requestReport(api: ApiClient, request: CreateReportRequest): Promise<Report> {
  return api.json<Report>('/api/reports', jsonBody('POST', request));
}

export function getReport(api: ApiClient, id: string): Promise<Report> {
  return api.json<Report>(`/api/reports/${encodeURIComponent(id)}`);
}

export function listReports(api: ApiClient, page = 0, size = 20): Promise<ReportPage> {
  return api.json<ReportPage>(`/api/reports?page=${page}&size=${size}`);
}

/** The file of a ready report: downloads need the Bearer token, so they are fetched and handed out as blobs. */
export async function downloadReport(api: ApiClient, id: string, format: ReportFormat): Promise<Blob> {
  const response = await api.authorized(`/api/reports/${encodeURIComponent(id)}/download?format=${format}`);
  return response.blob();
}
