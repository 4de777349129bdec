import { MODES, type Shipment, usStateCode } from './api/inference';

/**
 * The header of a batch CSV: the seven Shipment fields, as the inference contract's CSV upload names them
 * (POST /api/inference/v1/jobs, multipart `file`). Every column is required; the service refuses others.
 */
export const CSV_COLUMNS = [
  'origin', 'destination', 'distance_km', 'weight_kg', 'mode', 'carrier', 'pickup_at',
] as const satisfies readonly (keyof Shipment)[];

/** The inference contract's limit on one job (CreateJobRequest.shipments.maxItems). */
export const MAX_JOB_ROWS = 100_000;

/** The gateway refuses larger request bodies with 413 (GATEWAY_MAX_BODY_SIZE, default 2 MB). */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;

const CARRIER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
// RFC 3339 with a mandatory offset, as the service reads pickup_at (the local hour and weekday matter).
const RFC3339_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

export interface CsvProblem {
  /** 1-based line of the file (the header is line 1). */
  line: number;
  column?: string;
  message: string;
}

export interface CsvShipments {
  shipments: Shipment[];
  /** The file line each shipment came from, in shipment order. */
  lines: number[];
  problems: CsvProblem[];
  /** The upload: the good rows only, with the contract's header, in RFC 4180 form. */
  upload: string;
  uploadBytes: number;
}

/** RFC 4180 records: quoted fields with "" escapes, commas and newlines inside quotes, CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quoted) {
      if (c === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && source[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The shipments as the CSV the service accepts: the contract's header, one row per shipment. */
export function csvOfShipments(shipments: readonly Shipment[]): string {
  const rows = shipments.map((s) => CSV_COLUMNS.map((column) => csvField(s[column])).join(','));
  return [CSV_COLUMNS.join(','), ...rows, ''].join('\n');
}

/**
 * The shipments of a batch CSV, checked for what the form can know (columns, numbers, the mode, the shapes
 * of a state code, a carrier id and a pickup time, the row and size limits). Ranges and the list of states
 * are the service's to check: its errors point back to lines with lineOfRowPointer.
 */
export function shipmentsFromCsv(text: string): CsvShipments {
  const rows = parseCsv(text);
  const problems: CsvProblem[] = [];
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  if (rows.length === 0 || missing.length > 0) {
    return { shipments: [], lines: [], upload: '', uploadBytes: 0, problems: [{ line: 1, message: `the header must name the columns ${missing.join(', ') || CSV_COLUMNS.join(', ')}` }] };
  }
  const unknown = header.filter((h) => h !== '' && !(CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length > 0) problems.push({ line: 1, message: `unknown columns (left out of the upload): ${unknown.join(', ')}` });
  const shipments: Shipment[] = [];
  const lines: number[] = [];
  rows.slice(1).forEach((cells, index) => {
    const line = index + 2;
    if (cells.every((c) => c.trim() === '')) return; // blank lines, e.g. the file's last newline
    const value = (column: string) => (cells[header.indexOf(column)] ?? '').trim();
    const rowProblems: CsvProblem[] = [];
    const expect = (column: string, ok: boolean, should: string) => {
      if (!ok) rowProblems.push({ line, column, message: `${column} must be ${should}, got "${value(column)}"` });
    };
    const number = (column: string): number => {
      const raw = value(column);
      const parsed = Number(raw);
      expect(column, raw !== '' && Number.isFinite(parsed), 'a number');
      return parsed;
    };
    const origin = usStateCode(value('origin').toUpperCase());
    const destination = usStateCode(value('destination').toUpperCase());
    const shipment: Shipment = {
      origin: origin ?? 'TX', // with a problem recorded above, the row is not sent
      destination: destination ?? 'TX',
      distance_km: number('distance_km'),
      weight_kg: number('weight_kg'),
      mode: value('mode').toLowerCase() as Shipment['mode'],
      carrier: value('carrier'),
      pickup_at: value('pickup_at'),
    };
    expect('origin', origin !== undefined, 'a two-letter US state code such as TX');
    expect('destination', destination !== undefined, 'a two-letter US state code such as TX');
    expect('mode', MODES.includes(shipment.mode), `one of ${MODES.join(', ')}`);
    expect('carrier', shipment.carrier.length <= 64 && CARRIER_ID.test(shipment.carrier), 'a carrier id (letters, digits, _ . -)');
    expect('pickup_at', RFC3339_WITH_OFFSET.test(shipment.pickup_at), 'an RFC 3339 time with an offset, such as 2026-11-25T08:00:00-06:00');
    problems.push(...rowProblems);
    if (rowProblems.length === 0) {
      shipments.push(shipment);
      lines.push(line);
    }
  });
  if (shipments.length === 0 && problems.length === 0) problems.push({ line: 2, message: 'the file has no shipments' });
  if (shipments.length > MAX_JOB_ROWS) {
    problems.push({ line: MAX_JOB_ROWS + 2, message: `one job takes at most ${MAX_JOB_ROWS} shipments; the file has ${shipments.length}` });
  }
  const upload = shipments.length > 0 ? csvOfShipments(shipments) : '';
  const uploadBytes = new TextEncoder().encode(upload).length;
  if (uploadBytes > MAX_UPLOAD_BYTES) {
    problems.push({ line: 1, message: `the upload would be ${(uploadBytes / 1024 / 1024).toFixed(1)} MB; the gateway takes at most 2 MB per request: split the file` });
  }
  return { shipments, lines, problems, upload, uploadBytes };
}

/** Whether the upload can be sent: shipments, and none of the limits that would make the whole job fail. */
export function canSubmit(parsed: CsvShipments): boolean {
  return parsed.shipments.length > 0 && parsed.shipments.length <= MAX_JOB_ROWS && parsed.uploadBytes <= MAX_UPLOAD_BYTES;
}

/**
 * The file line of a service error on `/body/file/<n>/…` (the uploaded CSV's data rows, from 0) or
 * `/body/shipments/<n>/…`. Rows with problems are never uploaded, so the mapping needs the lines of the
 * uploaded rows.
 */
export function lineOfRowPointer(pointer: string, rowLines: readonly number[]): number | null {
  const match = /^\/body\/(?:file|shipments)\/(\d+)(\/|$)/.exec(pointer);
  if (!match) return null;
  return rowLines[Number(match[1])] ?? null;
}

/** A two-row example the page offers to download, in exactly the accepted format. */
export function sampleCsv(): string {
  return [
    CSV_COLUMNS.join(','),
    'TX,IL,1480,12000,ftl,swift,2026-11-24T08:00:00-06:00',
    'CA,NY,4500,800,ltl,acme-freight,2026-11-27T16:30:00-08:00',
    '',
  ].join('\n');
}
