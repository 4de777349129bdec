import { useState } from 'react';
import { type EtaPrediction, MODES, type Shipment, predictEta, usStateCode } from '../api/inference';
import { ErrorSummary, Field, useSubmit } from '../components/forms';
import { useSession } from '../session';

/**
 * datetime-local gives "2026-11-24T08:00", the browser's local time; the contract wants RFC 3339 with an
 * offset (the local hour and weekday matter to the model), so the local offset goes along.
 * `offsetMinutes` is Date#getTimezoneOffset's (minutes behind UTC), by default the browser's at that time.
 */
export function rfc3339OfLocalInput(value: string, offsetMinutes?: number): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(value);
  if (!match) return value;
  const offset = offsetMinutes ?? new Date(value).getTimezoneOffset();
  const sign = offset > 0 ? '-' : '+';
  const pad = (n: number) => String(Math.floor(n)).padStart(2, '0');
  const suffix = offset === 0 ? 'Z' : `${sign}${pad(Math.abs(offset) / 60)}:${pad(Math.abs(offset) % 60)}`;
  return `${match[1]}T${match[2]}${match[3] ?? ':00'}${suffix}`;
}

function localInputOfNow(): string {
  const now = new Date(Date.now() + 60 * 60 * 1000);
  now.setMinutes(0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}`;
}

export function PredictPage() {
  const { api } = useSession();  // every role predicts (viewers too): only jobs need the user role
  const [form, setForm] = useState({
    origin: 'TX', destination: 'IL', distance_km: '1480', weight_kg: '12000', mode: 'ftl', carrier: 'swift',
    pickup_at: localInputOfNow(),
  });
  const [prediction, setPrediction] = useState<EtaPrediction | null>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const { busy, errors, submit } = useSubmit(async () => {
    setPrediction(null);
    // A code the contract does not know is sent as typed: the service's 422 names the field, as for any other value.
    const stateOf = (typed: string) => usStateCode(typed.trim().toUpperCase()) ?? (typed.trim().toUpperCase() as Shipment['origin']);
    const shipment: Shipment = {
      origin: stateOf(form.origin),
      destination: stateOf(form.destination),
      distance_km: Number(form.distance_km),
      weight_kg: Number(form.weight_kg),
      mode: form.mode as Shipment['mode'],
      carrier: form.carrier.trim(),
      pickup_at: rfc3339OfLocalInput(form.pickup_at),
    };
    setPrediction(await predictEta(api, shipment));
  });
  return (
    <>
      <form onSubmit={(e) => void submit(e)} noValidate className="grid">
        <ErrorSummary errors={errors} />
        <Field label="Origin state" name="origin" errors={errors} hint="two-letter US state code, e.g. TX">
          {(p) => <input {...p} required maxLength={2} autoCapitalize="characters" value={form.origin} onChange={set('origin')} />}
        </Field>
        <Field label="Destination state" name="destination" errors={errors} hint="two-letter US state code, e.g. IL">
          {(p) => <input {...p} required maxLength={2} autoCapitalize="characters" value={form.destination} onChange={set('destination')} />}
        </Field>
        <Field label="Distance (km)" name="distance_km" errors={errors}>
          {(p) => <input {...p} type="number" inputMode="decimal" min="0" max="10000" step="any" required value={form.distance_km} onChange={set('distance_km')} />}
        </Field>
        <Field label="Weight (kg)" name="weight_kg" errors={errors}>
          {(p) => <input {...p} type="number" inputMode="decimal" min="0" max="50000" step="any" required value={form.weight_kg} onChange={set('weight_kg')} />}
        </Field>
        <Field label="Mode" name="mode" errors={errors} hint="full truckload, less than truckload, or rail and truck">
          {(p) => <select {...p} value={form.mode} onChange={set('mode')}>{MODES.map((m) => <option key={m}>{m}</option>)}</select>}
        </Field>
        <Field label="Carrier" name="carrier" errors={errors} hint="carrier id, e.g. swift; an unknown one is predicted as other">
          {(p) => <input {...p} required maxLength={64} value={form.carrier} onChange={set('carrier')} />}
        </Field>
        <Field label="Pickup (your local time)" name="pickup_at" errors={errors}>
          {(p) => <input {...p} type="datetime-local" required value={form.pickup_at} onChange={set('pickup_at')} />}
        </Field>
        <button type="submit" disabled={busy}>{busy ? 'Predicting…' : 'Predict'}</button>
      </form>
      <section aria-live="polite" aria-label="Prediction">
        {prediction ? (
          <dl className="result">
            <dt>Transit time</dt><dd>{prediction.transit_hours.toFixed(1)} h</dd>
            <dt>Estimated arrival</dt><dd>{new Date(prediction.eta).toLocaleString()}</dd>
            <dt>Risk of delay</dt><dd>{(prediction.delay_probability * 100).toFixed(1)} %</dd>
            <dt>Model</dt><dd>{prediction.model_version}</dd>
          </dl>
        ) : null}
      </section>
    </>
  );
}
