/**
 * The choropleth: one SVG path per county, filled by the Democratic two-party share. For assistive technology the
 * map is a single image with a summary; the county table below it is the accessible way through the same data
 * (and focusing a county there highlights it here). Pointing at a county shows its figures; clicking opens it.
 */
import { memo, useMemo, useState, type MouseEvent } from 'react';
import type { CountyResult } from '@akashic/contracts';
import { MAP_HEIGHT, MAP_WIDTH, type ProjectedMap } from './atlas';
import { formatMargin, formatShare, formatVotes, NO_DATA_COLOUR, shareColour } from './scale';

export interface MapCounty {
  /** The shape's (current) FIPS code. */
  fips: string;
  name: string;
  stateName: string;
  /** The results row drawn in this shape, possibly recorded under a former code; absent: no data. */
  result: CountyResult | undefined;
}

interface Props {
  map: ProjectedMap;
  counties: ReadonlyMap<string, MapCounty>;
  title: string;
  summary: string;
  /** A county to outline and describe (focused or selected in the table). */
  highlight: string | null;
  onSelect: (fips: string) => void;
}

/** The county shapes, redrawn only when the map or the fills change (not on every pointer move). */
const Shapes = memo(function Shapes({ map, fills }: { map: ProjectedMap; fills: ReadonlyMap<string, string> }) {
  return (
    <g className="county-shapes">
      {map.paths.map((p) => (
        <path key={p.id} d={p.d} fill={fills.get(p.id) ?? NO_DATA_COLOUR} data-fips={p.id} />
      ))}
    </g>
  );
});

export function CountyMap({ map, counties, title, summary, highlight, onSelect }: Props) {
  const [hover, setHover] = useState<string | null>(null);
  const fills = useFills(map, counties);
  const shown = hover ?? highlight;
  const info = shown ? counties.get(shown) : undefined;
  const anchor = shown ? map.centroids.get(shown) : undefined;
  const outline = shown ? map.paths.find((p) => p.id === shown)?.d : undefined;

  const fipsAt = (e: MouseEvent<SVGSVGElement>) => (e.target as Element).getAttribute('data-fips');

  return (
    <div className="county-map">
      <svg
        viewBox={`0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`}
        role="img"
        aria-labelledby="county-map-title county-map-desc"
        onMouseMove={(e) => setHover(fipsAt(e))}
        onMouseLeave={() => setHover(null)}
        onClick={(e) => {
          const f = fipsAt(e);
          if (f) onSelect(f);
        }}
      >
        <title id="county-map-title">{title}</title>
        <desc id="county-map-desc">{summary}</desc>
        <Shapes map={map} fills={fills} />
        <path className="state-borders" d={map.borders} />
        {outline && <path className="county-highlight" d={outline} />}
      </svg>
      {info && anchor && (
        <div
          className="map-tooltip"
          aria-hidden="true"
          style={{
            left: `${(anchor[0] / MAP_WIDTH) * 100}%`,
            top: `${(anchor[1] / MAP_HEIGHT) * 100}%`,
          }}
        >
          <strong>
            {info.name}, {info.stateName}
          </strong>
          {info.result ? (
            <>
              <span>Democratic two-party share {formatShare(info.result.demShare)}</span>
              <span>Margin {formatMargin(info.result.margin)}</span>
              <span>
                {formatVotes(info.result.demVotes)} D · {formatVotes(info.result.repVotes)} R ·{' '}
                {formatVotes(info.result.totalVotes)} total
              </span>
              {info.result.fips !== info.fips && <span>Recorded under FIPS {info.result.fips}</span>}
            </>
          ) : (
            <span>No data for this year</span>
          )}
        </div>
      )}
    </div>
  );
}

function useFills(map: ProjectedMap, counties: ReadonlyMap<string, MapCounty>): ReadonlyMap<string, string> {
  return useMemo(() => {
    const fills = new Map<string, string>();
    for (const p of map.paths) fills.set(p.id, shareColour(counties.get(p.id)?.result?.demShare));
    return fills;
  }, [map, counties]);
}
