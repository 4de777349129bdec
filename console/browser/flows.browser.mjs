// The console's job and report pages in a real browser (Debian's chromium, headless, playwright-core),
// against a scripted platform: the API answers and the notification WebSocket are played by the test
// (page.route, page.routeWebSocket) exactly as the contracts describe them, so the pages' flows (CSV
// upload, progress bars fed by events, chart, download) are checked before those services exist. The same
// flows through the real platform belong in the e2e suite once inference, notifications and reports are in.
// Run by the console suite of ./platform test; CHROMIUM_BINARY is the browser, SCREENSHOT_DIR keeps the shots.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';

const executablePath = process.env.CHROMIUM_BINARY;
const screenshots = process.env.SCREENSHOT_DIR ?? 'browser-screenshots';
assert.ok(executablePath, 'CHROMIUM_BINARY is not set');
mkdirSync(screenshots, { recursive: true });

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'console-flows-'));
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAEElEQVR4nGOQ96uEIwacHADOKwrJm5CxFAAAAABJRU5ErkJggg==', 'base64');
const USER_ID = '3f2c1d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f';
const JOB_ID = '6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d';
const REPORT_ID = 'd4c3b2a1-0f9e-4d8c-b7a6-5f4e3d2c1b0a';

let server;
let browser;
let page;
let socket = null;
let role = 'user'; // the signed-in user's role: the trace links are for an admin only
let eventCount = 0;
const acks = [];
const uploads = [];
const cspViolations = [];
const job = { id: JOB_ID, status: 'queued', progress: 0, total_items: 2, processed_items: 0, created_at: '2026-11-24T23:00:00Z' };
const report = {
  id: REPORT_ID, type: 'inference-usage', status: 'queued', progress: 0, owner_id: USER_ID,
  params: { from: '2026-11-01', to: '2026-11-24', granularity: 'day', group_by: 'none' }, created_at: '2026-11-24T23:00:00Z',
};
const reportRequests = [];
const prometheusQueries = []; // what the Operations page asked Prometheus for, through the gateway
let prometheusDown = false; // the gateway's 503 when no Prometheus answers

const shot = (name) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
const json = (route, status, body) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });

function sendEvent(eventType, data) {
  eventCount += 1;
  socket.send(JSON.stringify({
    type: 'event', id: `00000000-0000-4000-8000-${String(eventCount).padStart(12, '0')}`, topic: `user:${USER_ID}`,
    event_type: eventType, source: '/test', time: new Date().toISOString(),
    dataschema: `https://polyglot.dev/schemas/events/${eventType}.json`, data,
  }));
}

/** The platform's answers, per the contracts (only what these pages call). */
async function platform(route) {
  const request = route.request();
  const url = new URL(request.url());
  const key = `${request.method()} ${url.pathname}`;
  if (key === 'POST /api/auth/login') {
    return json(route, 200, { access_token: 'access', refresh_token: 'refresh', token_type: 'Bearer', expires_in: 900 });
  }
  if (key === 'POST /api/auth/logout') return route.fulfill({ status: 204 });
  if (request.headers().authorization !== 'Bearer access') {
    return json(route, 401, { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'No token.' });
  }
  switch (key) {
    case 'GET /api/auth/me':
      return json(route, 200, { id: USER_ID, email: 'ada@example.com', name: 'Ada Lovelace', role, created_at: 'x', updated_at: 'x' });
    case 'POST /api/notifications/ticket':
      return json(route, 201, { ticket: 'tk_Zq3xP9mW2vL8rT5yK1nB7cD4', expires_at: 'x', ws_url: '/ws/notifications?ticket=tk_Zq3xP9mW2vL8rT5yK1nB7cD4' });
    case 'POST /api/inference/v1/jobs':
      uploads.push({ contentType: request.headers()['content-type'] ?? '', traceparent: request.headers().traceparent, body: request.postData() ?? '' });
      return json(route, 202, job);
    case `GET /api/inference/v1/jobs/${JOB_ID}`:
      return json(route, 200, {
        ...job, status: 'succeeded', progress: 100, processed_items: 2, model_version: '1.1.2726225545',
        finished_at: '2026-11-24T23:00:01Z', result_url: `/api/inference/v1/jobs/${JOB_ID}/result`,
      });
    case `GET /api/inference/v1/jobs/${JOB_ID}/result`:
      return route.fulfill({ status: 200, contentType: 'text/csv', body: 'row,transit_hours,eta,delay_probability\n0,27.41,2026-11-25T17:24:36Z,0.0312\n' });
    case 'GET /api/reports/types':
      return json(route, 200, { items: [{
        id: 'inference-usage', title: 'Inference usage', description: 'Model uses per day or week.', scope: 'own', formats: ['csv', 'xlsx', 'json', 'png'],
        parameters: [
          { name: 'from', type: 'date', required: true, description: 'First day' },
          { name: 'to', type: 'date', required: true, description: 'Last day' },
          { name: 'granularity', type: 'string', required: false, values: ['day', 'week'], default_value: 'day', description: 'Time bucket' },
          { name: 'group_by', type: 'string', required: false, values: ['none', 'lane'], default_value: 'none', description: 'Extra grouping' },
        ],
      }] });
    case 'GET /api/reports':
      return json(route, 200, { items: [], page: 0, size: 20, total_items: 0, total_pages: 0 });
    case 'POST /api/reports':
      reportRequests.push({ ...request.postDataJSON(), traceparent: request.headers().traceparent });
      return json(route, 202, report);
    case `GET /api/reports/${REPORT_ID}`:
      return json(route, 200, { ...report, status: 'ready', progress: 100, row_count: 24, formats: ['csv', 'xlsx', 'json', 'png'] });
    case `GET /api/reports/${REPORT_ID}/download`:
      return url.searchParams.get('format') === 'png'
        ? route.fulfill({ status: 200, contentType: 'image/png', body: PNG })
        : route.fulfill({ status: 200, contentType: 'text/csv', body: 'day,predictions\n2026-11-24,4\n' });
    case 'GET /api/operations/prometheus/query':
    case 'GET /api/operations/prometheus/query_range':
      return prometheusAnswer(route, url);
    default:
      return json(route, 404, { type: 'about:blank', title: 'Not Found', status: 404, detail: `Nothing is served at ${url.pathname}.` });
  }
}

/**
 * The gateway's Prometheus query API (contracts/openapi/operations.yaml): admin only, 503 as a problem without a
 * Prometheus, else Prometheus' own JSON: `up` for two targets, and two lines per range query (one with a NaN sample).
 */
function prometheusAnswer(route, url) {
  const instance = '/api/operations/prometheus/query';
  if (role !== 'admin') {
    return route.fulfill({ status: 403, contentType: 'application/problem+json', body: JSON.stringify({
      type: '/problems/forbidden', title: 'Forbidden', status: 403, detail: 'The admin role is required.', instance }) });
  }
  if (prometheusDown) {
    return route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({
      type: '/problems/service-unavailable', title: 'Service Unavailable', status: 503,
      detail: 'Prometheus does not answer (PROMETHEUS_URL).', instance }) });
  }
  const query = Object.fromEntries(url.searchParams);
  prometheusQueries.push({ path: url.pathname, ...query });
  if (url.pathname === instance) {
    return json(route, 200, { status: 'success', data: { resultType: 'vector', result: [
      { metric: { __name__: 'up', job: 'gateway', instance: '127.0.0.1:8080' }, value: [Number(query.time ?? 0), '1'] },
      { metric: { __name__: 'up', job: 'inference-bridge', instance: '127.0.0.1:8001' }, value: [Number(query.time ?? 0), '0'] },
    ] } });
  }
  const start = Number(query.start);
  const end = Number(query.end);
  const times = Array.from({ length: Math.floor((end - start) / 30) + 1 }, (_, i) => start + i * 30);
  const line = (labels, value) => ({ metric: labels, values: times.map((t, i) => [t, value(i)]) });
  return json(route, 200, { status: 'success', data: { resultType: 'matrix', result: [
    line({ routeId: 'inference-bridge', stream: 'platform.events', group: 'reporting', transport: 'websocket', type: 'report.ready' }, (i) => String(0.5 + (i % 5) / 10)),
    line({ routeId: 'auth-service', stream: 'inference.jobs', group: 'inference-worker', transport: 'sse', type: 'report.failed' }, (i) => (i === 3 ? 'NaN' : '0.02')),
  ] } });
}

before(async () => {
  await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  server = await preview({ root, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
  // --no-sandbox: CI runs as root, where chromium's sandbox cannot start.
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  page = await browser.newPage({ acceptDownloads: true });
  page.setDefaultTimeout(15_000);
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.route('**/api/**', platform);
  await page.routeWebSocket('**/ws/notifications**', (ws) => {
    socket = ws;
    ws.onMessage((text) => {
      const frame = JSON.parse(String(text));
      if (frame.type === 'ack') acks.push(frame.id);
    });
    ws.send(JSON.stringify({
      type: 'hello', connection_id: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b', user_id: USER_ID, role,
      topics: [`user:${USER_ID}`, 'broadcast'], heartbeat_interval_ms: 25000, max_message_bytes: 65536, server_time: new Date().toISOString(),
    }));
  });
  await page.goto(server.resolvedUrls.local[0]);
  await signIn();
});

async function signIn() {
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByLabel('Password').fill('correct-horse-battery-staple');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('live (WebSocket)').waitFor();
}

/** The trace id of a traceparent the console sent: version 00, 16-byte trace id, 8-byte parent id, sampled. */
function traceIdOf(traceparent) {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(traceparent ?? '');
  assert.ok(match, `a well-formed W3C traceparent: ${traceparent}`);
  assert.notEqual(match[1], '0'.repeat(32));
  assert.notEqual(match[2], '0'.repeat(16));
  return match[1];
}

/** Where the console links a trace to by default: Zipkin on its own host, port 9411. */
const zipkinTrace = (traceId) => `http://127.0.0.1:9411/zipkin/traces/${traceId}`;

async function uploadAndSubmit(csv) {
  await page.getByLabel('Shipments (CSV)').setInputFiles({ name: 'shipments.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Submit the job' }).click();
}

after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(outDir, { recursive: true, force: true });
});

test('a CSV batch job: the file is checked, its good rows uploaded, and its progress bar follows the events', async () => {
  await page.getByRole('link', { name: 'Batch jobs' }).click();
  const csv = [
    'origin,destination,distance_km,weight_kg,mode,carrier,pickup_at',
    'TX,IL,1480,12000,ftl,swift,2026-11-25T08:00:00-06:00',
    'CA,NY,far,800,air,acme,2026-11-25T09:00:00-08:00',
    'WA,OR,280,950,ltl,werner,2026-11-25T09:30:00-08:00',
  ].join('\n');
  await page.getByLabel('Shipments (CSV)').setInputFiles({ name: 'shipments.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByText('shipments.csv: 2 shipments ready, 2 problems').waitFor();
  await page.getByText('line 3: mode must be one of ftl, ltl, intermodal, got "air"').waitFor();
  await page.getByRole('button', { name: 'Submit the job' }).click();
  const bar = page.locator('progress');
  await page.getByRole('heading', { name: `Job ${JOB_ID}` }).waitFor();
  assert.equal(await bar.getAttribute('value'), '0');
  assert.equal(uploads.length, 1);
  assert.match(uploads[0].contentType, /^multipart\/form-data; boundary=/);
  assert.match(uploads[0].body, /name="file"; filename="shipments.csv"/);
  assert.ok(uploads[0].body.includes([
    'origin,destination,distance_km,weight_kg,mode,carrier,pickup_at',
    'TX,IL,1480,12000,ftl,swift,2026-11-25T08:00:00-06:00',
    'WA,OR,280,950,ltl,werner,2026-11-25T09:30:00-08:00',
  ].join('\n')), 'the good rows are uploaded as CSV, the bad one is not');
  traceIdOf(uploads[0].traceparent); // the job request started a trace

  sendEvent('inference.job.progress', { job_id: JOB_ID, user_id: USER_ID, progress: 50, processed_items: 1, total_items: 2 });
  await page.waitForFunction(() => document.querySelector('progress')?.getAttribute('value') === '50');
  await shot('flows-01-job-progress');
  sendEvent('inference.job.completed', {
    job_id: JOB_ID, user_id: USER_ID, model_version: '1.1.2726225545', total_items: 2, succeeded_items: 2, failed_items: 0,
    result_url: `/api/inference/v1/jobs/${JOB_ID}/result`, duration_ms: 42, completed_at: new Date().toISOString(),
  });
  await page.getByText('Status: succeeded').waitFor();
  assert.equal(await bar.getAttribute('value'), '100');
  await page.getByText('2 of 2 shipments predicted, model 1.1.2726225545.').waitFor();
  assert.equal(acks.length, 2, 'every event was acknowledged');
  await shot('flows-02-job-done');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the predictions (CSV)' }).click()]);
  assert.equal(download.suggestedFilename(), `job-${JOB_ID}.csv`);
  assert.equal(await page.getByRole('link', { name: 'trace' }).count(), 0, 'a user sees no trace link');
});

test('a report: progress with its stage, then the chart inline and a download', async () => {
  await page.getByRole('link', { name: 'Reports' }).click();
  await page.getByLabel('Report', { exact: true }).selectOption('inference-usage');
  await page.getByLabel('Grouped by').selectOption('lane');
  await page.getByRole('button', { name: 'Request the report' }).click();
  await page.getByText('Status: queued').waitFor();
  assert.equal(reportRequests.length, 1);
  assert.deepEqual(Object.keys(reportRequests[0]), ['type', 'params', 'traceparent']);
  traceIdOf(reportRequests[0].traceparent);
  assert.equal(reportRequests[0].type, 'inference-usage');
  assert.deepEqual({ granularity: reportRequests[0].params.granularity, group_by: reportRequests[0].params.group_by }, { granularity: 'day', group_by: 'lane' });
  assert.match(reportRequests[0].params.from, /^\d{4}-\d{2}-\d{2}$/);
  sendEvent('report.progress', { report_id: REPORT_ID, user_id: USER_ID, report_type: 'inference-usage', progress: 60, stage: 'rendering' });
  await page.getByText('Status: queued (rendering)').waitFor();
  await page.waitForFunction(() => document.querySelector('progress')?.getAttribute('value') === '60');
  sendEvent('report.ready', {
    report_id: REPORT_ID, user_id: USER_ID, report_type: 'inference-usage', formats: ['csv', 'xlsx', 'json', 'png'],
    download_url: `/api/reports/${REPORT_ID}/download`, row_count: 24, completed_at: new Date().toISOString(),
  });
  const chart = page.getByRole('img', { name: 'Chart of the inference-usage report' });
  await chart.waitFor();
  assert.ok(await chart.evaluate((img) => img.complete && img.naturalWidth === 4), 'the PNG is shown');
  await page.getByText('24 rows.').waitFor();
  await shot('flows-03-report-ready');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  assert.equal(download.suggestedFilename(), `inference-usage-${REPORT_ID}.csv`);
  assert.equal(await page.getByRole('link', { name: 'trace' }).count(), 0, 'a user sees no trace link');
});

test('the notification page lists what arrived, newest first', async () => {
  await page.getByRole('link', { name: 'Notifications' }).click();
  const live = page.getByRole('list', { name: 'Live notifications, newest first' });
  await live.waitFor();
  const items = await live.locator(':scope > li strong').allInnerTexts();
  assert.deepEqual(items, ['report.ready', 'report.progress', 'inference.job.completed', 'inference.job.progress']);
});

test('a user has no Operations page in the navigation, and asked Prometheus nothing', async () => {
  assert.equal(await page.getByRole('link', { name: 'Operations' }).count(), 0);
  assert.equal(await page.getByRole('link', { name: 'Administration' }).count(), 0);
  assert.equal(prometheusQueries.length, 0);
});

test('an admin sees the trace of the request that created a job or a report, linked to Zipkin', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  role = 'admin';
  await signIn();
  await page.getByRole('link', { name: 'Batch jobs' }).click();
  await uploadAndSubmit('origin,destination,distance_km,weight_kg,mode,carrier,pickup_at\nTX,IL,1480,12000,ftl,swift,2026-11-25T08:00:00-06:00\n');
  await page.getByRole('heading', { name: `Job ${JOB_ID}` }).waitFor();
  assert.equal(uploads.length, 2);
  const jobTrace = traceIdOf(uploads[1].traceparent);
  assert.notEqual(jobTrace, traceIdOf(uploads[0].traceparent), 'every request starts its own trace');
  const jobLink = page.getByRole('link', { name: 'trace' });
  assert.equal(await jobLink.getAttribute('href'), zipkinTrace(jobTrace));
  assert.equal(await jobLink.getAttribute('target'), '_blank');
  await shot('flows-04-job-trace-link');

  await page.getByRole('link', { name: 'Reports' }).click();
  await page.getByLabel('Report', { exact: true }).selectOption('inference-usage');
  await page.getByRole('button', { name: 'Request the report' }).click();
  await page.getByRole('heading', { name: /^inference-usage/ }).waitFor();
  assert.equal(reportRequests.length, 2);
  const reportTrace = traceIdOf(reportRequests[1].traceparent);
  assert.equal(await page.getByRole('link', { name: 'trace' }).getAttribute('href'), zipkinTrace(reportTrace));
});

test('an admin opens Operations: charts of the dashboard\'s series from Prometheus and every scrape target\'s up', async () => {
  await page.getByRole('link', { name: 'Operations' }).click();
  await page.getByRole('heading', { name: 'Operations', level: 1 }).waitFor();
  const targets = page.getByRole('table', { name: '1 of 2 targets up at the last scrape' });
  await targets.waitFor();
  assert.deepEqual(await targets.locator('tbody tr').allInnerTexts(), ['gateway\t127.0.0.1:8080\tup', 'inference-bridge\t127.0.0.1:8001\tdown']);

  const requests = page.getByRole('figure', { name: 'Requests per second' });
  await requests.waitFor();
  assert.equal(await requests.locator('svg path.line').count(), 2, 'one line per route');
  const rows = requests.getByRole('table', { name: "Requests per second: each line's latest and highest value" }).locator('tbody tr');
  assert.deepEqual(await rows.allInnerTexts(), ['auth-service\t0.02/s\t0.02/s', 'inference-bridge\t0.5/s\t0.9/s']);
  await page.getByRole('figure', { name: 'Dead letters, last 15 minutes' }).getByText('platform.events.dlq / reporting').waitFor();
  assert.equal(await page.getByRole('figure').count(), 9, 'every panel of the page');
  await shot('flows-05-operations');

  const ranges = prometheusQueries.filter((q) => q.path.endsWith('/query_range'));
  assert.ok(ranges.some((q) => q.query === 'route:gateway_latency_seconds:p95_5m'), 'the recording rules are charted');
  for (const q of ranges) {
    assert.equal(q.step, '30s');
    assert.equal(Number(q.end) - Number(q.start), 1800, 'the last 30 minutes');
  }
  assert.deepEqual(prometheusQueries.filter((q) => q.path.endsWith('/query')).map((q) => q.query), ['up']);
});

test('without Prometheus the Operations page says so instead of charts', async () => {
  prometheusDown = true;
  await page.getByRole('link', { name: 'Administration' }).click();
  await page.getByRole('link', { name: 'Operations' }).click();
  const alert = page.getByRole('alert');
  await alert.getByText('Prometheus is not available.').waitFor();
  await alert.getByText('Prometheus does not answer (PROMETHEUS_URL).').waitFor();
  assert.equal(await page.getByRole('figure').count(), 0);
  await shot('flows-06-operations-without-prometheus');
  prometheusDown = false;
});

test('nothing the pages did was refused by the Content-Security-Policy', () => {
  assert.deepEqual(cspViolations, []);
});
