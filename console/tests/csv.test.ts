import { describe, expect, it } from 'vitest';
import {
  CSV_COLUMNS, MAX_JOB_ROWS, MAX_UPLOAD_BYTES, canSubmit, csvOfShipments, lineOfRowPointer, parseCsv, sampleCsv,
  shipmentsFromCsv,
} from '../src/csv';

const HEADER = 'origin,destination,distance_km,weight_kg,mode,carrier,pickup_at';
const ROW = 'TX,IL,1480,12000,ftl,swift,2026-11-24T08:00:00-06:00';

describe('CSV records', () => {
  it('handles quotes, escaped quotes, commas and newlines inside quotes, CRLF and a BOM', () => {
    expect(parseCsv('\uFEFFa,"b,1","say ""hi"""\r\n"multi\nline",2,\n')).toEqual([
      ['a', 'b,1', 'say "hi"'],
      ['multi\nline', '2', ''],
    ]);
  });
});

describe('batch CSV to shipments', () => {
  it('has the columns of the inference contract\'s CSV upload, in its order', () => {
    expect(CSV_COLUMNS.join(',')).toBe(HEADER);
  });

  it('reads the sample the page offers, and uploads it unchanged', () => {
    const parsed = shipmentsFromCsv(sampleCsv());
    expect(parsed.problems).toEqual([]);
    expect(parsed.lines).toEqual([2, 3]);
    expect(parsed.shipments[1]).toEqual({
      origin: 'CA', destination: 'NY', distance_km: 4500, weight_kg: 800, mode: 'ltl', carrier: 'acme-freight',
      pickup_at: '2026-11-27T16:30:00-08:00',
    });
    expect(parsed.upload).toBe(sampleCsv());
    expect(canSubmit(parsed)).toBe(true);
  });

  it('takes the columns in any order and case, and uploads them in the contract\'s order', () => {
    const text = 'CARRIER,mode,Origin,destination,distance_km,weight_kg,pickup_at\nwerner,LTL,tx,il,10,2,2026-11-24T08:00:00Z\n';
    const parsed = shipmentsFromCsv(text);
    expect(parsed).toMatchObject({
      shipments: [{ origin: 'TX', destination: 'IL', mode: 'ltl', carrier: 'werner', distance_km: 10 }],
      problems: [],
    });
    expect(parsed.upload).toBe(`${HEADER}\nTX,IL,10,2,ltl,werner,2026-11-24T08:00:00Z\n`);
  });

  it('names the missing columns, and leaves unknown ones out of the upload', () => {
    expect(shipmentsFromCsv('origin,destination\nTX,IL\n').problems).toEqual([
      { line: 1, message: 'the header must name the columns distance_km, weight_kg, mode, carrier, pickup_at' },
    ]);
    const extra = shipmentsFromCsv(`${HEADER},note\n${ROW},"hello, world"\n`);
    expect(extra.problems).toEqual([{ line: 1, message: 'unknown columns (left out of the upload): note' }]);
    expect(extra.upload).toBe(`${HEADER}\n${ROW}\n`);
  });

  it('reports every bad value with its line and column, and uploads only the good rows', () => {
    const text = `${HEADER}\n${ROW}\nTexas,IL,far,2,air,-bad,2026-11-24T08:00:00\n`;
    const { shipments, lines, problems, upload } = shipmentsFromCsv(text);
    expect(shipments).toHaveLength(1);
    expect(lines).toEqual([2]);
    expect(problems).toEqual([
      { line: 3, column: 'distance_km', message: 'distance_km must be a number, got "far"' },
      { line: 3, column: 'origin', message: 'origin must be a two-letter US state code such as TX, got "Texas"' },
      { line: 3, column: 'mode', message: 'mode must be one of ftl, ltl, intermodal, got "air"' },
      { line: 3, column: 'carrier', message: 'carrier must be a carrier id (letters, digits, _ . -), got "-bad"' },
      { line: 3, column: 'pickup_at', message: 'pickup_at must be an RFC 3339 time with an offset, such as 2026-11-25T08:00:00-06:00, got "2026-11-24T08:00:00"' },
    ]);
    expect(upload).toBe(`${HEADER}\n${ROW}\n`);
  });

  it('knows the state codes from the contract: a code of the right shape that the contract does not list is refused', () => {
    const { shipments, problems } = shipmentsFromCsv(`${HEADER}\n${ROW.replace(/^TX/, 'ZZ')}\n${ROW.replace(/^TX/, 'pr')}\n`);
    expect(problems).toEqual([
      { line: 2, column: 'origin', message: 'origin must be a two-letter US state code such as TX, got "ZZ"' },
    ]);
    expect(shipments.map((s) => s.origin)).toEqual(['PR']);
  });

  it('says when a file has no shipments, more than one job takes, or more than the gateway accepts', () => {
    const empty = shipmentsFromCsv(`${HEADER}\n\n`);
    expect(empty.problems).toEqual([{ line: 2, message: 'the file has no shipments' }]);
    expect(canSubmit(empty)).toBe(false);
    const tooMany = shipmentsFromCsv([HEADER, ...Array.from({ length: MAX_JOB_ROWS + 1 }, () => ROW)].join('\n'));
    expect(tooMany.problems[0]).toEqual({ line: MAX_JOB_ROWS + 2, message: `one job takes at most ${MAX_JOB_ROWS} shipments; the file has ${MAX_JOB_ROWS + 1}` });
    expect(canSubmit(tooMany)).toBe(false);
    const rows = Math.ceil(MAX_UPLOAD_BYTES / (ROW.length + 1)) + 1;
    const tooBig = shipmentsFromCsv([HEADER, ...Array.from({ length: rows }, () => ROW)].join('\n'));
    expect(tooBig.problems).toEqual([{ line: 1, message: expect.stringContaining('the gateway takes at most 2 MB per request') }]);
    expect(canSubmit(tooBig)).toBe(false);
  });

  it('quotes what needs quoting in the upload', () => {
    expect(csvOfShipments([{ origin: 'TX', destination: 'IL', distance_km: 1.5, weight_kg: 2, mode: 'ftl', carrier: 'a,b', pickup_at: 'x"y' }]))
      .toBe(`${HEADER}\nTX,IL,1.5,2,ftl,"a,b","x""y"\n`);
  });

  it('maps a service error on /body/file/<n> (data rows from 0) back to the line of the file', () => {
    expect(lineOfRowPointer('/body/file/1/weight_kg', [2, 5, 6])).toBe(5);
    expect(lineOfRowPointer('/body/shipments/0', [4])).toBe(4);
    expect(lineOfRowPointer('/body/file/9', [2])).toBeNull();
    expect(lineOfRowPointer('/body/file', [2])).toBeNull();
  });
});
