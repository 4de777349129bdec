import { describe, expect, it } from 'vitest';
import { MAX_JOB_ITEMS, itemsFromCsv, lineOfItemPointer, parseCsv, sampleCsv } from '../src/csv';

const HEADER = 'distance_km,weight_kg,carrier,service_level,origin_region,destination_region,pickup_at';

describe('CSV records', () => {
  it('handles quotes, escaped quotes, commas and newlines inside quotes, CRLF and a BOM', () => {
    expect(parseCsv('\uFEFFa,"b,1","say ""hi"""\r\n"multi\nline",2,\n')).toEqual([
      ['a', 'b,1', 'say "hi"'],
      ['multi\nline', '2', ''],
    ]);
  });
});

describe('batch CSV to shipments', () => {
  it('reads the sample the page offers, with the optional columns', () => {
    const { items, lines, problems } = itemsFromCsv(sampleCsv());
    expect(problems).toEqual([]);
    expect(lines).toEqual([2, 3]);
    expect(items[1]).toEqual({
      distance_km: 35, weight_kg: 1.2, carrier: 'dpd', service_level: 'express', origin_region: 'NL-NH',
      destination_region: 'NL-UT', pickup_at: '2026-11-24T09:30:00Z', package_count: 1, is_fragile: true,
    });
  });

  it('defaults package_count and is_fragile when their columns are absent, in any column order', () => {
    const text = 'carrier,DISTANCE_KM,weight_kg,service_level,origin_region,destination_region,pickup_at\nUPS,10,2,economy,de-be,de-hh,2026-11-24T08:00:00Z\n';
    expect(itemsFromCsv(text)).toMatchObject({
      items: [{ distance_km: 10, carrier: 'ups', origin_region: 'DE-BE', package_count: 1, is_fragile: false }],
      problems: [],
    });
  });

  it('names the missing columns', () => {
    expect(itemsFromCsv('distance_km,weight_kg\n1,2\n').problems).toEqual([
      { line: 1, message: 'the header must name the columns carrier, service_level, origin_region, destination_region, pickup_at' },
    ]);
  });

  it('reports every bad value with its line and column, and keeps the good rows', () => {
    const text = `${HEADER},package_count\n1,2,dhl,standard,DE-BE,DE-BY,2026-11-24T08:00:00Z,1\nfar,2,pigeon,standard,DE-BE,,2026-11-24T08:00:00Z,1.5\n`;
    const { items, lines, problems } = itemsFromCsv(text);
    expect(items).toHaveLength(1);
    expect(lines).toEqual([2]);
    expect(problems).toEqual([
      { line: 3, column: 'distance_km', message: 'distance_km must be a number, got "far"' },
      { line: 3, column: 'carrier', message: 'carrier must be one of dhl, ups, fedex, dpd, gls, postnl, got "pigeon"' },
      { line: 3, column: 'package_count', message: 'package_count must be a whole number, got "1.5"' },
      { line: 3, column: 'destination_region', message: 'destination_region is empty' },
    ]);
  });

  it('says when a file has no shipments, or more than one job takes', () => {
    expect(itemsFromCsv(`${HEADER}\n\n`).problems).toEqual([{ line: 2, message: 'the file has no shipments' }]);
    const row = '1,2,dhl,standard,DE-BE,DE-BY,2026-11-24T08:00:00Z';
    const big = itemsFromCsv([HEADER, ...Array.from({ length: MAX_JOB_ITEMS + 1 }, () => row)].join('\n'));
    expect(big.problems).toEqual([{ line: MAX_JOB_ITEMS + 2, message: `one job takes at most ${MAX_JOB_ITEMS} shipments; the file has ${MAX_JOB_ITEMS + 1}` }]);
  });

  it('maps a service error on /body/items/<n> back to the line of the file', () => {
    expect(lineOfItemPointer('/body/items/1/weight_kg', [2, 5, 6])).toBe(5);
    expect(lineOfItemPointer('/body/items/9', [2])).toBeNull();
    expect(lineOfItemPointer('/body/model_version', [2])).toBeNull();
  });
});
