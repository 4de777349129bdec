import { useEffect, useState } from 'react';
import {
  type Report, type ReportFormat, type ReportType, type ReportTypeId,
  downloadReport, getReport, listReports, reportTypes, requestReport,
} from '../api/reports';
import { ErrorSummary, Field, Progress, errorsOf, useSubmit } from '../components/forms';
import { saveBlob } from '../components/download';
import { REPORT_EVENTS } from '../live/feed';
import { useTaskProgress } from '../components/useTaskProgress';
import { useSession } from '../session';

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

export function ReportsPage() {
  const { api, user } = useSession();
  const [types, setTypes] = useState<ReportType[]>([]);
  const [typesError, setTypesError] = useState<string | null>(null);
  const [form, setForm] = useState({ report_type: '' as ReportTypeId | '', period_start: isoDay(-30), period_end: isoDay(0), granularity: 'day' as 'day' | 'week' | 'month' });
  const [report, setReport] = useState<Report | null>(null);
  const [recent, setRecent] = useState<Report[]>([]);

  useEffect(() => {
    reportTypes(api).then(
      (all) => {
        const usable = all.filter((t) => t.scope === 'own' || user?.role === 'admin');
        setTypes(usable);
        setForm((f) => ({ ...f, report_type: f.report_type || usable[0]?.id || '' }));
      },
      (error) => setTypesError(errorsOf(error).summary),
    );
    listReports(api).then((page) => setRecent(page.items), () => undefined);
  }, [api, user?.role]);

  const { busy, errors, submit } = useSubmit(async () => {
    if (!form.report_type) throw new Error('Choose a report type.');
    setReport(await requestReport(api, {
      report_type: form.report_type,
      parameters: { period_start: form.period_start, period_end: form.period_end, granularity: form.granularity },
    }));
  });

  // report.progress, then report.ready or report.failed, from the live feed.
  const live = useTaskProgress(report?.id, REPORT_EVENTS, (id) => getReport(api, id), setReport);

  return (
    <>
      {typesError ? <p role="alert">Report types are not available: {typesError}</p> : null}
      <form onSubmit={(e) => void submit(e)} noValidate className="grid">
        <ErrorSummary errors={errors} />
        <Field label="Report" name="report_type" errors={errors}>
          {(p) => (
            <select {...p} value={form.report_type} onChange={(e) => setForm({ ...form, report_type: e.target.value as ReportTypeId })}>
              {types.map((t) => <option key={t.id} value={t.id}>{t.title}</option>)}
            </select>
          )}
        </Field>
        <Field label="From (inclusive)" name="parameters/period_start" errors={errors}>
          {(p) => <input {...p} type="date" required value={form.period_start} onChange={(e) => setForm({ ...form, period_start: e.target.value })} />}
        </Field>
        <Field label="To (inclusive)" name="parameters/period_end" errors={errors}>
          {(p) => <input {...p} type="date" required value={form.period_end} onChange={(e) => setForm({ ...form, period_end: e.target.value })} />}
        </Field>
        <Field label="Rows per" name="parameters/granularity" errors={errors}>
          {(p) => (
            <select {...p} value={form.granularity} onChange={(e) => setForm({ ...form, granularity: e.target.value as typeof form.granularity })}>
              <option value="day">day</option><option value="week">week</option><option value="month">month</option>
            </select>
          )}
        </Field>
        <button type="submit" disabled={busy || types.length === 0}>{busy ? 'Requesting…' : 'Request the report'}</button>
      </form>
      {report ? <ReportCard report={report} progress={report.status === 'ready' ? 100 : Math.max(live?.progress ?? 0, report.progress)}
        stage={live?.stage} failure={live?.outcome === 'failed' ? live.reason : report.error?.reason} /> : null}
      {recent.length > 0 ? (
        <section aria-label="Your recent reports">
          <h2>Recent reports</h2>
          <ul>
            {recent.map((r) => (
              <li key={r.id}>
                <button type="button" className="link" onClick={() => setReport(r)}>{r.report_type}</button>{' '}
                {r.parameters.period_start} – {r.parameters.period_end}: {r.status}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

/** The chart as a data: URL: the console's CSP allows `img-src 'self' data:`, and blob: is not needed then. */
function dataUrlOf(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('the chart could not be read'));
    reader.readAsDataURL(blob);
  });
}

function ReportCard({ report, progress, stage, failure }: { report: Report; progress: number; stage?: string | undefined; failure?: string | undefined }) {
  const { api } = useSession();
  const [chart, setChart] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const formats: ReportFormat[] = report.formats ?? [];

  useEffect(() => {
    if (report.status !== 'ready' || !formats.includes('png')) return undefined;
    let cancelled = false;
    downloadReport(api, report.id, 'png').then(dataUrlOf).then(
      (url) => {
        if (!cancelled) setChart(url);
      },
      (error) => setDownloadError(errorsOf(error).summary),
    );
    return () => {
      cancelled = true;
      setChart(null);
    };
  }, [api, report.id, report.status]);

  const download = async (format: ReportFormat) => {
    setDownloadError(null);
    try {
      saveBlob(await downloadReport(api, report.id, format), `${report.report_type}-${report.id}.${format}`);
    } catch (error) {
      setDownloadError(errorsOf(error).summary);
    }
  };

  return (
    <section aria-label="Report" className="card">
      <h2>{report.report_type} ({report.parameters.period_start} – {report.parameters.period_end})</h2>
      <Progress label={`Status: ${failure ? 'failed' : report.status}${stage && report.status !== 'ready' ? ` (${stage})` : ''}`} value={progress} />
      {failure ? <p role="alert">The report failed: {failure}</p> : null}
      {report.status === 'ready' ? (
        <>
          <p>{report.row_count ?? 0} rows.</p>
          <div className="downloads">
            {formats.map((f) => <button key={f} type="button" onClick={() => void download(f)}>Download {f.toUpperCase()}</button>)}
          </div>
          {chart ? <img className="chart" src={chart} alt={`Chart of the ${report.report_type} report`} /> : null}
        </>
      ) : null}
      {downloadError ? <p role="alert">{downloadError}</p> : null}
    </section>
  );
}
