import { useEffect, useState } from 'react';
import { queryNow, queryRange } from '../api/operations';
import { ApiError } from '../api/problem';
import { errorsOf } from '../components/forms';
import { LineChart } from '../operations/LineChart';
import { PANEL_GROUPS, TARGETS_QUERY } from '../operations/panels';
import { type Series, type Target, toSeries, toTargets } from '../operations/series';
import { useSession } from '../session';

/** The last half hour, one point every 30 s (60 per line), fetched again every 30 s. */
const WINDOW_SECONDS = 30 * 60;
const STEP_SECONDS = 30;
const REFRESH_MS = 30_000;
const PANELS = PANEL_GROUPS.flatMap((group) => group.panels);

interface Snapshot {
  targets: Target[];
  series: Record<string, Series[]>;
  from: number;
  to: number;
  at: Date;
}

type Failure = { unavailable: boolean; message: string };

/** Every panel's range query and the targets' `up`, at once; one failure fails the whole refresh. */
async function snapshot(api: Parameters<typeof queryNow>[0]): Promise<Snapshot> {
  const to = Math.floor(Date.now() / 1000 / STEP_SECONDS) * STEP_SECONDS;
  const from = to - WINDOW_SECONDS;
  const [up, ...answers] = await Promise.all([
    queryNow(api, TARGETS_QUERY),
    ...PANELS.map((panel) => queryRange(api, panel.query, from, to, STEP_SECONDS)),
  ]);
  const series = Object.fromEntries(PANELS.map((panel, index) => [panel.id, answers[index] ? toSeries(answers[index], panel.legend) : []]));
  return { targets: toTargets(up), series, from, to, at: new Date() };
}

/**
 * What Prometheus sees of the platform, through the gateway's admin-only query API: the Grafana dashboard's main
 * series over the last half hour, and every scrape target's `up`. Without Prometheus (a 503) it says so, and keeps
 * trying at each refresh.
 */
export function OperationsPage() {
  const { api } = useSession();
  const [data, setData] = useState<Snapshot | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);

  useEffect(() => {
    let current = true;
    const refresh = () => {
      snapshot(api).then(
        (next) => {
          if (!current) return;
          setData(next);
          setFailure(null);
        },
        (error: unknown) => {
          if (!current) return;
          setFailure({ unavailable: error instanceof ApiError && error.status === 503, message: errorsOf(error).summary });
        },
      );
    };
    refresh();
    const timer = window.setInterval(refresh, REFRESH_MS);
    return () => {
      current = false;
      window.clearInterval(timer);
    };
  }, [api]);

  return (
    <>
      <p className="hint">
        From Prometheus, through the gateway: the last {WINDOW_SECONDS / 60} minutes, refreshed every {REFRESH_MS / 1000} s.
        {data ? ` Updated at ${data.at.toLocaleTimeString()}.` : ''}
      </p>
      {failure ? (
        <div role="alert" className="error-summary">
          <p><strong>{failure.unavailable ? 'Prometheus is not available.' : 'The metrics could not be read.'}</strong> {failure.message}</p>
          {failure.unavailable ? (
            <p>
              <code>./platform up</code> starts Prometheus when a <code>prometheus</code> binary is on PATH (and not with
              <code> --no-observability</code>); compose runs one. This page tries again every {REFRESH_MS / 1000} s.
            </p>
          ) : null}
        </div>
      ) : null}
      {!data && !failure ? <p role="status">Loading…</p> : null}
      {data ? (
        <>
          <section aria-labelledby="targets-heading">
            <h2 id="targets-heading">Scrape targets</h2>
            <table>
              <caption>
                {data.targets.filter((t) => t.up).length} of {data.targets.length} targets up at the last scrape
              </caption>
              <thead><tr><th scope="col">Part (job)</th><th scope="col">Instance</th><th scope="col">State</th></tr></thead>
              <tbody>
                {data.targets.map((target) => (
                  <tr key={`${target.job} ${target.instance}`}>
                    <th scope="row">{target.job}</th>
                    <td>{target.instance}</td>
                    <td className={target.up ? 'state-up' : 'state-down'}>{target.up ? 'up' : 'down'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          {PANEL_GROUPS.map((group) => (
            <section key={group.title} aria-label={group.title}>
              <h2>{group.title}</h2>
              <div className="chart-grid">
                {group.panels.map((panel) => (
                  <LineChart key={panel.id} title={panel.title} description={panel.description} unit={panel.unit}
                    series={data.series[panel.id] ?? []} from={data.from} to={data.to} step={STEP_SECONDS} />
                ))}
              </div>
            </section>
          ))}
        </>
      ) : null}
    </>
  );
}
