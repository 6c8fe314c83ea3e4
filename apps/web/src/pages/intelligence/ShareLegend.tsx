import { NO_DATA_COLOUR, SHARE_CLASSES } from './scale';

/** The colour key of the county share maps (history and forecasts). */
export function ShareLegend({ id, title, noData }: { id: string; title: string; noData: string }) {
  return (
    <div className="legend">
      <p className="legend-title" id={id}>
        {title}
      </p>
      <ul aria-labelledby={id}>
        {SHARE_CLASSES.map((c) => (
          <li key={c.label}>
            <span className="swatch" style={{ background: c.colour }} aria-hidden="true" />
            {c.label}
          </li>
        ))}
        <li>
          <span className="swatch" style={{ background: NO_DATA_COLOUR }} aria-hidden="true" />
          {noData}
        </li>
      </ul>
    </div>
  );
}
