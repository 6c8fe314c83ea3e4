/** The choropleth's colour classes and the number formats shared by the map, legend, table and detail panel. */

export interface ShareClass {
  /** Inclusive lower bound of the Democratic two-party share. */
  min: number;
  label: string;
  colour: string;
}

/** Diverging red–blue classes (ColorBrewer RdBu), narrow near 50% where most counties are contested. */
export const SHARE_CLASSES: readonly ShareClass[] = [
  { min: 0, label: 'Under 30%', colour: '#b2182b' },
  { min: 0.3, label: '30–40%', colour: '#d6604d' },
  { min: 0.4, label: '40–45%', colour: '#f4a582' },
  { min: 0.45, label: '45–50%', colour: '#fddbc7' },
  { min: 0.5, label: '50–55%', colour: '#d1e5f0' },
  { min: 0.55, label: '55–60%', colour: '#92c5de' },
  { min: 0.6, label: '60–70%', colour: '#4393c3' },
  { min: 0.7, label: '70% or more', colour: '#2166ac' },
];
export const NO_DATA_COLOUR = '#c9ced8';

export function shareColour(share: number | null | undefined): string {
  if (share === null || share === undefined) return NO_DATA_COLOUR;
  let colour = SHARE_CLASSES[0]!.colour;
  for (const c of SHARE_CLASSES) if (share >= c.min) colour = c.colour;
  return colour;
}

const integer = new Intl.NumberFormat('en-US');
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export const formatVotes = (n: number | null | undefined) => (n === null || n === undefined ? '—' : integer.format(n));

/** 0.6234 → "62.3%". */
export const formatShare = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : `${oneDecimal.format(x * 100)}%`;

/** 0.1234 → "D +12.3", -0.05 → "R +5.0" (percentage points of all votes). */
export function formatMargin(m: number | null | undefined): string {
  if (m === null || m === undefined) return '—';
  if (m === 0) return 'Tied';
  return `${m > 0 ? 'D' : 'R'} +${oneDecimal.format(Math.abs(m) * 100)}`;
}

/** A percentage already on the 0–100 scale: 12.345 → "12.3%". */
export const formatPct = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : `${oneDecimal.format(x)}%`;

export const formatNumber = (x: number | null | undefined, digits = 0) =>
  x === null || x === undefined
    ? '—'
    : new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(x);
