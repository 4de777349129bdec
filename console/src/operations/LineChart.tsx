import { useId } from 'react';
import { type Series, type Unit, axisTop, formatValue, linePath, summary } from './series';

const WIDTH = 480;
const HEIGHT = 160;
/** Colours come from the stylesheet (.series-N): the CSP allows no inline style. */
const PALETTE_SIZE = 8;

interface Props {
  title: string;
  description: string;
  series: Series[];
  unit: Unit;
  from: number;
  to: number;
  step: number;
}

const clock = (seconds: number) => new Date(seconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/**
 * A small SVG line chart: one line per series over [from, to], the value axis from 0 to a round top. Its text
 * alternative is the figure's caption and a table of each line's latest and highest value, so that a screen reader,
 * or anyone, gets the numbers without reading the picture.
 */
export function LineChart({ title, description, series, unit, from, to, step }: Props) {
  const id = useId();
  const top = axisTop(series);
  const box = { width: WIDTH, height: HEIGHT, from, to, top, gap: step * 2.5 };
  return (
    <figure className="chart-panel" aria-labelledby={`${id}-title`}>
      <figcaption>
        <h3 id={`${id}-title`}>{title}</h3>
        <p className="hint">{description}</p>
      </figcaption>
      {series.length === 0 ? (
        <p className="hint">No data in the last {Math.round((to - from) / 60)} minutes.</p>
      ) : (
        <>
          <svg className="line-chart" viewBox={`-44 -8 ${WIDTH + 52} ${HEIGHT + 28}`} aria-hidden="true" focusable="false">
            <line className="axis" x1={0} y1={HEIGHT} x2={WIDTH} y2={HEIGHT} />
            <line className="grid" x1={0} y1={0} x2={WIDTH} y2={0} />
            <line className="grid" x1={0} y1={HEIGHT / 2} x2={WIDTH} y2={HEIGHT / 2} />
            <text className="tick" x={-6} y={4} textAnchor="end">{formatValue(top, unit)}</text>
            <text className="tick" x={-6} y={HEIGHT + 4} textAnchor="end">{formatValue(0, unit)}</text>
            <text className="tick" x={0} y={HEIGHT + 18}>{clock(from)}</text>
            <text className="tick" x={WIDTH} y={HEIGHT + 18} textAnchor="end">{clock(to)}</text>
            {series.map((s, index) => (
              <path key={s.name} className={`line series-${index % PALETTE_SIZE}`} d={linePath(s.points, box)} />
            ))}
          </svg>
          <table className="chart-data">
            <caption className="visually-hidden">{title}: each line's latest and highest value</caption>
            <thead><tr><th scope="col">Line</th><th scope="col">Latest</th><th scope="col">Highest</th></tr></thead>
            <tbody>
              {series.map((s, index) => {
                const { latest, highest } = summary(s);
                return (
                  <tr key={s.name}>
                    <th scope="row"><span className={`swatch series-${index % PALETTE_SIZE}`} aria-hidden="true" />{s.name}</th>
                    <td>{formatValue(latest, unit)}</td>
                    <td>{formatValue(highest, unit)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </figure>
  );
}
