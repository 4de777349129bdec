import type { reporting } from '@contracts';
import { type PlatformApi, unwrap } from './client';
import { newTrace } from './trace';

type Schemas = reporting.components['schemas'];
export type ReportType = Schemas['ReportType'];
export type ReportTypeId = Schemas['ReportTypeId'];
export type ReportFormat = Schemas['ReportFormat'];
export type Report = Schemas['Report'];
export type ReportPage = Schemas['ReportPage'];
export type CreateReportRequest = Schemas['CreateReportRequest'];

export async function reportTypes(api: PlatformApi): Promise<ReportType[]> {
  return unwrap(await api.reporting.GET('/api/reports/types')).items;
}

/** A report request, with the trace id of the request (the report's run, worker and events included, is that trace). */
export async function requestReport(api: PlatformApi, request: CreateReportRequest): Promise<{ report: Report; traceId: string }> {
  const trace = newTrace();
  const report = unwrap(await api.reporting.POST('/api/reports', { body: request, headers: { traceparent: trace.traceparent } }));
  return { report, traceId: trace.traceId };
}

export async function getReport(api: PlatformApi, id: string): Promise<Report> {
  return unwrap(await api.reporting.GET('/api/reports/{id}', { params: { path: { id } } }));
}

export async function listReports(api: PlatformApi, page = 0, size = 20): Promise<ReportPage> {
  return unwrap(await api.reporting.GET('/api/reports', { params: { query: { page, size } } }));
}

/** The file of a ready report: downloads need the Bearer token, so they are fetched and handed out as blobs. */
export async function downloadReport(api: PlatformApi, id: string, format: ReportFormat): Promise<Blob> {
  return unwrap(await api.reporting.GET('/api/reports/{id}/download', {
    params: { path: { id }, query: { format } }, parseAs: 'blob',
  }));
}
