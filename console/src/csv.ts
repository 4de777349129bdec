import { CARRIERS, type EtaFeatures, SERVICE_LEVELS } from './api/inference';

/** The header a batch CSV must have: the EtaFeatures fields; package_count and is_fragile may be left out. */
export const CSV_COLUMNS = [
  'distance_km', 'weight_kg', 'carrier', 'service_level', 'origin_region', 'destination_region', 'pickup_at',
  'package_count', 'is_fragile',
] as const satisfies readonly (keyof EtaFeatures)[];
const REQUIRED_COLUMNS = CSV_COLUMNS.slice(0, 7);

/** The inference contract's limit on one job (CreateJobRequest.items.maxItems). */
export const MAX_JOB_ITEMS = 10_000;

export interface CsvProblem {
  /** 1-based line of the file (the header is line 1). */
  line: number;
  column?: string;
  message: string;
}

export interface CsvItems {
  items: EtaFeatures[];
  /** The file line each item came from, in item order. */
  lines: number[];
  problems: CsvProblem[];
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

/**
 * The shipments of a batch CSV, checked for what the form can know (columns, numbers, enums, booleans,
 * the item limit). Ranges and patterns are the service's to check: its errors point back to lines with
 * lineOfItemPointer.
 */
export function itemsFromCsv(text: string): CsvItems {
  const rows = parseCsv(text);
  const problems: CsvProblem[] = [];
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (rows.length === 0 || missing.length > 0) {
    return { items: [], lines: [], problems: [{ line: 1, message: `the header must name the columns ${missing.join(', ') || CSV_COLUMNS.join(', ')}` }] };
  }
  const unknown = header.filter((h) => h !== '' && !(CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length > 0) problems.push({ line: 1, message: `unknown columns: ${unknown.join(', ')}` });
  const items: EtaFeatures[] = [];
  const lines: number[] = [];
  rows.slice(1).forEach((cells, index) => {
    const line = index + 2;
    if (cells.every((c) => c.trim() === '')) return; // blank lines, e.g. the file's last newline
    const value = (column: string) => (cells[header.indexOf(column)] ?? '').trim();
    const rowProblems: CsvProblem[] = [];
    const number = (column: string, integer = false): number => {
      const raw = value(column);
      const parsed = Number(raw);
      if (raw === '' || !Number.isFinite(parsed) || (integer && !Number.isInteger(parsed))) {
        rowProblems.push({ line, column, message: `${column} must be ${integer ? 'a whole number' : 'a number'}, got "${raw}"` });
      }
      return parsed;
    };
    const oneOf = <T extends string>(column: string, allowed: readonly T[]): T => {
      const raw = value(column).toLowerCase();
      if (!(allowed as readonly string[]).includes(raw)) {
        rowProblems.push({ line, column, message: `${column} must be one of ${allowed.join(', ')}, got "${raw}"` });
      }
      return raw as T;
    };
    const item: EtaFeatures = {
      distance_km: number('distance_km'),
      weight_kg: number('weight_kg'),
      carrier: oneOf('carrier', CARRIERS),
      service_level: oneOf('service_level', SERVICE_LEVELS),
      origin_region: value('origin_region').toUpperCase(),
      destination_region: value('destination_region').toUpperCase(),
      pickup_at: value('pickup_at'),
      package_count: header.includes('package_count') && value('package_count') !== '' ? number('package_count', true) : 1,
      is_fragile: header.includes('is_fragile') && value('is_fragile') !== '' ? oneOf('is_fragile', ['true', 'false'] as const) === 'true' : false,
    };
    for (const column of ['origin_region', 'destination_region', 'pickup_at'] as const) {
      if (item[column] === '') rowProblems.push({ line, column, message: `${column} is empty` });
    }
    problems.push(...rowProblems);
    if (rowProblems.length === 0) {
      items.push(item);
      lines.push(line);
    }
  });
  if (items.length === 0 && problems.length === 0) problems.push({ line: 2, message: 'the file has no shipments' });
  if (items.length > MAX_JOB_ITEMS) {
    problems.push({ line: MAX_JOB_ITEMS + 2, message: `one job takes at most ${MAX_JOB_ITEMS} shipments; the file has ${items.length}` });
  }
  return { items, lines, problems };
}

/**
 * The CSV line of a service error on /body/items/<n>/…, when every item came from a valid row. Rows
 * with problems are never submitted, so the mapping needs the lines of the submitted items.
 */
export function lineOfItemPointer(pointer: string, itemLines: readonly number[]): number | null {
  const match = /^\/body\/items\/(\d+)(\/|$)/.exec(pointer);
  if (!match) return null;
  return itemLines[Number(match[1])] ?? null;
}

/** A two-row example the page offers to download, in exactly the accepted format. */
export function sampleCsv(): string {
  return [
    CSV_COLUMNS.join(','),
    '420.5,12.3,dhl,standard,DE-BE,DE-BY,2026-11-24T08:00:00Z,2,false',
    '35,1.2,dpd,express,NL-NH,NL-UT,2026-11-24T09:30:00Z,1,true',
    '',
  ].join('\n');
}
