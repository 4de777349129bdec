import { useEffect, useState } from 'react';
import {
  type Report, type ReportFormat, type ReportType, type ReportTypeId,
  downloadReport, getReport, listReports, reportTypes, requestReport,
} from '../api/reports';
import { ErrorSummary, Field, Progress, errorsOf, useSubmit } from '../components/forms';
import { saveBlob } from '../components/download';
import { TraceLink } from '../components/TraceLink';
import { rememberTrace } from '../api/trace';
import { REPORT_EVENTS } from '../live/feed';
import { useTaskProgress } from '../components/useTaskProgress';
import { useSession } from '../session';

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

type Params = Report['params'];

/** A type's id with the default values of its granularity and group_by (empty when it takes none). */
function defaultsOf(type: ReportType | undefined): { type: ReportTypeId | ''; granularity: string; group_by: string } {
  const defaultOf = (name: string) => type?.parameters.find((p) => p.name === name)?.default_value ?? '';
  return { type: type?.id ?? '', granularity: defaultOf('granularity'), group_by: defaultOf('group_by') };
}

export function ReportsPage() {
  const { api, user } = useSession();
  const [types, setTypes] = useState<ReportType[]>([]);
  const [typesError, setTypesError] = useState<string | null>(null);
  const [form, setForm] = useState({ type: '' as ReportTypeId | '', from: isoDay(-30), to: isoDay(0), granularity: '', group_by: '' });
  const [report, setReport] = useState<Report | null>(null);
  const [recent, setRecent] = useState<Report[]>([]);

  useEffect(() => {
    reportTypes(api).then(
      (all) => {
        const usable = all.filter((t) => t.scope === 'own' || user?.role === 'admin');
        setTypes(usable);
        setForm((f) => (f.type ? f : { ...f, ...defaultsOf(usable[0]) }));
      },
      (error) => setTypesError(errorsOf(error).summary),
    );
    listReports(api).then((page) => setRecent(page.items), () => undefined);
  }, [api, user?.role]);

  const { busy, errors, submit } = useSubmit(async () => {
    if (!form.type) throw new Error('Choose a report type.');
    const created = await requestReport(api, {
      type: form.type,
      params: {
        from: form.from, to: form.to,
        ...(form.granularity ? { granularity: form.granularity as Params['granularity'] } : {}),
        ...(form.group_by ? { group_by: form.group_by as Params['group_by'] } : {}),
      },
    });
    rememberTrace('report', created.report.id, created.traceId);
    setReport(created.report);
  });

  const selected = types.find((t) => t.id === form.type);
  const choices = (name: 'granularity' | 'group_by') => selected?.parameters.find((p) => p.name === name)?.values ?? [];

  // report.progress, then report.ready or report.failed, from the live feed.
  const live = useTaskProgress(report?.id, REPORT_EVENTS, (id) => getReport(api, id), setReport);

  return (
    <>
      {typesError ? <p role="alert">Report types are not available: {typesError}</p> : null}
      <form onSubmit={(e) => void submit(e)} noValidate className="grid">
        <ErrorSummary errors={errors} />
        <Field label="Report" name="type" errors={errors} hint={selected?.description}>
          {(p) => (
            <select {...p} value={form.type} onChange={(e) => setForm({ ...form, ...defaultsOf(types.find((t) => t.id === e.target.value)) })}>
              {types.map((t) => <option key={t.id} value={t.id}>{t.title}</option>)}
            </select>
          )}
        </Field>
        <Field label="From (inclusive)" name="params/from" errors={errors}>
          {(p) => <input {...p} type="date" required value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />}
        </Field>
        <Field label="To (inclusive)" name="params/to" errors={errors}>
          {(p) => <input {...p} type="date" required value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />}
        </Field>
        {(['granularity', 'group_by'] as const).map((name) => (choices(name).length > 0 ? (
          <Field key={name} label={name === 'granularity' ? 'Rows per' : 'Grouped by'} name={`params/${name}`} errors={errors}>
            {(p) => (
              <select {...p} value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.target.value })}>
                {choices(name).map((v) => <option key={v} value={v}>{v}</option>)}
              </select>
            )}
          </Field>
        ) : null))}
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
                <button type="button" className="link" onClick={() => setReport(r)}>{r.type}</button>{' '}
                {r.params.from} – {r.params.to}: {r.status}
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
      saveBlob(await downloadReport(api, report.id, format), `${report.type}-${report.id}.${format}`);
    } catch (error) {
      setDownloadError(errorsOf(error).summary);
    }
  };

  return (
    <section aria-label="Report" className="card">
      <h2>{report.type} ({report.params.from} – {report.params.to}, by {report.params.granularity}{report.params.group_by !== 'none' ? `, per ${report.params.group_by}` : ''})</h2>
      <Progress label={`Status: ${failure ? 'failed' : report.status}${stage && report.status !== 'ready' ? ` (${stage})` : ''}`} value={progress} />
      {failure ? <p role="alert">The report failed: {failure}</p> : null}
      {report.status === 'ready' ? (
        <>
          <p>{report.row_count ?? 0} rows.</p>
          <div className="downloads">
            {formats.map((f) => <button key={f} type="button" onClick={() => void download(f)}>Download {f.toUpperCase()}</button>)}
          </div>
          {chart ? <img className="chart" src={chart} alt={`Chart of the ${report.type} report`} /> : null}
        </>
      ) : null}
      {downloadError ? <p role="alert">{downloadError}</p> : null}
      <TraceLink kind="report" id={report.id} />
    </section>
  );
}
