import { useState } from 'react';
import { CARRIERS, type EtaFeatures, type EtaPrediction, SERVICE_LEVELS, predictEta } from '../api/inference';
import { ErrorSummary, Field, useSubmit } from '../components/forms';
import { useSession } from '../session';

/** datetime-local gives "2026-11-24T08:00" in local time; the contract wants RFC 3339 UTC. */
export function utcOfLocalInput(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function localInputOfNow(): string {
  const now = new Date(Date.now() + 60 * 60 * 1000);
  now.setMinutes(0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}`;
}

export function PredictPage() {
  const { api, user } = useSession();
  const [form, setForm] = useState({
    distance_km: '420', weight_kg: '12.5', carrier: 'dhl', service_level: 'standard',
    origin_region: 'DE-BE', destination_region: 'DE-BY', pickup_at: localInputOfNow(), package_count: '1', is_fragile: false,
  });
  const [prediction, setPrediction] = useState<EtaPrediction | null>(null);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const { busy, errors, submit } = useSubmit(async () => {
    setPrediction(null);
    const features: EtaFeatures = {
      distance_km: Number(form.distance_km),
      weight_kg: Number(form.weight_kg),
      carrier: form.carrier as EtaFeatures['carrier'],
      service_level: form.service_level as EtaFeatures['service_level'],
      origin_region: form.origin_region.trim().toUpperCase(),
      destination_region: form.destination_region.trim().toUpperCase(),
      pickup_at: utcOfLocalInput(form.pickup_at),
      package_count: Number(form.package_count),
      is_fragile: form.is_fragile,
    };
    setPrediction(await predictEta(api, features));
  });
  if (user?.role === 'viewer') return <p>Viewers can read but not run predictions. Ask an admin for the user role.</p>;
  return (
    <>
      <form onSubmit={(e) => void submit(e)} noValidate className="grid">
        <ErrorSummary errors={errors} />
        <Field label="Distance (km)" name="distance_km" errors={errors}>
          {(p) => <input {...p} type="number" inputMode="decimal" min="0" step="any" required value={form.distance_km} onChange={set('distance_km')} />}
        </Field>
        <Field label="Weight (kg)" name="weight_kg" errors={errors}>
          {(p) => <input {...p} type="number" inputMode="decimal" min="0" step="any" required value={form.weight_kg} onChange={set('weight_kg')} />}
        </Field>
        <Field label="Carrier" name="carrier" errors={errors}>
          {(p) => <select {...p} value={form.carrier} onChange={set('carrier')}>{CARRIERS.map((c) => <option key={c}>{c}</option>)}</select>}
        </Field>
        <Field label="Service level" name="service_level" errors={errors}>
          {(p) => <select {...p} value={form.service_level} onChange={set('service_level')}>{SERVICE_LEVELS.map((s) => <option key={s}>{s}</option>)}</select>}
        </Field>
        <Field label="Origin region" name="origin_region" errors={errors} hint="ISO 3166-2, e.g. DE-BE">
          {(p) => <input {...p} required value={form.origin_region} onChange={set('origin_region')} />}
        </Field>
        <Field label="Destination region" name="destination_region" errors={errors} hint="ISO 3166-2, e.g. DE-BY">
          {(p) => <input {...p} required value={form.destination_region} onChange={set('destination_region')} />}
        </Field>
        <Field label="Pickup (your local time)" name="pickup_at" errors={errors}>
          {(p) => <input {...p} type="datetime-local" required value={form.pickup_at} onChange={set('pickup_at')} />}
        </Field>
        <Field label="Parcels" name="package_count" errors={errors}>
          {(p) => <input {...p} type="number" min="1" max="1000" step="1" value={form.package_count} onChange={set('package_count')} />}
        </Field>
        <Field label="Fragile" name="is_fragile" errors={errors}>
          {(p) => <input {...p} type="checkbox" checked={form.is_fragile} onChange={(e) => setForm({ ...form, is_fragile: e.target.checked })} />}
        </Field>
        <button type="submit" disabled={busy}>{busy ? 'Predicting…' : 'Predict'}</button>
      </form>
      <section aria-live="polite" aria-label="Prediction">
        {prediction ? (
          <dl className="result">
            <dt>Transit time</dt><dd>{prediction.eta_hours.toFixed(1)} h (80 %: {prediction.interval_hours.lower.toFixed(1)}–{prediction.interval_hours.upper.toFixed(1)} h)</dd>
            <dt>Estimated delivery</dt><dd>{new Date(prediction.estimated_delivery_at).toLocaleString()}</dd>
            <dt>Model</dt><dd>{prediction.model_version}</dd>
          </dl>
        ) : null}
      </section>
    </>
  );
}
