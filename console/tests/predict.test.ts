import { describe, expect, it } from 'vitest';
import { rfc3339OfLocalInput } from '../src/pages/PredictPage';

describe('the pickup time of the prediction form', () => {
  it('keeps the local time and adds the browser\'s offset (the model reads the local hour)', () => {
    expect(rfc3339OfLocalInput('2026-11-24T08:00', 360)).toBe('2026-11-24T08:00:00-06:00');
    expect(rfc3339OfLocalInput('2026-11-24T08:00', -330)).toBe('2026-11-24T08:00:00+05:30');
    expect(rfc3339OfLocalInput('2026-11-24T08:00:30', 0)).toBe('2026-11-24T08:00:30Z');
  });

  it('leaves what is not a datetime-local value for the service to refuse', () => {
    expect(rfc3339OfLocalInput('', 0)).toBe('');
    expect(rfc3339OfLocalInput('tomorrow', 60)).toBe('tomorrow');
  });
});
