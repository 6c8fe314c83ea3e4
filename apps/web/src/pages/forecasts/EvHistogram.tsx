/**
 * The Democratic electoral-vote distribution as an SVG bar chart with a written summary (its accessible name and
 * description) and, behind a disclosure, the same distribution as a table in 10-vote bands.
 */
import type { StateForecasts } from '@akashic/contracts';
import { useId, useMemo } from 'react';
import { TableWrap } from '../../components/layout';
import { prob } from './format';

const W = 720;
const H = 220;
const PAD = { left: 8, right: 8, top: 12, bottom: 28 };
const TOTAL_EV = 538;
const TO_WIN = 270;

export function EvHistogram({ forecast }: { forecast: StateForecasts }) {
  const id = useId();
  const { evDistribution: dist, national, cycle } = forecast;
  const maxP = Math.max(...dist.map((d) => d.probability), 1e-9);
  const x = (ev: number) => PAD.left + (ev / TOTAL_EV) * (W - PAD.left - PAD.right);
  const y = (p: number) => PAD.top + (1 - p / maxP) * (H - PAD.top - PAD.bottom);
  const barW = Math.max((W - PAD.left - PAD.right) / TOTAL_EV, 1);

  const bands = useMemo(() => {
    const m = new Map<number, number>();
    for (const d of dist) {
      const b = Math.floor(d.ev / 10) * 10;
      m.set(b, (m.get(b) ?? 0) + d.probability);
    }
    return [...m.entries()].sort((a, b) => a[0] - b[0]);
  }, [dist]);
  const mode = dist.reduce((a, b) => (b.probability > a.probability ? b : a), dist[0] ?? { ev: 0, probability: 0 });

  const summary =
    `Distribution of Democratic electoral votes in ${cycle} across ${forecast.simulations.toLocaleString('en-US')} ` +
    `simulations. Mean ${Math.round(national.demEvMean)}; 80% of simulations fall between ${national.demEvLo80} and ` +
    `${national.demEvHi80}, 95% between ${national.demEvLo95} and ${national.demEvHi95}; the most likely single ` +
    `outcome is ${mode.ev} (${prob(mode.probability)}). ${TO_WIN} electoral votes win: the Democrat reaches it in ` +
    `${prob(national.pDemWin)} of simulations.`;

  return (
    <figure className="ev-histogram">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`}>
        <title id={`${id}-t`}>Democratic electoral votes, {cycle}: distribution</title>
        <desc id={`${id}-d`}>{summary}</desc>
        <rect
          className="ev-band80"
          x={x(national.demEvLo80)}
          y={PAD.top}
          width={Math.max(x(national.demEvHi80) - x(national.demEvLo80), 1)}
          height={H - PAD.top - PAD.bottom}
        />
        {dist.map((d) => (
          <rect
            key={d.ev}
            className={d.ev >= TO_WIN ? 'ev-bar dem' : 'ev-bar rep'}
            x={x(d.ev) - barW / 2}
            y={y(d.probability)}
            width={barW}
            height={H - PAD.bottom - y(d.probability)}
          />
        ))}
        <line className="ev-win" x1={x(TO_WIN)} x2={x(TO_WIN)} y1={PAD.top - 4} y2={H - PAD.bottom} />
        <line className="ev-axis" x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} />
        {[0, 100, 200, 270, 300, 400, 538].map((t) => (
          <text key={t} x={x(t)} y={H - 8} textAnchor="middle" className="ev-tick">
            {t}
          </text>
        ))}
      </svg>
      <figcaption className="muted">
        {summary} The shaded band is the 80% interval; the line marks {TO_WIN}.
      </figcaption>
      <details className="ev-table">
        <summary>Show the distribution as a table</summary>
        <TableWrap label="Electoral-vote distribution table">
          <table className="table">
            <caption className="sr-only">
              Probability of each 10-vote band of Democratic electoral votes, {cycle}
            </caption>
            <thead>
              <tr>
                <th scope="col">Democratic electoral votes</th>
                <th scope="col" className="num">
                  Probability
                </th>
              </tr>
            </thead>
            <tbody>
              {bands.map(([b, p]) => (
                <tr key={b}>
                  <th scope="row">
                    {b}–{Math.min(b + 9, TOTAL_EV)}
                  </th>
                  <td className="num">{prob(p)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </details>
    </figure>
  );
}
