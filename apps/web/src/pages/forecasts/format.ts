/** Number formats for the forecasts page (shares are fractions; contributions are in share units). */
import type { ForecastFactor } from '@akashic/contracts';

const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const integer = new Intl.NumberFormat('en-US');

/** 0.523 → "52.3%". */
export const pct = (x: number) => `${oneDecimal.format(x * 100)}%`;

/** A simulated probability: "<1%" and ">99%" at the ends, never a falsely certain 0% or 100%. */
export function prob(p: number): string {
  if (p < 0.01) return '<1%';
  if (p > 0.99) return '>99%';
  return `${Math.round(p * 100)}%`;
}

/** 0.0123 → "+1.2 pts", -0.004 → "−0.4 pts". */
export function points(x: number): string {
  const v = oneDecimal.format(Math.abs(x) * 100);
  if (v === '0.0') return '0.0 pts';
  return `${x > 0 ? '+' : '−'}${v} pts`;
}

export const int = (n: number | null | undefined) => (n === null || n === undefined ? '—' : integer.format(n));

/** Factors by the size of their effect, largest first. */
export const byImpact = (fs: readonly ForecastFactor[]) =>
  [...fs].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));

/** Capitalise the first letter of a factor name for display. */
export const label = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
