import { useState } from 'react';
import { type Job, getJob, jobResultCsv, submitCsvJob } from '../api/inference';
import { ErrorSummary, Progress, errorsOf, useSubmit } from '../components/forms';
import { saveBlob } from '../components/download';
import { TraceLink } from '../components/TraceLink';
import { rememberTrace } from '../api/trace';
import { CSV_COLUMNS, type CsvShipments, canSubmit, lineOfRowPointer, sampleCsv, shipmentsFromCsv } from '../csv';
import { JOB_EVENTS } from '../live/feed';
import { useTaskProgress } from '../components/useTaskProgress';
import { useSession } from '../session';

export function JobsPage() {
  const { api, user } = useSession();
  const [fileName, setFileName] = useState<string | null>(null);
  const [parsed, setParsed] = useState<CsvShipments | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const downloadResult = async (id: string) => {
    setDownloadError(null);
    try {
      saveBlob(await jobResultCsv(api, id), `job-${id}.csv`);
    } catch (error) {
      setDownloadError(errorsOf(error).summary);
    }
  };

  const { busy, errors, submit } = useSubmit(async () => {
    if (!parsed || !canSubmit(parsed)) throw new Error('Choose a CSV file with at least one valid shipment first.');
    // The good rows only, with the contract's header: the service reads the upload as a whole.
    const created = await submitCsvJob(api, new Blob([parsed.upload], { type: 'text/csv' }), fileName ?? 'shipments.csv');
    rememberTrace('job', created.job.id, created.traceId);
    setJob(created.job);
  });

  // Progress comes from the live feed: inference.job.progress, then completed or failed.
  const live = useTaskProgress(job?.id, JOB_EVENTS, (id) => getJob(api, id), setJob);
  const failure = live?.outcome === 'failed' ? live.reason : job?.error?.reason;

  const onFile = async (file: File | undefined) => {
    setJob(null);
    setDownloadError(null);
    setFileName(file?.name ?? null);
    setParsed(file ? shipmentsFromCsv(await file.text()) : null);
  };

  if (user?.role === 'viewer') return <p>Viewers can read but not submit jobs. Ask an admin for the user role.</p>;
  const serverLines = (errors && parsed)
    ? Object.entries(errors.fields).map(([field, messages]) => ({ line: lineOfRowPointer(`/body/${field}`, parsed.lines), field, messages }))
    : [];
  const progress = job?.status === 'succeeded' ? 100 : Math.max(live?.progress ?? 0, job?.progress ?? 0);
  return (
    <>
      <p>
        Upload a CSV with one shipment per line and the columns {CSV_COLUMNS.join(', ')} (pickup_at with its offset).{' '}
        <button type="button" className="link" onClick={() => saveBlob(new Blob([sampleCsv()], { type: 'text/csv' }), 'shipments-sample.csv')}>
          Download a sample
        </button>
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ErrorSummary errors={errors} />
        <div className="field">
          <label htmlFor="job-csv">Shipments (CSV)</label>
          <input id="job-csv" type="file" accept=".csv,text/csv" aria-describedby="job-csv-status" onChange={(e) => void onFile(e.target.files?.[0])} />
          <span id="job-csv-status" className="hint" aria-live="polite">
            {parsed ? `${fileName}: ${parsed.shipments.length} shipments ready${parsed.problems.length ? `, ${parsed.problems.length} problems` : ''}` : 'No file chosen'}
          </span>
        </div>
        {parsed && parsed.problems.length > 0 ? (
          <ul className="problems" aria-label="Problems in the file">
            {parsed.problems.slice(0, 20).map((p, i) => <li key={i}>line {p.line}: {p.message}</li>)}
            {parsed.problems.length > 20 ? <li>… and {parsed.problems.length - 20} more</li> : null}
          </ul>
        ) : null}
        {serverLines.length > 0 ? (
          <ul className="problems" aria-label="Problems the service found">
            {serverLines.slice(0, 20).map((p) => <li key={p.field}>{p.line ? `line ${p.line}, ${p.field.split('/').slice(2).join('/') || 'the row'}` : p.field}: {p.messages.join(' ')}</li>)}
          </ul>
        ) : null}
        <button type="submit" disabled={busy || !parsed || !canSubmit(parsed)}>{busy ? 'Submitting…' : 'Submit the job'}</button>
      </form>
      {job ? (
        <section aria-label="Job" className="card">
          <h2>Job {job.id}</h2>
          <Progress label={`Status: ${failure ? 'failed' : job.status}`} value={progress} />
          {failure ? <p role="alert">The job failed: {failure}</p> : null}
          {job.status === 'succeeded' ? (
            <p>
              {job.processed_items} of {job.total_items} shipments predicted{job.model_version ? `, model ${job.model_version}` : ''}.{' '}
              <button type="button" className="link" onClick={() => void downloadResult(job.id)}>
                Download the predictions (CSV)
              </button>
            </p>
          ) : null}
          {downloadError ? <p role="alert">{downloadError}</p> : null}
          <TraceLink kind="job" id={job.id} />
        </section>
      ) : null}
    </>
  );
}
