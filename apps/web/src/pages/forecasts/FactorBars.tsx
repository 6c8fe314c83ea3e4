/**
 * Explanatory factors as a bar list: each factor's signed contribution, largest effect first. Bars to the right
 * push towards the Democrat, to the left towards the Republican; the figures are written out too, so the bars
 * are decoration (hidden from assistive technology).
 */
import type { ForecastFactor } from '@akashic/contracts';
import { byImpact, label, points } from './format';

export function FactorBars({ factors, caption }: { factors: readonly ForecastFactor[]; caption: string }) {
  const sorted = byImpact(factors);
  if (sorted.length === 0) return <p className="muted">No factors reported.</p>;
  const max = Math.max(...sorted.map((f) => Math.abs(f.contribution)), 1e-9);
  return (
    <ul className="factor-bars" aria-label={caption}>
      {sorted.map((f) => {
        const width = (Math.abs(f.contribution) / max) * 50;
        const dem = f.contribution >= 0;
        return (
          <li key={f.name}>
            <span className="factor-name">{label(f.name)}</span>
            <span className="factor-track" aria-hidden="true">
              <span
                className={`factor-bar ${dem ? 'dem' : 'rep'}`}
                style={dem ? { left: '50%', width: `${width}%` } : { right: '50%', width: `${width}%` }}
              />
            </span>
            <span className="factor-value">
              {points(f.contribution)}
              <span className="sr-only"> {dem ? 'towards the Democrat' : 'towards the Republican'}</span>
            </span>
          </li>
        );
      })}
    </ul>
  );
}
