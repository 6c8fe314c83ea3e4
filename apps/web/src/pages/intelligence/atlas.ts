/**
 * The county map's shapes: us-atlas's counties-10m.json (US Census Bureau cartographic boundaries, 2017), bundled
 * by Vite as a static asset of the console and fetched once per visit, then projected with geoAlbersUsa (Alaska
 * and Hawaii as insets). Territories are left out: there are no presidential results for them.
 */
import { geoAlbersUsa, geoPath, type GeoProjection } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countiesUrl from 'us-atlas/counties-10m.json?url';

export const MAP_WIDTH = 975;
export const MAP_HEIGHT = 610;

type Named = { name: string };
export type Shape = Feature<Geometry, Named> & { id: string };

type UsTopology = Topology<{ counties: GeometryCollection<Named>; states: GeometryCollection<Named> }>;

export interface Atlas {
  topology: UsTopology;
  counties: Shape[];
  states: Shape[];
  /** County FIPS → county name. */
  countyNames: ReadonlyMap<string, string>;
}

/** The 50 states and DC have FIPS 01–56. */
const inStates = (id: string) => Number(id.slice(0, 2)) <= 56;

let loading: Promise<Atlas> | null = null;

export function loadAtlas(): Promise<Atlas> {
  loading ??= fetch(countiesUrl)
    .then((r) => {
      if (!r.ok) throw new Error(`The county map could not be loaded (${r.status}).`);
      return r.json() as Promise<UsTopology>;
    })
    .then((topology) => {
      const shapes = (o: GeometryCollection<Named>) =>
        (feature(topology, o) as FeatureCollection<Geometry, Named>).features
          .map((f) => ({ ...f, id: String(f.id) }) as Shape)
          .filter((f) => inStates(f.id));
      const counties = shapes(topology.objects.counties);
      return {
        topology,
        counties,
        states: shapes(topology.objects.states),
        countyNames: new Map(counties.map((c) => [c.id, c.properties.name])),
      };
    })
    .catch((e: unknown) => {
      loading = null;
      throw e;
    });
  return loading;
}

export interface ProjectedMap {
  /** County FIPS → SVG path. */
  paths: { id: string; d: string }[];
  /** State outlines (one path), drawn over the counties. */
  borders: string;
  /** County FIPS → [x, y] of its centroid, for placing the tooltip. */
  centroids: ReadonlyMap<string, [number, number]>;
}

/** Project the counties of one state (zoomed to fit) or of the whole country. */
export function project(atlas: Atlas, stateFips: string | null): ProjectedMap {
  const counties = stateFips ? atlas.counties.filter((c) => c.id.startsWith(stateFips)) : atlas.counties;
  const states = stateFips ? atlas.states.filter((s) => s.id === stateFips) : atlas.states;
  const projection: GeoProjection = geoAlbersUsa();
  if (stateFips && states.length) {
    projection.fitExtent(
      [
        [16, 16],
        [MAP_WIDTH - 16, MAP_HEIGHT - 16],
      ],
      { type: 'FeatureCollection', features: states },
    );
  } else {
    projection.scale(1300).translate([MAP_WIDTH / 2, MAP_HEIGHT / 2]);
  }
  const path = geoPath(projection);
  const paths: { id: string; d: string }[] = [];
  const centroids = new Map<string, [number, number]>();
  for (const c of counties) {
    const d = path(c);
    if (!d) continue;
    paths.push({ id: c.id, d });
    const [x, y] = path.centroid(c);
    if (Number.isFinite(x) && Number.isFinite(y)) centroids.set(c.id, [x, y]);
  }
  // The whole country: borders between states, drawn once each. One state: its outline.
  const borders = stateFips
    ? states.map((st) => path(st) ?? '').join('')
    : (path(mesh(atlas.topology, atlas.topology.objects.states, (a, b) => a !== b)) ?? '');
  return { paths, borders, centroids };
}
