/** A county's Democratic two-party share over the years, as a small SVG line chart with a text summary. */
import type { CountyResult } from '@akashic/contracts';
import { formatShare } from './scale';

const W = 640;
const H = 220;
const PAD = { left: 44, right: 24, top: 12, bottom: 28 };

export function HistoryChart({ items, name }: { items: CountyResult[]; name: string }) {
  const points = items.filter((i) => i.demShare !== null) as (CountyResult & { demShare: number })[];
  if (points.length === 0) return <p className="empty">No two-party results in these years.</p>;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const x0 = first.year;
  const x1 = Math.max(last.year, x0 + 4);
  const x = (year: number) => PAD.left + ((year - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const y = (share: number) => PAD.top + (1 - share) * (H - PAD.top - PAD.bottom);
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.year).toFixed(1)},${y(p.demShare).toFixed(1)}`).join('');
  const high = points.reduce((a, b) => (b.demShare > a.demShare ? b : a));
  const low = points.reduce((a, b) => (b.demShare < a.demShare ? b : a));
  const summary =
    `Democratic two-party share in ${name}, ${first.year}–${last.year}: ${formatShare(first.demShare)} in ${first.year}, ` +
    `${formatShare(last.demShare)} in ${last.year}; highest ${formatShare(high.demShare)} in ${high.year}, ` +
    `lowest ${formatShare(low.demShare)} in ${low.year}.`;
  const decades = [];
  for (let yr = Math.ceil(x0 / 20) * 20; yr <= x1; yr += 20) decades.push(yr);

  return (
    <figure className="history-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
        {[0, 0.25, 0.5, 0.75, 1].map((s) => (
          <g key={s}>
            <line
              x1={PAD.left}
              x2={W - PAD.right}
              y1={y(s)}
              y2={y(s)}
              className={s === 0.5 ? 'chart-even' : 'chart-grid'}
            />
            <text x={PAD.left - 6} y={y(s) + 4} textAnchor="end" className="chart-label">
              {s * 100}%
            </text>
          </g>
        ))}
        {decades.map((yr) => (
          <text key={yr} x={x(yr)} y={H - 8} textAnchor="middle" className="chart-label">
            {yr}
          </text>
        ))}
        <path d={line} className="chart-line" />
        {points.map((p) => (
          <circle
            key={p.year}
            cx={x(p.year)}
            cy={y(p.demShare)}
            r={3.5}
            className={p.demShare >= 0.5 ? 'chart-dot dem' : 'chart-dot rep'}
          />
        ))}
      </svg>
      <figcaption className="muted">
        Democratic share of the two-party vote; above the dashed 50% line the Democratic candidate led.
      </figcaption>
    </figure>
  );
}
